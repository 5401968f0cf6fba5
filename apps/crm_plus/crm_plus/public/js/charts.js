// The desk's charts (CRM Plus): drawn only where they can be seen, and legends that fit a phone.
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
// A legend is laid out in columns of 150 px whatever the chart's width: on a 375 px phone the second
// column of a donut's legend ran out of the chart (category names cut) and the rows after the first fell
// below the chart's height (not shown). Here the legend's items are placed in rows that fit the width, a
// label longer than the width is shortened with an ellipsis, and the chart grows to show every row.
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
		const render_legend = proto.renderLegend;
		proto.renderLegend = function () {
			const result = render_legend.apply(this, arguments);
			try {
				fit_legend(this);
			} catch (e) {
				// the legend as frappe-charts laid it out
			}
			return result;
		};
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

	// Lays out the legend's items (one <g> each: a dot, a label, maybe a value) in rows within the width.
	function fit_legend(chart) {
		const area = chart.legendArea;
		const svg = chart.svg;
		if (!area || !svg || !area.children.length || !svg.isConnected) {
			return;
		}
		const left = area.transform.baseVal.numberOfItems ? area.transform.baseVal.getItem(0).matrix.e : 0;
		const top = area.transform.baseVal.numberOfItems ? area.transform.baseVal.getItem(0).matrix.f : 0;
		const room_x = (chart.baseWidth || 0) - left - 8;
		if (room_x <= 0) {
			return;
		}
		const row_height = (chart.config && chart.config.legendRowHeight) || 30;
		const gap = 16;
		let x = 0;
		let y = 0;
		for (const item of area.children) {
			const label = item.querySelector(".legend-dataset-label");
			let width = item.getBBox().width;
			if (label && width > room_x) {
				// shorten the label until the item fits
				const full = label.textContent;
				let keep = full.length;
				while (keep > 1 && item.getBBox().width > room_x) {
					keep -= 1;
					label.textContent = full.slice(0, keep) + "…";
				}
				width = item.getBBox().width;
			}
			if (x > 0 && x + width > room_x) {
				x = 0;
				y += row_height;
			}
			item.setAttribute("transform", "translate(" + x + ", " + y + ")");
			x += Math.max(width + gap, 100);
		}
		const needed = Math.ceil(top + y + row_height);
		if (needed > Number(svg.getAttribute("height") || 0)) {
			svg.setAttribute("height", needed);
		}
	}

	// A bar or line chart's labels along the x axis: frappe-charts cuts a label to the letters it thinks
	// fit (7 px a letter), which leaves " ..." of a Chinese stage name on a phone. Here each label is shown
	// whole, or on two lines where it is wider than its column, the second ending in "…" if still too
	// long. Not for time series, whose labels frappe-charts thins out instead.
	const SVG = "http://www.w3.org/2000/svg";
	function wrap_x_labels(chart, axis) {
		const labels = (chart.state && chart.state.xAxis && chart.state.xAxis.labels) || [];
		if ((chart.config && chart.config.xIsSeries) || !labels.length || !axis.store) {
			return;
		}
		const room = Math.max((chart.width || 0) / labels.length - 4, 14);
		axis.store.forEach((group, i) => {
			const text = group.querySelector && group.querySelector("text");
			if (!text || labels[i] === undefined || !text.isConnected) {
				return;
			}
			const full = String(labels[i]);
			text.textContent = full;
			if (!text.getComputedTextLength() || text.getComputedTextLength() <= room) {
				return;
			}
			// words of Latin script, single characters of Chinese
			const parts = full.match(/[A-Za-z0-9]+[^A-Za-z0-9]?|./gu) || [full];
			const lines = [];
			let line = "";
			for (const part of parts) {
				text.textContent = line + part;
				if (line && text.getComputedTextLength() > room) {
					lines.push(line.trim());
					line = part;
				} else {
					line += part;
				}
			}
			lines.push(line.trim());
			if (lines.length === 2 && !/[A-Za-z0-9]/.test(full)) {
				// a Chinese label in two even halves (初步|接触 rather than 初步接|触)
				const half = Math.ceil(full.length / 2);
				text.textContent = full.slice(0, half);
				if (text.getComputedTextLength() <= room) {
					lines.splice(0, 2, full.slice(0, half), full.slice(half));
				}
			}
			if (lines.length > 2) {
				let last = lines[1];
				text.textContent = last + "…";
				while (last.length > 1 && text.getComputedTextLength() > room) {
					last = last.slice(0, -1);
					text.textContent = last + "…";
				}
				lines.splice(1, lines.length, last + "…");
			}
			text.textContent = "";
			lines.forEach((part, k) => {
				const span = document.createElementNS(SVG, "tspan");
				span.setAttribute("x", "0");
				if (k) {
					span.setAttribute("dy", "1.2em");
				}
				span.textContent = part;
				text.appendChild(span);
			});
		});
	}

	function guard_axis(proto) {
		if (!proto.setupComponents || proto.crm_plus_axis_guard) {
			return;
		}
		proto.crm_plus_axis_guard = true;
		const setup_components = proto.setupComponents;
		proto.setupComponents = function () {
			const result = setup_components.apply(this, arguments);
			const axis = this.components && this.components.get && this.components.get("xAxis");
			if (axis && axis.render) {
				const render = axis.render;
				const chart = this;
				axis.render = function () {
					const drawn = render.apply(this, arguments);
					try {
						wrap_x_labels(chart, this);
					} catch (e) {
						// the labels as frappe-charts cut them
					}
					return drawn;
				};
			}
			return result;
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
			// the bar and line charts' class, then the class every chart extends
			guard_axis(Object.getPrototypeOf(probe));
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
