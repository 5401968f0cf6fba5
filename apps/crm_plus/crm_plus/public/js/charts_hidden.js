// Charts drawn only where they can be seen (CRM Plus).
// A desk chart (a workspace's Dashboard Chart, a report's chart) is made when its data arrives. When the
// user has already left the page by then (a shortcut clicked while the workspace still loads), the
// chart's container is hidden and has no width: frappe-charts draws it anyway, with a width of 0 minus
// its margins, and every bar, axis and legend gets a negative size (`<rect> attribute width: A negative
// value` in the console). frappe-charts already skips a redraw while hidden, but not the first drawing
// nor an update of the data.
// Here a chart whose container has no room is not drawn: its data is kept, and it is drawn when the
// container is shown again (frappe-charts watches its container's size and calls draw then).
// A redraw asked for while the chart animates (its container then holds an animated copy, for 250 ms)
// threw "Failed to execute 'removeChild' on 'Node'"; it now waits until the chart is back.
// Loaded on every desk page (app_include_js). No backslashes here (see datetime_seconds.js).
(function () {
	const Chart = window.frappe && frappe.Chart;
	if (!Chart || Chart.crm_plus_hidden_guard) {
		return;
	}

	// The room a chart would have: its container's content width less the chart's own margins.
	function room(chart) {
		const parent = chart.parent;
		if (!parent || !parent.isConnected || parent.offsetParent === null) {
			return 0;
		}
		const style = getComputedStyle(parent);
		const width = parent.clientWidth - parseFloat(style.paddingLeft || 0) - parseFloat(style.paddingRight || 0);
		const m = chart.measures || { margins: {}, paddings: {} };
		const extra = (m.margins.left || 0) + (m.margins.right || 0) + (m.paddings.left || 0) + (m.paddings.right || 0);
		return width - extra;
	}

	function guard(proto) {
		if (proto.crm_plus_hidden_guard) {
			return;
		}
		proto.crm_plus_hidden_guard = true;
		const setup = proto.setup;
		const draw = proto.draw;
		const update = proto.update;
		proto.setup = function () {
			if (room(this) <= 0) {
				this.crm_plus_deferred = true;
				return;
			}
			this.crm_plus_deferred = false;
			return setup.apply(this, arguments);
		};
		proto.draw = function () {
			if (this.crm_plus_deferred) {
				// shown again (the size watcher's call): the first drawing, with the latest data
				if (room(this) > 0) {
					this.crm_plus_deferred = false;
					setup.call(this);
				}
				return;
			}
			if (room(this) <= 0) {
				return;
			}
			if (this.svg && this.container && this.svg.parentNode !== this.container) {
				// an animation shows a copy of the chart for a moment (frappe-charts swaps it in and back
				// after 250 ms): drawing now would remove the chart from where it is not ("removeChild ...
				// not a child of this node"), so it is drawn once the chart is back
				const args = arguments;
				clearTimeout(this.crm_plus_redraw);
				this.crm_plus_waits = (this.crm_plus_waits || 0) + 1;
				if (this.crm_plus_waits <= 20) {
					this.crm_plus_redraw = setTimeout(() => this.draw.apply(this, args), 100);
				}
				return;
			}
			this.crm_plus_waits = 0;
			return draw.apply(this, arguments);
		};
		proto.update = function (data) {
			if (this.crm_plus_deferred) {
				// not drawn yet: the data it will be drawn with
				if (data) {
					this.realData = this.prepareData(JSON.parse(JSON.stringify(data)));
					this.data = this.prepareFirstData(this.realData);
				}
				return;
			}
			return update.apply(this, arguments);
		};
	}

	// frappe-charts exports only the Chart factory; the class every chart type extends is found from a
	// chart drawn once off screen (with room, so it draws nothing wrong), the first time a chart is made.
	function guard_base() {
		const box = document.createElement("div");
		box.style.cssText = "position: absolute; left: -10000px; top: 0; width: 400px; visibility: hidden;";
		document.body.appendChild(box);
		try {
			const probe = new Chart(box, { type: "bar", data: { labels: ["a"], datasets: [{ values: [1] }] } });
			let proto = Object.getPrototypeOf(probe);
			while (proto && Object.getPrototypeOf(proto) && Object.getPrototypeOf(proto) !== Object.prototype) {
				proto = Object.getPrototypeOf(proto);
			}
			if (proto && proto.setup && proto.draw && proto.update) {
				guard(proto);
			}
			if (probe.destroy) {
				probe.destroy();
			}
		} catch (e) {
			// without the guard, charts behave as frappe-charts makes them
		}
		box.remove();
	}

	let guarded = false;
	function GuardedChart(parent, options) {
		if (!guarded) {
			guarded = true;
			guard_base();
		}
		return new Chart(parent, options);
	}
	GuardedChart.prototype = Chart.prototype;
	GuardedChart.crm_plus_hidden_guard = true;
	frappe.Chart = GuardedChart;
})();
