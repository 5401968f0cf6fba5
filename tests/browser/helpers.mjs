// Shared set-up of the browser tests: the bench's URL, the fixture, the screenshot folder, Chromium.
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import assert from "node:assert/strict";
import { test } from "node:test";
import { chromium } from "playwright-core";

export const base = process.env.CRM_PLUS_URL || "http://127.0.0.1:8000";
export const fixture = JSON.parse(process.env.CRM_PLUS_FIXTURE || "{}");
export const shots = process.env.CRM_PLUS_ARTIFACTS || "artifacts";
mkdirSync(shots, { recursive: true });

// Debian's chromium, never a downloaded browser; no background traffic off this machine.
// CRM_PLUS_ASSETS (optional): a checkout's crm_plus/public folder, served for /assets/crm_plus/ in
// place of the bench's copy (for a checkout whose Python the server takes from PYTHONPATH).
export async function launch() {
	const browser = await chromium.launch({
		executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
		args: ["--no-sandbox", "--disable-background-networking", "--disable-component-update", "--disable-gpu", "--lang=zh-CN"],
	});
	const assets = process.env.CRM_PLUS_ASSETS;
	if (assets) {
		const newContext = browser.newContext.bind(browser);
		browser.newContext = async (options) => {
			const context = await newContext(options);
			await context.route("**/assets/crm_plus/**", (route) => {
				const file = join(assets, new URL(route.request().url()).pathname.replace("/assets/crm_plus/", ""));
				if (!existsSync(file)) return route.fulfill({ status: 404 });
				const type = file.endsWith(".js") ? "text/javascript" : file.endsWith(".css") ? "text/css" : undefined;
				return route.fulfill({ body: readFileSync(file), contentType: type });
			});
			return context;
		};
	}
	return browser;
}

// One browser test: skipped when the fixture lacks what it needs (`options.needs`, a value read from
// the fixture, where given), else run as `body(browser, t)` in a fresh Chromium closed afterwards.
export function browserTest(title, options, body) {
	test(title, { timeout: options.timeout ?? 120_000 }, async (t) => {
		if ("needs" in options && !options.needs) {
			t.skip("no fixture: set CRM_PLUS_FIXTURE");
			return;
		}
		const browser = await launch();
		try {
			await body(browser, t);
		} finally {
			await browser.close();
		}
	});
}

// A page in a new browser context (`options`), signed in as `user` (the fixture's password) when given.
export async function openPage(browser, options, user) {
	const context = await browser.newContext(options);
	const page = await context.newPage();
	if (user) await logIn(page.request, user);
	return page;
}

// Signs a request context (a page's `page.request`, or one of `request.newContext()`) in as `user`.
export async function logIn(requests, user, password = fixture.password) {
	const login = await requests.post(`${base}/api/method/login`, { data: { usr: user, pwd: password } });
	assert.equal(login.status(), 200, await login.text());
	return login;
}

// What a visitor's browser sends: Chinese first.
export const chinese = { extraHTTPHeaders: { "Accept-Language": "zh-CN,zh;q=0.9" } };

export const phone = {
	viewport: { width: 390, height: 844 },
	deviceScaleFactor: 2,
	isMobile: true,
	hasTouch: true,
	locale: "zh-CN",
	timezoneId: "Asia/Shanghai",
};

// A saved document's form as it opened: not "Not Saved", and each Datetime field showing the stored
// value to the second in the user's time zone (the browser fixture sets the time format HH:mm:ss),
// never a literal "ss".
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
		// the stored value in the user's time zone and formats, by moment (not by the date picker)
		const expected = await page.evaluate((v) => frappe.datetime.str_to_user(v), String(stored[field]).slice(0, 19));
		assert.match(expected, /:\d\d:\d\d$/);
		assert.equal(value, expected, `${field} shown as ${value}`);
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

// Presses a form action that asks in a dialog, fills the dialog's field (its `control`: input, textarea)
// with `value` and confirms.
export async function dialogAction(page, label, field, control, value) {
	await menuAction(page, label);
	const dialog = page.locator(".modal.show").filter({ has: page.locator(`[data-fieldname="${field}"]`) }).last();
	await dialog.waitFor();
	await dialog.locator(`[data-fieldname="${field}"] ${control}`).fill(value);
	await page.waitForTimeout(300);
	await dialog.locator(".modal-footer .btn-primary").click();
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

