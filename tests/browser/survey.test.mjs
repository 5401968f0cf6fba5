// A customer answers the satisfaction survey from its public link on a phone, in Chinese, without logging in.
import assert from "node:assert/strict";
import { base, browserTest, chinese, fixture, openPage, phone, shots } from "./helpers.mjs";

browserTest("a customer answers the survey on a phone", { needs: fixture.survey_token }, async (browser) => {
	const page = await openPage(browser, {
		...phone,
		...chinese,
	});
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
});
