// A rep on a phone: opens the workspace, creates a customer, plans a visit, checks in at the
// customer (emulated position), checks out with the outcome. Everything through the desk UI.
import assert from "node:assert/strict";
import { assertOpensClean, base, browserTest, dialogAction, fixture, menuAction, openPage, phone, serverStatus, shots } from "./helpers.mjs";

async function save(page) {
	await page.keyboard.press("Control+s");
	await page.waitForFunction(() => !cur_frm.is_dirty() && !cur_frm.is_new(), null, { timeout: 30_000 });
}

browserTest("a rep creates a customer, plans a visit, checks in and records the outcome", { needs: fixture.user, timeout: 180_000 }, async (browser) => {
	const page = await openPage(browser, {
		...phone,
		geolocation: { latitude: 39.9087, longitude: 116.3975, accuracy: 10 },
		permissions: ["geolocation"],
	}, fixture.user);

	await page.goto(`${base}/app/crm-plus`, { waitUntil: "networkidle" });
	await page.getByText("我今天的拜访").first().waitFor({ timeout: 30_000 });
	await page.screenshot({ path: `${shots}/rep-workspace-phone.png` });

	// A new customer, standing where the visit will take place (Tiananmen, Beijing).
	const name = `天安门贸易有限公司 ${Date.now()}`;
	await page.goto(`${base}/app/crm-customer/new`, { waitUntil: "networkidle" });
	await page.locator('[data-fieldname="customer_name"] input').fill(name);
	await page.evaluate(() => cur_frm.set_value({ latitude: 39.9087, longitude: 116.3975 }));
	await save(page);
	const customer = await page.evaluate(() => cur_frm.doc.name);

	// Plan a visit from the customer.
	await page.goto(`${base}/app/crm-visit/new`, { waitUntil: "networkidle" });
	// In half an hour, in the site's time zone (the test runner's clock may be in another).
	const when = await page.evaluate(() =>
		moment(frappe.datetime.now_datetime()).add(30, "minutes").format("YYYY-MM-DD HH:mm:00")
	);
	await page.evaluate(
		([c, w]) => cur_frm.set_value({ customer: c, planned_start: w, purpose: "Sales" }),
		[customer, when]
	);
	await page.waitForTimeout(800);
	await save(page);
	const visit = await page.evaluate(() => cur_frm.doc.name);

	await menuAction(page, "签到");
	assert.equal(await serverStatus(page, visit, "Checked In"), "Checked In");
	await page.goto(`${base}/app/crm-visit/${visit}`, { waitUntil: "networkidle" });
	await assertOpensClean(page, "CRM Visit", visit); // the check-in time, to the second
	await dialogAction(page, "签退", "outcome", "textarea", "客户同意下月试用新产品");
	assert.equal(await serverStatus(page, visit, "Completed"), "Completed");
	await page.goto(`${base}/app/crm-visit/${visit}`, { waitUntil: "networkidle" });
	await page.waitForTimeout(1000);
	await page.screenshot({ path: `${shots}/rep-visit-completed-phone.png` });

	const stored = (await (await page.request.get(`${base}/api/resource/CRM Visit/${visit}`)).json()).data;
	assert.equal(stored.status, "Completed");
	assert.equal(stored.outcome, "客户同意下月试用新产品");
	assert.ok(stored.check_in_distance < 100, `distance ${stored.check_in_distance}`);
});
