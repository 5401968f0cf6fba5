// A complaint past its deadline shows up, breached and escalated, for the service supervisor.
import assert from "node:assert/strict";
import { assertOpensClean, base, browserTest, fixture, openPage, shots } from "./helpers.mjs";

browserTest("the supervisor sees the breached complaint", { needs: fixture.complaint }, async (browser) => {
	const page = await openPage(browser, { viewport: { width: 1280, height: 860 }, locale: "zh-CN" }, fixture.supervisor);
	// The escalation reached the supervisor as a notification: its own, or the pass's digest that lists it
	// (more than three escalations for one person in one pass, as on a site with earlier runs' complaints).
	const orFilters = JSON.stringify([
		["document_name", "=", fixture.complaint],
		["email_content", "like", `%${fixture.complaint}%`],
	]);
	const notes = await page.request.get(`${base}/api/resource/Notification Log`, {
		params: { fields: JSON.stringify(["document_name", "subject"]), or_filters: orFilters, limit_page_length: "5" },
	});
	assert.equal(notes.status(), 200, await notes.text());
	assert.ok((await notes.json()).data.length >= 1, "no notification for the supervisor");
	await page.goto(`${base}/app/crm-complaint?sla_status=Breached`, { waitUntil: "networkidle" });
	await page.locator(`.list-row-checkbox[data-name="${fixture.complaint}"]`).waitFor({ state: "attached", timeout: 30_000 });
	await page.screenshot({ path: `${shots}/complaints-breached-supervisor.png` });
	await page.goto(`${base}/app/crm-complaint/${fixture.complaint}`, { waitUntil: "networkidle" });
	// Opened clean, received_at to the second (the date picker's seconds come from the desk-wide script).
	await assertOpensClean(page, "CRM Complaint", fixture.complaint);
	// The form's headline: "服务时限：已超时 超时 N 个工作分钟" (SLA: Breached by N working minutes).
	const headline = page.getByText(/服务时限：已超时/).first();
	await headline.waitFor({ timeout: 30_000 });
	assert.match(await headline.innerText(), /超时 \d+ 个工作分钟/);
	await page.screenshot({ path: `${shots}/complaint-breached-form.png` });
});
