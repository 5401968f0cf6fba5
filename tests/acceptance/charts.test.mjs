// The desk's charts on a page the user has left (public/js/charts.js): a chart whose data arrives
// while its page is hidden is drawn when the page is shown again, not into a container of no width
// (`<rect> attribute width: A negative value`), and a redraw asked for while a chart animates does not
// throw (`removeChild ... not a child of this node`). Both happened when a workspace or a report with a
// chart was left before its charts were drawn.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { Run, launch } from "./harness.mjs";

let browser;
before(async () => {
	browser = await launch();
});
after(async () => {
	await browser?.close();
});

// Runs `fn` in the desk of the demo's division head on `device`, watched by the harness's guards, with
// two aids in the page: `sleep(ms)` and `chartBox(style)`, a new container for a chart at the top of the
// page. Returns what `fn` saw and the problems the guards met.
async function inDesk(device, lang, step, fn) {
	const run = new Run(browser, { role: "charts", user: "demo-head-1@crm-demo.example", device, lang });
	await run.open();
	run.step_name = step;
	await run.page.evaluate(() => {
		window.sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
		window.chartBox = (style) => {
			const box = document.createElement("div");
			Object.assign(box.style, style);
			document.querySelector(".layout-main-section").prepend(box);
			return box;
		};
	});
	const seen = await run.page.evaluate(fn);
	return { seen, problems: await run.finish() };
}

test("charts: none is drawn into a hidden page, and a redraw during an animation does not throw", { timeout: 120_000 }, async () => {
	const { seen, problems } = await inDesk("desktop", "en", "hidden chart", async () => {
		const box = chartBox({ display: "none" }); // a page the user has left
		const chart = new frappe.Chart(box, { type: "bar", height: 200, data: { labels: ["a", "b", "c"], datasets: [{ values: [3, 1, 5] }] } });
		await sleep(1000);
		const drawn_hidden = box.querySelectorAll("svg").length;
		chart.update({ labels: ["x", "y"], datasets: [{ values: [1, 2] }] }); // the data arrives
		box.style.display = "block"; // the user comes back
		await sleep(1500);
		const labels = [...box.querySelectorAll(".x.axis text")].map((t) => t.textContent);
		const bars = box.querySelectorAll("svg rect.bar").length;
		let thrown = "";
		chart.update({ labels: ["p", "q"], datasets: [{ values: [4, 2] }] }); // animates for 250 ms
		await sleep(50);
		try {
			chart.draw(true); // the window is resized meanwhile
		} catch (error) {
			thrown = error.message;
		}
		await sleep(1200);
		box.remove();
		return { drawn_hidden, labels, bars, thrown, svgs_after: box.querySelectorAll("svg").length };
	});
	assert.deepEqual(seen, { drawn_hidden: 0, labels: ["x", "y"], bars: 2, thrown: "", svgs_after: 1 });
	assert.deepEqual(problems, []);
});

test("charts: a donut's legend fits a phone's width and shows every item", { timeout: 120_000 }, async () => {
	const { seen, problems } = await inDesk("phone", "zh", "legend", async () => {
		const box = chartBox({ width: "300px" }); // a workspace card on a 375 px phone
		const labels = ["运送延误", "部门间答复不一致", "质量问题", "账单错误", "服务态度", "货物损坏", "其他投诉"];
		new frappe.Chart(box, { type: "donut", height: 240, data: { labels, datasets: [{ values: [157, 52, 40, 30, 20, 10, 5] }] } });
		await sleep(1500);
		const svg = box.querySelector("svg");
		const outer = svg.getBoundingClientRect();
		const items = [...box.querySelectorAll(".chart-legend > g")].map((g) => {
			const r = g.getBoundingClientRect();
			return { right: Math.round(r.right - outer.left), bottom: Math.round(r.bottom - outer.top) };
		});
		box.remove();
		return { width: Math.round(outer.width), height: Math.round(outer.height), items };
	});
	assert.equal(seen.items.length, 7, "every category in the legend");
	for (const item of seen.items) {
		assert.ok(item.right <= seen.width, `a legend item ends at ${item.right} px of a ${seen.width} px chart`);
		assert.ok(item.bottom <= seen.height, `a legend item ends at ${item.bottom} px below the top of a ${seen.height} px chart`);
	}
	assert.deepEqual(problems, []);
});

test("charts: a bar chart's labels on a phone are shown whole, on two lines where narrow", { timeout: 120_000 }, async () => {
	const { seen, problems } = await inDesk("phone", "zh", "axis labels", async () => {
		const box = chartBox({ width: "300px" }); // the Sales Funnel card on a 375 px phone
		const labels = ["初步接触", "需求确认", "方案报价", "商务谈判", "合同签订", "赢单"];
		new frappe.Chart(box, { type: "bar", height: 240, data: { labels, datasets: [{ values: [26, 17, 17, 14, 11, 4] }] } });
		await sleep(2000);
		const svg = box.querySelector("svg").getBoundingClientRect();
		const texts = [...box.querySelectorAll(".x.axis text")];
		const shown = texts.map((t) => t.textContent);
		const inside = texts.every((t) => t.getBoundingClientRect().bottom <= svg.bottom);
		box.remove();
		return { shown, inside };
	});
	// frappe-charts alone shows " ..." for each four-character stage
	assert.deepEqual(seen, { shown: ["初步接触", "需求确认", "方案报价", "商务谈判", "合同签订", "赢单"], inside: true });
	assert.deepEqual(problems, []);
});
