// A customer answers the satisfaction survey from its public link on a phone, in Chinese, without logging in.
import { test } from "node:test";
import assert from "node:assert/strict";
import { base, fixture, launch, phone, shots } from "./helpers.mjs";

test("a customer answers the survey on a phone", { timeout: 120_000 }, async (t) => {
	if (!fixture.survey_token) {
		t.skip("no fixture: set CRM_PLUS_FIXTURE");
		return;
	}
	const browser = await launch();
	try {
		const context = await browser.newContext({
			...phone,
			extraHTTPHeaders: { "Accept-Language": "zh-CN,zh;q=0.9" },
		});
		const page = await context.newPage();
		await page.goto(`${base}/survey?token=${fixture.survey_token}`, { waitUntil: "networkidle" });
		await page.locator("#crm-survey-form").waitFor();
		const groups = page.locator("[data-question]");
		assert.equal(await groups.count(), 6);
		// Submitting empty shows the required questions' messages and stores nothing.
		await page.locator("#crm-survey-form button[type=submit]").click();
		await page.locator(".crm-survey-error:not(:empty)").first().waitFor();
		await page.screenshot({ path: `${shots}/survey-errors.png`, fullPage: true });
		// Very satisfied (5), satisfied (4), skip the optional one, recommend 9, pick a choice.
		await groups.nth(0).locator("input[value='5']").check();
		await groups.nth(1).locator("input[value='4']").check();
		await groups.nth(3).locator("input[value='9']").check();
		await groups.nth(4).locator("input").first().check();
		await groups.nth(5).locator("textarea").fill("送货很快，谢谢！");
		await page.screenshot({ path: `${shots}/survey-phone.png`, fullPage: true });
		await page.locator("#crm-survey-form button[type=submit]").click();
		await page.locator("#crm-survey-thanks").waitFor({ state: "visible" });
		await page.screenshot({ path: `${shots}/survey-thanks.png` });
		// The link is used now: opening it again says so.
		await page.goto(`${base}/survey?token=${fixture.survey_token}`, { waitUntil: "networkidle" });
		assert.equal(await page.locator("[data-state='used']").count(), 1);
	} finally {
		await browser.close();
	}
});
