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
		// the editor hands its text to the form a moment after the typing stops (a debounce): a save
		// pressed before that finds the field empty
		await run.page.waitForFunction(
			([f, v]) => {
				const box = document.createElement("div");
				box.innerHTML = (window.cur_frm && cur_frm.doc[f]) || "";
				return box.textContent.includes(v);
			},
			[fieldname, String(value)],
			{ timeout: 10_000 }
		);
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

// A Link field, as a user picks a record: type, wait for the suggestions, click the record offered (the
// one whose value is `text` when exact, else the first; never "Create a new", "Advanced Search" or the
// filter note), and see it taken (the suggestions close, the field holds the record).
// The desk's suggestions are the `role="option"` items of the field's list (not `li`), each holding its
// record in jQuery data ("item.autocomplete").
const OFFERED = ".awesomplete > ul:not([hidden]) > [role=option]";
// The index of that record among the items shown, or -1; with `found`, whether it is shown (for waits).
function findOffered([wanted, found]) {
	const items = [...document.querySelectorAll(".awesomplete > ul:not([hidden]) > [role=option]")].filter((el) => el.offsetParent !== null);
	const index = items.findIndex((el) => {
		const d = window.jQuery ? jQuery(el).data("item.autocomplete") : null;
		const value = d ? d.value : "";
		if (!value || String(value).includes("__link_option")) return false;
		return wanted === null || value === wanted;
	});
	return found ? index >= 0 : index;
}
// `value`: the record to pick when the text typed is its label in the user's language (a translated
// master such as a complaint category is found by its translation).
export async function link(run, fieldname, text, { scope, exact = false, value } = {}) {
	const page = run.page;
	const input = field(run, fieldname, scope).locator("input:visible").first();
	const wanted = value || (exact ? text : null);
	const offer = () => page.waitForFunction(findOffered, [wanted, true], { timeout: 8_000 }).then(() => true, () => false);
	await input.click();
	await input.fill("");
	await input.pressSequentially(text, { delay: 40 });
	let shown = await offer();
	if (!shown) {
		// typed before the field listened: type the last letter again
		await input.press("Backspace");
		await input.pressSequentially(text.slice(-1), { delay: 40 });
		shown = await offer();
	}
	if (!shown) throw new Error(`no ${fieldname} offered for "${text}"${wanted && wanted !== text ? ` (${wanted})` : ""}`);
	await page.waitForTimeout(400); // the search answers while typing: the list of the last answer
	await run.guard(); // the suggestions' descriptions are on screen now
	const taken = () =>
		scope
			? input.inputValue().then((v) => !!v)
			: page.evaluate(([f, v]) => !!(window.cur_frm && cur_frm.doc[f] && (v === null || cur_frm.doc[f] === v)), [fieldname, wanted]);
	for (let attempt = 0; attempt < 3; attempt++) {
		const index = await page.evaluate(findOffered, [wanted, false]);
		if (index < 0) break;
		await page.locator(`${OFFERED}:visible`).nth(index).click({ timeout: 5_000 }).catch(() => {});
		await page.waitForTimeout(300);
		if (await taken()) break;
	}
	if (!(await taken())) throw new Error(`the ${fieldname} "${text}" offered could not be picked`);
	// the list closes once the pick is taken
	await page.locator(`${OFFERED}:visible`).first().waitFor({ state: "hidden", timeout: 5_000 }).catch(() => {});
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
