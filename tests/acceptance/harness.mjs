// The acceptance suite's harness: one "run" is one user's tour on one device in one language, walked
// by clicks, with guards that watch every page of it. A step that breaks is recorded and the tour goes
// on, so one run reports every problem it meets; the run fails at its end when anything was recorded.
import { mkdirSync, readFileSync, writeFileSync, existsSync } from "node:fs";
import assert from "node:assert/strict";
import { chromium } from "playwright-core";

export const base = process.env.CRM_PLUS_URL || "http://127.0.0.1:8017";
export const shots = process.env.CRM_PLUS_ARTIFACTS || "artifacts";
export const PASSWORD = process.env.CRM_PLUS_DEMO_PASSWORD || "Crm-Demo-Pass-2026!";
export const ADMIN_PASSWORD = process.env.CRM_PLUS_ADMIN_PASSWORD || "admin";
const STEP_TIMEOUT = Number(process.env.CRM_PLUS_STEP_TIMEOUT_MS || 20_000);
mkdirSync(shots, { recursive: true });

export const devices = {
	phone: {
		viewport: { width: 375, height: 812 },
		deviceScaleFactor: 2,
		isMobile: true,
		hasTouch: true,
		locale: "zh-CN",
		timezoneId: "Asia/Shanghai",
	},
	desktop: { viewport: { width: 1366, height: 900 }, locale: "en-US", timezoneId: "Asia/Shanghai" },
};

export async function launch() {
	return chromium.launch({
		executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
		args: ["--no-sandbox", "--disable-background-networking", "--disable-component-update", "--disable-gpu"],
	});
}

// State the tours pass to each other (the customer a rep created, the category a supervisor wrote a
// solution for), in the artifacts folder.
const stateFile = `${shots}/state.json`;
export function remember(key, value) {
	const state = existsSync(stateFile) ? JSON.parse(readFileSync(stateFile, "utf8")) : {};
	state[key] = value;
	writeFileSync(stateFile, JSON.stringify(state, null, 1));
}
export function recall(key) {
	return existsSync(stateFile) ? JSON.parse(readFileSync(stateFile, "utf8"))[key] : undefined;
}

// --------------------------------------------------------------------------- the Administrator's set-up
// What the README asks of whoever installs the app ("give your users the CRM roles"): the demo has no
// user for some of the roles the tour names, so they are created here, as a CRM Admin would.
export async function adminRequest(browser) {
	const context = await browser.newContext();
	const r = await context.request.post(`${base}/api/method/login`, { data: { usr: "Administrator", pwd: ADMIN_PASSWORD } });
	assert.equal(r.status(), 200, "Administrator cannot log in");
	return context;
}

export async function api(context, method, path, data) {
	const r = await context.request.fetch(`${base}${path}`, { method, data });
	const text = await r.text();
	if (r.status() >= 400) throw new Error(`${method} ${path}: ${r.status()} ${text.slice(0, 300)}`);
	return JSON.parse(text || "{}");
}

export async function ensureUser(admin, email, firstName, roles) {
	const exists = await admin.request.get(`${base}/api/resource/User/${encodeURIComponent(email)}`);
	if (exists.status() !== 200) {
		await api(admin, "POST", "/api/resource/User", {
			email,
			first_name: firstName,
			send_welcome_email: 0,
			language: "zh",
			new_password: PASSWORD,
			roles: roles.map((role) => ({ role })),
		});
	}
	return email;
}

// Whether the user exists, is enabled and holds the role (the Administrator reads it).
export async function userHasRole(admin, email, role) {
	const r = await admin.request.get(`${base}/api/resource/User/${encodeURIComponent(email)}`);
	if (r.status() !== 200) return false;
	const user = (await r.json()).data;
	return !!user.enabled && (user.roles || []).some((row) => row.role === role);
}

export async function setLanguage(admin, user, language) {
	await api(admin, "PUT", `/api/resource/User/${encodeURIComponent(user)}`, { language });
}

// --------------------------------------------------------------------------- a run
const FOREIGN_CURRENCY = /(د\.إ|US\$|\$|€|£|₹|₨|\bAED\b|\bUSD\b|\bINR\b|\bEUR\b|\bGBP\b)/;
const NOT_PERMITTED = /Not permitted|Not Permitted|Insufficient Permission|没有权限|不允许|无权限|权限不足/;

// Words that may stay in ASCII on a Chinese screen: names of the product and of formats, units and
// abbreviations everyone uses untranslated.
const ASCII_ALLOWED = new Set(
	"CRM Plus CSAT SLA VIP KPI ID PDF CSV Excel Frappe ERPNext GPS URL API Ctrl Shift Alt Enter Esc Tab OK AM PM am pm Administrator Admin".split(" ")
);

// The texts of a page that belong to the application, not to the data: titles, labels, buttons, list
// headers, workspace headings and links, empty-state messages, placeholders, dialogs, report headers.
const CHROME_SELECTORS = [
	".page-head .title-text",
	".page-head .page-actions button",
	".page-head .indicator-pill",
	".layout-main-section .control-label",
	".layout-main-section .section-head",
	".layout-main-section .form-tabs .nav-link",
	".layout-main-section .form-link-title",
	".layout-main-section .form-documents .btn",
	".layout-main-section .form-dashboard-section .section-head",
	".layout-main-section .list-row-head",
	".layout-main-section .list-row .indicator-pill",
	".layout-main-section .no-result",
	".layout-main-section .msg-box",
	".layout-main-section .list-paging-area button",
	".layout-main-section .widget-title",
	".layout-main-section .ce-header",
	".layout-main-section .h4",
	".layout-main-section .link-item .link-text",
	".layout-main-section .dt-cell--header .dt-cell__content",
	".layout-main-section .help-box",
	".layout-side-section .sidebar-label",
	".layout-side-section .sidebar-item-label",
	".layout-side-section .list-sidebar-label",
	".page-form .control-label",
	".modal.show .modal-title",
	".modal.show .control-label",
	".modal.show .modal-footer button",
	".awesomplete ul li",
	".layout-main-section .kanban-column-title",
	".layout-main-section .kanban-column .add-card",
	".layout-main-section .kanban-card-meta",
	".dropdown-menu.show .dropdown-item",
];

export class Run {
	constructor(browser, { role, user, device, lang }) {
		Object.assign(this, { browser, role, user, device, lang });
		this.tag = `${role}-${lang}-${device}`;
		this.problems = [];
		this.allowed = []; // [{ status, url: RegExp }] responses the tour causes on purpose
		this.step_name = "login";
		this.shot = 0;
	}

	problem(kind, detail) {
		const line = `[${this.tag}] ${this.step_name}: ${kind}: ${detail}`;
		if (this.problems.includes(line)) return;
		this.problems.push(line);
		if (process.env.CRM_PLUS_VERBOSE) console.error(`    ${line}`);
	}

	async open() {
		const options = {
			...devices[this.device],
			geolocation: { latitude: 39.9087, longitude: 116.3975, accuracy: 10 },
			permissions: ["geolocation"],
		};
		this.context = await this.browser.newContext(options);
		this.context.setDefaultTimeout(STEP_TIMEOUT);
		const page = (this.page = await this.context.newPage());
		// Requests of the app in flight (the realtime client's polling is not the app's work).
		this.inflight = new Set();
		const app = (request) => !request.url().includes("/socket.io/");
		page.on("request", (request) => app(request) && this.inflight.add(request));
		page.on("requestfinished", (request) => this.inflight.delete(request));
		page.on("requestfailed", (request) => this.inflight.delete(request));
		page.on("console", (message) => {
			if (message.type() !== "error") return;
			let text = message.text();
			// a server traceback: its last line says what went wrong
			if (text.startsWith("Traceback")) text = text.trim().split("\n").pop();
			// A failed request is reported (with its URL and whether the user caused it) by the response guard.
			if (/^Failed to load resource/.test(text)) return;
			const { url, lineNumber, columnNumber } = message.location() || {};
			const where = url ? ` (at ${url.replace(base, "")}:${lineNumber}:${columnNumber})` : "";
			this.problem("console error", text.slice(0, 300) + where);
		});
		page.on("pageerror", (error) => {
			// where it was thrown: the first frame of the stack that names a script
			const frame = (String(error.stack || "").match(/\bat .*?\(?((?:https?:)?\/\/[^\s)]+)\)?/) || [])[1] || "";
			this.problem("page error", `${String(error).slice(0, 300)}${frame ? ` (at ${frame.replace(base, "")})` : ""}`);
		});
		page.on("response", (response) => {
			const status = response.status();
			if (status < 400) return;
			const url = response.url();
			// The realtime server (socket.io) is not part of `bench serve`: its absence is not the app's.
			if (url.includes("/socket.io/")) return;
			if (this.allowed.some((a) => a.status === status && a.url.test(url))) return;
			this.problem(`HTTP ${status}`, `${response.request().method()} ${url.replace(base, "")}`);
		});
		// The login page, by hand, as the user would.
		await page.goto(`${base}/login`, { waitUntil: "domcontentloaded" });
		await page.fill("#login_email", this.user);
		await page.fill("#login_password", PASSWORD);
		await page.locator(".form-login .btn-login, .btn-login").first().click();
		await page.waitForURL(/\/app/, { timeout: STEP_TIMEOUT });
		await this.settle();
		this.currency = await page.evaluate(() => (frappe.boot.sysdefaults || {}).currency || "");
		if (!this.currency) this.problem("currency", "the site has no default currency (frappe.boot.sysdefaults.currency is empty)");
		this.symbol = await page.evaluate((c) => (c ? frappe.boot.currency_symbols?.[c] || format_currency(0, c).replace(/[\d.,\s]/g, "") : ""), this.currency);
	}

	async close() {
		await this.context?.close();
	}

	// Waits until the desk is idle: no request of the app in flight for a moment, no freeze.
	async settle(ms = 250) {
		const page = this.page;
		const until = Date.now() + STEP_TIMEOUT;
		let quiet = 0;
		while (Date.now() < until && quiet < 3) {
			await page.waitForTimeout(150);
			const frozen = await page.evaluate(() => !!(window.frappe && frappe.dom && frappe.dom.freeze_count)).catch(() => false);
			quiet = this.inflight.size === 0 && !frozen ? quiet + 1 : 0;
		}
		await page.waitForTimeout(ms);
	}

	// One step of the tour: bounded, recorded when it breaks, checked by the guards, photographed.
	async step(name, fn) {
		this.step_name = name;
		const began = Date.now();
		let timer;
		try {
			await Promise.race([
				fn(this.page),
				new Promise((_, reject) => {
					timer = setTimeout(() => reject(new Error(`step took more than ${STEP_TIMEOUT * 2} ms`)), STEP_TIMEOUT * 2);
				}),
			]);
			await this.settle(300);
		} catch (error) {
			this.problem("step failed", String(error.message || error).split("\n")[0].slice(0, 300));
		} finally {
			clearTimeout(timer);
		}
		await this.guard();
		this.shot += 1;
		const file = `${shots}/${this.tag}-${String(this.shot).padStart(2, "0")}-${name.replace(/[^A-Za-z0-9]+/g, "-")}.png`;
		await this.page.screenshot({ path: file }).catch(() => {});
		if (process.env.CRM_PLUS_VERBOSE) console.error(`  ${this.tag} ${name}: ${Date.now() - began} ms, ${this.problems.length} problem(s) so far`);
	}

	// The guards a screen must pass at any moment.
	async guard() {
		const page = this.page;
		const seen = await page
			.evaluate((selectors) => {
				const visible = (el) => !!(el.offsetWidth || el.offsetHeight || el.getClientRects().length) && getComputedStyle(el).visibility !== "hidden";
				const dialogs = [...document.querySelectorAll(".modal.show")].filter(visible).map((m) => m.innerText);
				const main = [...document.querySelectorAll(".page-container:not([style*='display: none']) .layout-main-section, .modal.show")]
					.filter(visible)
					.map((el) => el.innerText)
					.join("\n");
				// A record's own title and name are data, not the app's texts (a complaint written in
				// English is titled in English on a Chinese screen too).
				const data = new Set();
				if (window.cur_frm && cur_frm.doc && frappe.get_route()[0] === "Form") {
					const meta = frappe.get_meta(cur_frm.doctype) || {};
					for (const f of [meta.title_field, "name"]) if (f && cur_frm.doc[f]) data.add(String(cur_frm.doc[f]).trim());
				}
				const chrome = [];
				for (const selector of selectors) {
					for (const el of document.querySelectorAll(selector)) {
						if (!visible(el)) continue;
						if (el.closest(".page-container") && el.closest(".page-container").style.display === "none") continue;
						const text = (el.innerText || "").trim();
						if (text && !(selector === ".page-head .title-text" && data.has(text))) chrome.push(text);
					}
				}
				for (const el of document.querySelectorAll(".layout-main-section input[placeholder], .page-form input[placeholder], #navbar-search, .modal.show input[placeholder]")) {
					if (visible(el) && el.placeholder) chrome.push(el.placeholder);
				}
				// a form's headlines (the desk adds each one set; the same line twice is a form drawn twice)
				const headlines = [...document.querySelectorAll(".form-message")]
					.filter(visible)
					.flatMap((box) => [...box.children].filter((el) => !el.classList.contains("close-message")).map((el) => el.innerText.trim()))
					.filter(Boolean);
				return { dialogs, main, chrome, headlines };
			}, CHROME_SELECTORS)
			.catch(() => ({ dialogs: [], main: "", chrome: [], headlines: [] }));
		const twice = (seen.headlines || []).filter((line, i, all) => all.indexOf(line) !== i);
		if (twice.length) this.problem("headline shown twice", twice[0].slice(0, 200));
		for (const dialog of seen.dialogs) {
			if (NOT_PERMITTED.test(dialog)) this.problem("'Not permitted' dialog", dialog.replace(/\s+/g, " ").slice(0, 200));
		}
		// Amounts: a currency sign other than the site's next to a number.
		const foreign = (seen.main.match(new RegExp(`(?:${FOREIGN_CURRENCY.source})[ \u00a0]?-?[\\d,.]*\\d|-?[\\d,.]*\\d[ \u00a0]?(?:${FOREIGN_CURRENCY.source})`, "g")) || []).filter(
			(amount) => !(this.symbol && amount.includes(this.symbol) && !FOREIGN_CURRENCY.test(amount.replace(this.symbol, "")))
		);
		if (foreign.length) this.problem(`amount not in the site's currency (${this.currency || "none"})`, [...new Set(foreign)].slice(0, 5).join(" | "));
		if (this.lang === "zh") {
			const english = new Set();
			for (const text of seen.chrome) for (const run of untranslated(text)) english.add(run);
			if (english.size) this.problem("untranslated on a Chinese screen", [...english].slice(0, 12).map((s) => JSON.stringify(s)).join(", "));
		}
	}

	// Deliberately caused responses (e.g. a 417 the tour provokes) are declared before the step.
	allow(status, url) {
		this.allowed.push({ status, url });
	}

	async finish() {
		await this.close();
		return this.problems;
	}
}

// Runs of ASCII words in a text that are not data: e-mail addresses, codes (CRM-VIS-2026-00001,
// D000123, HT-2026-00012), numbers, dates and allowed words are taken out first.
export function untranslated(text) {
	const cleaned = text
		.replace(/[\w.+-]+@[\w-]+(\.[\w-]+)+/g, " ")
		.replace(/\b[A-Z]{1,6}[-_]?[A-Z0-9]*\d[\w-]*\b/g, " ")
		.replace(/https?:\/\/\S+/g, " ")
		.replace(/\b[A-Z][a-z]+\/[A-Z][A-Za-z_]+\b/g, " ") // a time zone (Asia/Shanghai)
		.replace(/[A-Z]{2,}[-.][A-Z#.-]*(?:YYYY|YY|MM|DD|#)[A-Z#.-]*/g, " ") // a naming pattern (CUST-.YYYY.-.#####)
		.replace(/\.(?:YYYY|YY|MM|DD)\./g, " "); // one of its tokens (.YYYY. year), typed as it is
	const runs = cleaned.match(/[A-Za-z][A-Za-z'’&]*(?:[ \-/][A-Za-z][A-Za-z'’&]*)*/g) || [];
	return runs.filter((run) => {
		const words = run.split(/[ \-/]+/).filter(Boolean);
		return words.some((w) => w.length >= 2 && !ASCII_ALLOWED.has(w) && /[a-z]/.test(w)) || words.some((w) => w.length >= 4 && !ASCII_ALLOWED.has(w));
	});
}

// ------------------------------------------------------------------------------- desk moves by click

// The label of a string in the run's language (as the desk translates it).
export async function t(run, text) {
	return run.page.evaluate((s) => __(s), text);
}

// A workspace widget by its title (the label the workspace gives it, as the desk translates it).
async function widgetByTitle(run, kind, name) {
	const title = await t(run, name);
	const exact = new RegExp(`^\\s*${escapeRe(title)}\\s*$`);
	// the one on screen (a workspace drawn again keeps a hidden copy for a moment)
	return run.page.locator(`.layout-main-section .${kind}:visible`).filter({ has: run.page.locator(".widget-title", { hasText: exact }) }).first();
}
function escapeRe(s) {
	return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

// Clicks a workspace's shortcut or a link of one of its cards, by its label in the workspace.
// The workspace draws its widgets after the page has loaded (on a slow machine, seconds later): wait
// until the shortcut or the link is on screen before deciding which of the two it is.
export async function clickShortcut(run, name) {
	const page = run.page;
	const widget = await widgetByTitle(run, "shortcut-widget-box", name);
	const label = await t(run, name);
	const items = page.locator(".layout-main-section .links-widget-box .link-item:visible");
	const exact = items.filter({ hasText: new RegExp(`^\\s*${escapeRe(label)}\\s*$`) }).first();
	const loose = items.filter({ hasText: label }).first();
	await widget.or(exact).or(loose).first().waitFor({ state: "visible" });
	if (await widget.count()) {
		await widget.scrollIntoViewIfNeeded();
		await widget.locator(".widget-title").click();
		return;
	}
	const item = (await exact.count()) ? exact : loose;
	await item.scrollIntoViewIfNeeded();
	await item.click();
}

// Opens the first row of the list shown.
export async function openFirstRow(run) {
	const page = run.page;
	const row = page.locator(".layout-main-section .list-row-container .list-subject a:visible").first();
	await row.waitFor({ state: "visible" });
	await row.click();
	await page.waitForFunction(() => window.cur_frm && cur_frm.doc && !cur_frm.is_new() && frappe.get_route()[0] === "Form");
}

// On a phone, the list must open on rows: the first row within the first screen.
export async function checkListOpensOnRows(run) {
	const page = run.page;
	const first = page.locator(".layout-main-section .list-row-container:visible").first();
	await first.waitFor({ state: "visible" });
	if (run.device !== "phone") return;
	let box = await first.boundingBox({ timeout: 2_000 }).catch(() => null);
	for (let i = 0; !box && i < 6; i++) {
		// the list drew its rows again (a refresh after the first page): measure the new first row
		await page.waitForTimeout(500);
		box = await page.locator(".layout-main-section .list-row-container:visible").first().boundingBox({ timeout: 2_000 }).catch(() => null);
	}
	const height = page.viewportSize().height;
	if (!box || box.y > height * 0.8) run.problem("phone list", `the first row starts at ${box ? Math.round(box.y) : "?"} px of a ${height} px screen (filters first)`);
}

// Presses a form's button by its (English) label; on a phone, a main action hidden in the "…" menu is a
// problem of its own, and the menu is then used to go on.
export async function pressButton(run, label, { main = false } = {}) {
	const page = run.page;
	const text = await t(run, label);
	const exact = new RegExp(`^\\s*${text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\s*$`);
	const direct = page.locator(".page-head .page-actions button:visible, .page-head .page-actions .btn:visible").filter({ hasText: exact });
	if (await direct.count()) {
		await direct.first().click();
		return;
	}
	if (main && run.device === "phone") run.problem("phone button", `"${text}" is not a visible button (only in the … menu)`);
	const menu = page.locator(".page-head .page-actions .menu-btn-group button:visible").first();
	if (await menu.count()) {
		await menu.click();
		const item = page.locator(".dropdown-menu.show .dropdown-item", { hasText: exact }).first();
		if (await item.count()) {
			await item.click();
			return;
		}
		await page.keyboard.press("Escape");
	}
	throw new Error(`no "${text}" button on ${await page.evaluate(() => frappe.get_route_str())}`);
}

export async function saveForm(run) {
	const page = run.page;
	await page.keyboard.press("Control+s");
	await page.waitForFunction(() => window.cur_frm && !cur_frm.is_dirty() && !cur_frm.is_new(), null, { timeout: STEP_TIMEOUT });
}

// Reads a report's shown cells: people must be shown by name, not by e-mail address.
export async function checkReport(run) {
	const page = run.page;
	await page
		.locator(".layout-main-section .dt-scrollable:visible, .layout-main-section .no-result:visible, .layout-main-section .msg-box:visible")
		.first()
		.waitFor({ state: "visible" });
	await run.settle(800);
	const emails = await page.evaluate(() =>
		[...document.querySelectorAll(".layout-main-section .dt-scrollable .dt-cell__content")]
			.map((el) => el.innerText.trim())
			.filter((s) => /^[\w.+-]+@[\w-]+(\.[\w-]+)+$/.test(s))
	);
	if (emails.length) run.problem("people by e-mail", `${await page.evaluate(() => frappe.get_route_str())} shows ${[...new Set(emails)].slice(0, 3).join(", ")}`);
}

// The workspace: every card and chart the tour names, each with a number (or a drawn chart).
export async function checkWorkspace(run, { cards = [], charts = [] }) {
	const page = run.page;
	await page.locator(".layout-main-section .widget").first().waitFor({ state: "visible" });
	await run.settle(800);
	for (const card of cards) {
		const widget = await widgetByTitle(run, "number-widget-box", card);
		if (!(await widget.count())) {
			run.problem("workspace", `no "${card}" card`);
			continue;
		}
		const number = (await widget.locator(".number").first().innerText().catch(() => "")).trim();
		if (!/\d/.test(number)) run.problem("workspace", `the "${card}" card shows no number ("${number}")`);
	}
	for (const chart of charts) {
		const widget = await widgetByTitle(run, "dashboard-widget-box", chart);
		if (!(await widget.count())) {
			run.problem("workspace", `no "${chart}" chart`);
			continue;
		}
		await widget.scrollIntoViewIfNeeded();
		await run.page.waitForTimeout(800);
		const drawn = await widget.locator(".chart-container svg path, .chart-container svg rect, .chart-container svg circle").count();
		if (!drawn) run.problem("workspace", `the "${chart}" chart is drawn empty`);
	}
}

export async function goto(run, route) {
	// Only for where a newcomer would type the address or come from a link they were sent.
	await run.page.goto(`${base}${route}`, { waitUntil: "domcontentloaded" });
	await run.settle();
}

export function report(problems) {
	assert.deepEqual(problems, [], `\n${problems.length} problem(s):\n${problems.join("\n")}`);
}
