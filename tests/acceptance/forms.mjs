// Typing into the desk's forms as a user does.
import { t } from "./harness.mjs";

function field(run, fieldname, scope = ".layout-main-section") {
	// the control of the page shown (a hidden list page keeps its filters of the same names)
	return run.page.locator(`${scope} [data-fieldname="${fieldname}"]:visible`).first();
}

export async function fill(run, fieldname, value, scope) {
	const control = field(run, fieldname, scope);
	const editor = control.locator(".ql-editor");
	if (await editor.count()) {
		// a Text Editor: typed into the editor itself
		await editor.first().click();
		await run.page.keyboard.type(String(value));
		return;
	}
	const input = control.locator("input:visible, textarea:visible").first();
	await input.click();
	await input.fill(String(value));
	await input.press("Tab").catch(() => {});
}

export async function select(run, fieldname, value, scope) {
	await field(run, fieldname, scope).locator("select").selectOption(value);
}

export async function check(run, fieldname, scope) {
	const box = field(run, fieldname, scope).locator("input[type=checkbox]").first();
	if (!(await box.isChecked())) await box.click();
}

// A Link field: type, wait for the suggestions, take the first record offered (never "Create a new").
export async function link(run, fieldname, text, { scope, exact = false } = {}) {
	const page = run.page;
	const input = field(run, fieldname, scope).locator("input:visible").first();
	await input.click();
	await input.fill("");
	await input.pressSequentially(text, { delay: 40 });
	const shown = () => document.querySelector(".awesomplete ul:not([hidden]) li");
	let offered = await page.waitForFunction(shown, null, { timeout: 5_000 }).then(() => true, () => false);
	if (!offered) {
		// typed before the field listened: type the last letter again
		await input.press("Backspace");
		await input.pressSequentially(text.slice(-1), { delay: 40 });
		offered = await page.waitForFunction(shown, null, { timeout: 5_000 }).then(() => true, () => false);
	}
	if (!offered && exact) {
		// the suggestions did not open in time: the record's name is known, set it as a pick would
		await page.evaluate(([f, v]) => cur_frm.set_value(f, v), [fieldname, text]);
		await page.waitForTimeout(500);
		return;
	}
	await page.waitForTimeout(600); // the search answers while typing; take the last answer
	await run.guard(); // the suggestions' descriptions are on screen now
	const chosen = await page.evaluate(() => {
		// the first record offered in the list on screen (not "Create a new", not "Advanced Search")
		document.querySelectorAll("[data-acceptance-pick]").forEach((li) => li.removeAttribute("data-acceptance-pick"));
		const items = [...document.querySelectorAll(".awesomplete ul:not([hidden]) li")].filter((li) => li.offsetParent !== null);
		const pick = items.find((li) => !/__link_option/.test(li.getAttribute("data-value") || li.querySelector("a")?.getAttribute("data-value") || ""));
		if (pick) pick.setAttribute("data-acceptance-pick", "1");
		return !!pick;
	});
	if (!chosen) throw new Error(`no ${fieldname} offered for "${text}"`);
	const clicked = await page.locator("[data-acceptance-pick]").click({ timeout: 3_000 }).then(() => true, () => false);
	if (!clicked) {
		// the list was drawn again under the pointer: take its highlighted first item, or the known name
		if (exact) await page.evaluate(([f, v]) => cur_frm.set_value(f, v), [fieldname, text]);
		else await input.press("Enter");
	}
	await page.waitForTimeout(500);
}

// The desk's "Add X" button of a list (the page's primary action).
export async function addNew(run) {
	const page = run.page;
	await page.locator(".page-head .page-actions .primary-action:visible").first().click();
	await page.waitForFunction(() => frappe.get_route()[0] === "Form" && window.cur_frm && cur_frm.is_new());
	await run.settle(300);
}

// The form's label (translated), for locators by text.
export async function label(run, text) {
	return t(run, text);
}
