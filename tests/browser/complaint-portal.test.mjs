// A customer without a login complains on the website's form, and another confirms and rates a resolved
// complaint from the feedback link: both on a phone, in Chinese.
import assert from "node:assert/strict";
import { base, browserTest, chinese, fixture, openPage, phone, shots } from "./helpers.mjs";

browserTest("a guest complains on the public form on a phone", {}, async (browser) => {
	const page = await openPage(browser, { ...phone, ...chinese });
	await page.goto(`${base}/complaint`, { waitUntil: "networkidle" });
	await page.locator("#crm-complaint-form").waitFor();
	// Sent without a subject: the field says so and nothing is stored.
	await page.locator("#crm-full_name").fill("李伟");
	await page.locator("#crm-email").fill(`li.${Date.now()}@test.example`);
	await page.locator("#crm-description").fill("收到的货物颜色不对。");
	await page.locator("#crm-complaint-form button[type=submit]").click();
	await page.locator(".crm-complaint-error:not(:empty)").first().waitFor();
	await page.screenshot({ path: `${shots}/complaint-form-errors.png`, fullPage: true });
	await page.locator("#crm-subject").fill("<b>发错货</b>");
	await page.locator("#crm-complaint-form button[type=submit]").click();
	const thanks = page.locator("#crm-complaint-thanks");
	await thanks.waitFor({ state: "visible" });
	assert.match(await thanks.textContent(), /CRM-CMP-\d{4}-\d+/);
	await page.screenshot({ path: `${shots}/complaint-form-phone.png`, fullPage: true });
});

browserTest("a customer confirms the resolution and rates it on a phone", { needs: fixture.feedback_token }, async (browser) => {
	const page = await openPage(browser, { ...phone, ...chinese });
	const url = `${base}/complaint-feedback?token=${fixture.feedback_token}`;
	await page.goto(url, { waitUntil: "networkidle" });
	await page.locator("#crm-feedback-form").waitFor();
	assert.ok((await page.content()).includes("发票抬头错误"), "the page names the complaint");
	await page.locator("input[name=resolved][value='1']").check();
	await page.locator("input[name=rating][value='5']").check();
	await page.locator("textarea[name=comment]").fill("处理很及时，谢谢！");
	await page.screenshot({ path: `${shots}/complaint-feedback-phone.png`, fullPage: true });
	await page.locator("#crm-feedback-form button[type=submit]").click();
	await page.locator(".crm-feedback-state[data-state='answered']").waitFor();
	// The link is used now: opening it again says so, with no form.
	await page.goto(url, { waitUntil: "networkidle" });
	assert.equal(await page.locator("[data-state='used']").count(), 1);
	assert.equal(await page.locator("#crm-feedback-form").count(), 0);
});
