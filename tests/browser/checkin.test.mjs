// A sales rep on a phone-sized screen checks in to a visit at the customer's address.
// Needs: a running bench (CRM_PLUS_URL, default http://127.0.0.1:8000) and the fixture JSON from
// `bench --site SITE execute crm_plus.tests.browser_fixtures.setup` in CRM_PLUS_FIXTURE.
import assert from "node:assert/strict";
import { assertOpensClean, base, browserTest, fixture, menuAction, openPage, phone, serverStatus, shots } from "./helpers.mjs";

browserTest("a rep checks in from a phone at the customer's address", { needs: fixture.visit }, async (browser) => {
	const page = await openPage(browser, {
		...phone,
		geolocation: { latitude: fixture.shop[0] + 0.0002, longitude: fixture.shop[1] + 0.0002, accuracy: 15 },
		permissions: ["geolocation"],
		locale: "zh-CN",
	}, fixture.user);

	await page.goto(`${base}/app/crm-visit/${fixture.visit}`, { waitUntil: "networkidle" });
	await page.locator(".page-title").first().waitFor({ timeout: 30_000 });
	await assertOpensClean(page, "CRM Visit", fixture.visit);
	await page.screenshot({ path: `${shots}/visit-before-check-in.png` });
	await menuAction(page, "签到");
	const status = await serverStatus(page, fixture.visit, "Checked In");
	assert.equal(status, "Checked In");
	await page.waitForTimeout(1500);
	await page.screenshot({ path: `${shots}/visit-checked-in.png` });
	const visit = await (await page.request.get(`${base}/api/resource/CRM Visit/${fixture.visit}`)).json();
	assert.equal(visit.data.status, "Checked In");
	assert.ok(visit.data.check_in_distance < 100, `distance ${visit.data.check_in_distance}`);

	await page.goto(`${base}/app/crm-customer/${fixture.customer}`, { waitUntil: "networkidle" });
	await page.waitForTimeout(1500);
	await page.screenshot({ path: `${shots}/customer-form-mobile.png` });
});

browserTest("a rep whose desk is in English opens a visit clean, its times to the second", { needs: fixture.visit_en }, async (browser) => {
	const page = await openPage(browser, { viewport: { width: 1280, height: 900 }, locale: "en-US", timezoneId: "Asia/Shanghai" }, fixture.user_en);
	await page.goto(`${base}/app/crm-visit/${fixture.visit_en}`, { waitUntil: "networkidle" });
	await page.locator(".page-title").first().waitFor({ timeout: 30_000 });
	assert.equal(await page.evaluate(() => frappe.boot.lang), "en");
	const form = await assertOpensClean(page, "CRM Visit", fixture.visit_en);
	assert.match(form.shown.planned_start, /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
	await page.screenshot({ path: `${shots}/visit-english-desktop.png` });
	await page.locator(".page-actions button:visible", { hasText: "Check In" }).first().waitFor({ timeout: 10_000 });
});
