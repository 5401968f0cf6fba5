// Shared set-up of the browser tests: the bench's URL, the fixture, the screenshot folder, Chromium.
import { mkdirSync } from "node:fs";
import assert from "node:assert/strict";
import { chromium } from "playwright-core";

export const base = process.env.CRM_PLUS_URL || "http://127.0.0.1:8000";
export const fixture = JSON.parse(process.env.CRM_PLUS_FIXTURE || "{}");
export const shots = process.env.CRM_PLUS_ARTIFACTS || "artifacts";
mkdirSync(shots, { recursive: true });

// Debian's chromium, never a downloaded browser; no background traffic off this machine.
export function launch() {
	return chromium.launch({
		executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
		args: ["--no-sandbox", "--disable-background-networking", "--disable-component-update", "--disable-gpu", "--lang=zh-CN"],
	});
}

export const phone = {
	viewport: { width: 390, height: 844 },
	deviceScaleFactor: 2,
	isMobile: true,
	hasTouch: true,
	locale: "zh-CN",
	timezoneId: "Asia/Shanghai",
};

// A saved document's form as it opened: not "Not Saved", and each Datetime field showing the stored
// value to the second (yyyy-mm-dd HH:mm:ss; the browser fixture sets these formats and the rep's time
// zone is the system's), never a literal "ss".
export async function assertOpensClean(page, doctype, name) {
	await page.waitForTimeout(1000);
	const form = await page.evaluate(() => ({
		dirty: cur_frm.is_dirty(),
		indicator: (document.querySelector(".page-head .indicator-pill:not(.hide)") || {}).innerText,
		shown: Object.fromEntries(
			cur_frm.fields
				.filter((f) => f.df.fieldtype === "Datetime" && f.$input && f.$input.val())
				.map((f) => [f.df.fieldname, f.$input.val()])
		),
	}));
	assert.equal(form.dirty, false, `${doctype} ${name} opened "${form.indicator}"`);
	const stored = (await (await page.request.get(`${base}/api/resource/${doctype}/${name}`)).json()).data;
	assert.ok(Object.keys(form.shown).length, "no datetime shown");
	for (const [field, value] of Object.entries(form.shown)) {
		assert.equal(value, String(stored[field]).slice(0, 19), `${field} shown as ${value}`);
	}
	return form;
}

// Presses a form button; on a phone the form's buttons sit in the "..." menu of the page head.
export async function menuAction(page, label) {
	const direct = page.locator(".page-actions button:visible", { hasText: label });
	if (await direct.count()) {
		await direct.first().click();
		return;
	}
	await page.locator(".page-actions .menu-btn-group button:visible").first().click();
	await page.locator(".dropdown-menu.show .dropdown-item", { hasText: label }).first().click();
}

// Polls the server until the visit reaches a status (or 30 s pass); returns the last status seen.
export async function serverStatus(page, visit, wanted) {
	let status;
	for (let i = 0; i < 60 && status !== wanted; i++) {
		await page.waitForTimeout(500);
		status = (await (await page.request.get(`${base}/api/resource/CRM Visit/${visit}`)).json()).data.status;
	}
	return status;
}

