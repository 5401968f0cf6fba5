// A rep on a phone converts a qualified lead through the lead form's Convert action (customer, contact
// and opportunity), then drags the opportunity on the "Opportunities by Stage" Kanban board to the next
// stage. The server must show the stage changed through the opportunity's save: its log has the row.
import assert from "node:assert/strict";
import { base, browserTest, dialogAction, fixture, openPage, phone, shots } from "./helpers.mjs";

async function resource(page, doctype, name) {
	return (await (await page.request.get(`${base}/api/resource/${doctype}/${encodeURIComponent(name)}`)).json()).data;
}

browserTest("a rep converts a lead and moves the opportunity on the Kanban board", { needs: fixture.lead, timeout: 180_000 }, async (browser) => {
	const page = await openPage(browser, phone, fixture.user);

	// The lead form's Convert action (转化), with an opportunity of 80,000.
	await page.goto(`${base}/app/crm-lead/${fixture.lead}`, { waitUntil: "networkidle" });
	await page.waitForFunction(() => window.cur_frm && cur_frm.doc && cur_frm.doc.status === "Qualified", null, { timeout: 30_000 });
	await dialogAction(page, "转化", "expected_amount", "input", "80000");
	await page.waitForURL(/\/app\/crm-opportunity\//, { timeout: 30_000 });
	const lead = await resource(page, "CRM Lead", fixture.lead);
	assert.equal(lead.status, "Converted");
	const opportunity = lead.converted_opportunity;
	assert.ok(opportunity, "no opportunity made");
	let stored = await resource(page, "CRM Opportunity", opportunity);
	assert.equal(stored.stage, "Prospecting");
	assert.equal(stored.expected_amount, 80000);

	// The board, on the phone: the card shows the customer, the amount and the close date fields.
	await page.goto(`${base}/app/crm-opportunity/view/kanban/Opportunities by Stage`, { waitUntil: "networkidle" });
	const card = page.locator(`.kanban-card-wrapper[data-name="${opportunity}"]`);
	await card.waitFor({ timeout: 30_000 });
	const customer = await resource(page, "CRM Customer", stored.customer);
	const text = await card.innerText();
	// Under the title: the customer (客户 / 线索), the amount and the close date.
	assert.ok(text.includes(`: ${customer.customer_name}`), text);
	assert.match(text, /80,000/);
	await page.screenshot({ path: `${shots}/sales-kanban-phone.png` });
	const target = page.locator('.kanban-column[data-column-value="Qualification"] .kanban-cards');
	await target.scrollIntoViewIfNeeded();
	await card.scrollIntoViewIfNeeded();
	const from = await card.boundingBox();
	const to = await target.boundingBox();
	const width = phone.viewport.width;
	const dropX = Math.min(to.x + to.width / 2, width - 12);
	const dropY = to.y + 40;
	await page.mouse.move(from.x + from.width / 2, from.y + from.height / 2);
	await page.mouse.down();
	for (let i = 1; i <= 12; i++) {
		await page.mouse.move(
			from.x + from.width / 2 + ((dropX - from.x - from.width / 2) * i) / 12,
			from.y + from.height / 2 + ((dropY - from.y - from.height / 2) * i) / 12
		);
		await page.waitForTimeout(60);
	}
	await page.mouse.up();
	for (let i = 0; i < 40 && stored.stage !== "Qualification"; i++) {
		await page.waitForTimeout(500);
		stored = await resource(page, "CRM Opportunity", opportunity);
	}
	await page.screenshot({ path: `${shots}/sales-kanban-moved-phone.png` });
	assert.equal(stored.stage, "Qualification");
	assert.equal(stored.probability, 20);
	const logs = (
		await (
			await page.request.get(`${base}/api/resource/CRM Opportunity Stage Log`, {
				params: {
					filters: JSON.stringify([["opportunity", "=", opportunity]]),
					fields: JSON.stringify(["from_stage", "to_stage", "changed_by"]),
				},
			})
		).json()
	).data;
	assert.ok(
		logs.some((l) => l.from_stage === "Prospecting" && l.to_stage === "Qualification" && l.changed_by === fixture.user),
		JSON.stringify(logs)
	);
});
