// Stored script payloads (every text field of a customer, its key person, a complaint, a visit, the
// manual grade's reason, a survey template) are rendered in Chromium on the form, the list, a report
// and the public survey page; no payload may run. A payload that runs sets window.__xss.
import { test } from "node:test";
import assert from "node:assert/strict";
import { base, fixture, launch, shots } from "./helpers.mjs";

// Opens a desk page; a client-side redirect of the previous page may abort the first navigation.
async function open(page, url) {
	for (let attempt = 0; ; attempt++) {
		try {
			await page.goto(url, { waitUntil: "networkidle" });
			return;
		} catch (e) {
			if (attempt > 1 || !String(e).includes("ERR_ABORTED")) throw e;
			await page.waitForTimeout(500);
		}
	}
}

async function ranNothing(page, what) {
	await page.waitForTimeout(1500);
	const ran = await page.evaluate(() => window.__xss);
	assert.equal(ran, undefined, `a payload ran on ${what}`);
}

test("stored payloads never run in the desk or on the survey page", { timeout: 180_000 }, async (t) => {
	const xss = fixture.xss;
	if (!xss) {
		t.skip("no fixture: set CRM_PLUS_FIXTURE");
		return;
	}
	const browser = await launch();
	const dialogs = [];
	try {
		const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: "zh-CN" });
		const page = await context.newPage();
		page.on("dialog", (d) => {
			if (d.type() === "beforeunload") return d.accept(); // leaving a form, not a payload
			dialogs.push(d.message());
			d.dismiss();
		});
		const login = await page.request.post(`${base}/api/method/login`, { data: { usr: xss.user, pwd: fixture.password } });
		assert.equal(login.status(), 200);
		const pages = [
			[`/app/crm-customer/${encodeURIComponent(xss.customer)}`, "the customer form"],
			[`/app/crm-customer?account_manager=${encodeURIComponent(xss.user)}`, "the customer list"],
			[`/app/crm-customer/view/report?account_manager=${encodeURIComponent(xss.user)}`, "the report view"],
			[`/app/crm-complaint/${encodeURIComponent(xss.complaint)}`, "the complaint form"],
			[`/app/crm-complaint?customer=${encodeURIComponent(xss.customer)}`, "the complaint list"],
			[`/app/crm-visit/${encodeURIComponent(xss.visit)}`, "the visit form"],
			["/app/query-report/Churn Risk", "the churn risk report"],
			[`/app/crm-customer-transaction/${encodeURIComponent(xss.transaction)}`, "the transaction form"],
			[`/app/crm-customer-transaction?customer=${encodeURIComponent(xss.customer)}`, "the transaction list"],
			[`/app/crm-customer-event/${encodeURIComponent(xss.event)}`, "the event form"],
			...Object.entries(xss.masters).map(([doctype, name]) => [
				`/app/${doctype.toLowerCase().replaceAll(" ", "-")}/${encodeURIComponent(name)}`,
				`the ${doctype} form`,
			]),
		];
		for (const [path, what] of pages) {
			await open(page, `${base}${path}`);
			await page.locator(".page-head").first().waitFor();
			await ranNothing(page, what);
		}
		// The customer form shows the manual grade's reason as text.
		await open(page, `${base}/app/crm-customer/${encodeURIComponent(xss.customer)}`);
		await page.locator(".form-intro-area, .form-message").first().waitFor();
		const intro = await page.locator(".form-intro-area, .form-message").first().innerText();
		assert.match(intro, /reason <img src="x">/);
		await page.screenshot({ path: `${shots}/xss-customer-form.png` });
		// Focus every field: an attribute payload would run on focus.
		for (const input of await page.locator("input:visible, textarea:visible").all()) {
			await input.focus().catch(() => {});
		}
		await ranNothing(page, "focused customer fields");

		// The public survey page, as a guest.
		const guest = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: "zh-CN" });
		const survey = await guest.newPage();
		survey.on("dialog", (d) => {
			dialogs.push(d.message());
			d.dismiss();
		});
		await survey.goto(`${base}/survey?token=${xss.survey_token}`, { waitUntil: "networkidle" });
		await survey.locator("#crm-survey-form").waitFor();
		const injected = await survey.evaluate(
			() => document.querySelectorAll("#crm-survey-form img, #crm-survey-form svg, [onfocus], [onerror], [onload], [autofocus]").length
		);
		assert.equal(injected, 0, "a payload became an element or an attribute of the survey page");
		for (const input of await survey.locator("input, textarea").all()) {
			await input.focus().catch(() => {});
		}
		await ranNothing(survey, "the survey page");
		await survey.screenshot({ path: `${shots}/xss-survey.png`, fullPage: true });
		await survey.locator("[data-question]").first().locator("input[value='1']").check();
		await survey.locator("#crm-survey-form button[type=submit]").click();
		await survey.locator("#crm-survey-thanks").waitFor({ state: "visible" });
		await ranNothing(survey, "the thank-you text");
		assert.deepEqual(dialogs, []);
	} finally {
		await browser.close();
	}
});
