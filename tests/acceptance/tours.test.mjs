// The acceptance suite: each role's tour of the README ("A short tour by role"), walked by clicks on a
// site built by the README's own commands (scripts/acceptance-test.sh), twice: in Chinese on a phone
// and in English on a desktop. Every step is watched by the harness's guards (console errors, responses
// of 400 or more the user did not cause, "Not permitted" dialogs, amounts not in the site's currency,
// English left on a Chinese screen); a run fails listing every problem it met.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import {
	Run,
	adminRequest,
	api,
	checkListOpensOnRows,
	checkReport,
	checkWorkspace,
	clickShortcut,
	ensureUser,
	goto,
	launch,
	openFirstRow,
	pressButton,
	recall,
	remember,
	saveForm,
	setLanguage,
	t,
	userHasRole,
} from "./harness.mjs";
import { addNew, check, fill, link, select } from "./forms.mjs";

const RUN_TIMEOUT = Number(process.env.CRM_PLUS_RUN_TIMEOUT_MS || 300_000);
const demo = (who) => `demo-${who}@crm-demo.example`;
const USERS = {
	rep: demo("rep-01"),
	manager: demo("mgr-1"),
	head: demo("head-1"),
	agent: demo("agent-1"),
	// The demo's own users of these roles where the demo has them; otherwise made in before().
	supervisor: demo("supervisor"),
	executive: demo("executive"),
	admin: demo("admin"),
};
// Made by the Administrator when the demo has no user of the role (older demos).
const FALLBACK = {
	supervisor: { email: "accept-supervisor@crm-demo.example", name: "验收主管", role: "CRM Service Supervisor" },
	executive: { email: "accept-executive@crm-demo.example", name: "验收高管", role: "CRM Executive" },
	admin: { email: "accept-admin@crm-demo.example", name: "验收管理员", role: "CRM Admin" },
};
const DIVISION = "华北事业部"; // the demo's first division: rep-01's, mgr-1's, head-1's, agent-1's
const RUNS = [
	{ device: "phone", lang: "zh" },
	{ device: "desktop", lang: "en" },
];

let browser;
let admin;

before(async () => {
	browser = await launch();
	admin = await adminRequest(browser);
	// The demo's executive, service supervisor and CRM Admin when it has them; where it has none (an
	// older demo), the Administrator makes them as the README says an installer does ("give your users
	// the CRM roles").
	for (const [key, { email, name, role }] of Object.entries(FALLBACK)) {
		if (!(await userHasRole(admin, USERS[key], role))) USERS[key] = await ensureUser(admin, email, name, [role]);
	}
	await refillPool();
	const division = (await api(admin, "GET", `/api/resource/CRM Division/${encodeURIComponent(DIVISION)}`)).data;
	if (!division.service_staff.some((row) => row.user === USERS.supervisor)) {
		await api(admin, "PUT", `/api/resource/CRM Division/${encodeURIComponent(DIVISION)}`, {
			service_staff: [...division.service_staff.map(({ user }) => ({ user })), { user: USERS.supervisor }],
		});
	}
});

after(async () => {
	await admin?.close();
	await browser?.close();
});

// The rep claims a lead from the division's pool, which the demo fills with four: on a site the suite has
// walked before, the leads the rep claimed then go back to the pool first (as a head returns them).
async function refillPool() {
	const query = (filters) => `/api/resource/CRM Lead?filters=${encodeURIComponent(JSON.stringify(filters))}&limit_page_length=20`;
	const pooled = (await api(admin, "GET", query([["in_pool", "=", 1], ["division", "=", DIVISION]]))).data;
	if (pooled.length >= 2) return;
	const held = [["account_manager", "=", USERS.rep], ["claimed_from_pool", "=", 1], ["in_pool", "=", 0], ["division", "=", DIVISION]];
	for (const { name } of (await api(admin, "GET", query(held))).data) {
		await api(admin, "PUT", `/api/resource/CRM Lead/${encodeURIComponent(name)}`, { in_pool: 1, account_manager: "", sales_team: "", claimed_from_pool: 0 });
	}
}

// A customer of the division (the agent's complaint is about one), as the desk's search would offer.
async function divisionCustomer() {
	const filters = JSON.stringify([["division", "=", DIVISION]]);
	return (await api(admin, "GET", `/api/resource/CRM Customer?filters=${encodeURIComponent(filters)}&limit_page_length=1`)).data[0];
}

// One role's tour, in each language on its device.
function tour(role, user, walk) {
	for (const { device, lang } of RUNS) {
		test(`${role}: the README tour in ${lang === "zh" ? "Chinese on a phone" : "English on a desktop"}`, { timeout: RUN_TIMEOUT }, async () => {
			await setLanguage(admin, USERS[user], lang);
			const run = new Run(browser, { role, user: USERS[user], device, lang });
			try {
				await run.open();
				await walk(run);
			} catch (error) {
				run.problem("tour stopped", String(error.message || error).split("\n")[0]);
			}
			const problems = await run.finish();
			if (problems.length) assert.fail(`${problems.length} problem(s) in ${run.tag}:\n${problems.join("\n")}`);
		});
	}
}

async function workspace(run, name) {
	await goto(run, `/app/${name}`);
}

// The tour's first step: the workspace shows every card and chart the README names for the role.
async function workspaceStep(run, expected) {
	await run.step("workspace", async () => {
		await workspace(run, "crm-plus");
		await checkWorkspace(run, expected);
	});
}

// Each report opened from its workspace's shortcut, one step each.
async function reportSteps(run, workspaceName, reports) {
	for (const report of reports) await run.step(`report-${report}`, () => openReport(run, workspaceName, report));
}

// A list reached by its workspace shortcut: it opens on rows (on a phone, within the first screen).
async function openList(run, shortcut, doctype) {
	await clickShortcut(run, shortcut);
	await run.page.waitForFunction((d) => frappe.get_route()[1] === d, doctype);
	await checkListOpensOnRows(run);
}

async function openReport(run, workspaceName, report) {
	await workspace(run, workspaceName);
	await clickShortcut(run, report);
	await run.page.waitForFunction((r) => frappe.get_route()[0] === "query-report" && frappe.get_route()[1] === r, report);
	await checkReport(run);
}

// ------------------------------------------------------------------------------------ sales rep
tour("sales-rep", "rep", async (run) => {
	const page = run.page;
	await workspaceStep(run, { cards: ["My Visits Today", "Overdue Follow-ups", "CSAT This Month"], charts: ["Satisfaction Trend"] });
	await run.step("customers", async () => {
		await clickShortcut(run, "Customers");
		await page.waitForFunction(() => frappe.get_route_str() === "List/CRM Customer/List");
		await checkListOpensOnRows(run);
		await openFirstRow(run);
	});
	await run.step("new-customer", async () => {
		await workspace(run, "crm-plus");
		await clickShortcut(run, "Customers");
		await page.waitForFunction(() => frappe.get_route_str() === "List/CRM Customer/List");
		await addNew(run);
		const name = `验收${run.lang === "zh" ? "贸易" : "Trading"}有限公司 ${Date.now()}`;
		await fill(run, "customer_name", name);
		await saveForm(run);
		const doc = await page.evaluate(() => ({ name: cur_frm.doc.name, team: cur_frm.doc.sales_team, division: cur_frm.doc.division }));
		remember(`customer-${run.lang}`, { ...doc, customer_name: name });
		if (!doc.team || !doc.division) run.problem("default team", `the customer ${doc.name} was saved without sales team/division (${doc.team || "-"}/${doc.division || "-"}): the rep's manager cannot see it`);
	});
	await run.step("visit-check-in", async () => {
		await workspace(run, "crm-plus");
		await clickShortcut(run, "Visits");
		await page.waitForFunction(() => frappe.get_route()[1] === "CRM Visit");
		await addNew(run);
		// the customer the rep has just created; else (that step failed) the first of the rep's own
		const customer = recall(`customer-${run.lang}`)?.name || (await page.evaluate(() => frappe.db.get_list("CRM Customer", { limit: 1 }).then((r) => r[0]?.name)));
		await link(run, "customer", customer, { exact: true });
		const when = await page.evaluate(() => moment(frappe.datetime.now_datetime()).add(10, "minutes").format("YYYY-MM-DD HH:mm:ss"));
		await page.evaluate((w) => cur_frm.set_value("planned_start", w), when);
		await saveForm(run);
		await pressButton(run, "Check In", { main: true });
		await page.waitForFunction(() => cur_frm.doc.status === "Checked In", null, { timeout: 30_000 });
	});
	await run.step("visit-check-out", async () => {
		await pressButton(run, "Check Out", { main: true });
		const dialog = page.locator(".modal.show").filter({ has: page.locator('[data-fieldname="outcome"]') }).last();
		await dialog.waitFor();
		await dialog.locator('[data-fieldname="outcome"] textarea').fill(run.lang === "zh" ? "客户同意下月试用" : "Agreed to a trial next month");
		await dialog.locator(".modal-footer .btn-primary").click();
		await page.waitForFunction(() => cur_frm.doc.status === "Completed", null, { timeout: 30_000 });
	});
	await run.step("visit-plans", async () => {
		await workspace(run, "crm-plus");
		await clickShortcut(run, "Visit Plans");
		await page.waitForFunction(() => frappe.get_route()[1] === "CRM Visit Plan");
		await addNew(run);
	});
	await run.step("sales-workspace", async () => {
		await workspace(run, "sales");
		await checkWorkspace(run, { cards: ["Open Leads", "Open Pipeline Value", "Won This Month"], charts: ["Sales Funnel"] });
	});
	await run.step("lead-convert", async () => {
		await openList(run, "Leads", "CRM Lead");
		await addNew(run);
		await fill(run, "lead_name", run.lang === "zh" ? "王先生" : "Mr Wang");
		await fill(run, "company_name", `验收线索公司 ${Date.now()}`);
		await select(run, "status", "Qualified");
		await saveForm(run);
		await pressButton(run, "Convert", { main: true });
		const dialog = page.locator(".modal.show").last();
		await dialog.locator(".modal-footer .btn-primary").click();
		await page.waitForFunction(() => frappe.get_route()[1] === "CRM Opportunity" && cur_frm && !cur_frm.is_new(), null, { timeout: 30_000 });
		remember(`opportunity-${run.lang}`, await page.evaluate(() => cur_frm.doc.name));
	});
	await run.step("activity-from-connections", async () => {
		// The opportunity's Connections: "+" on Activity.
		const plus = page.locator('.document-link[data-doctype="CRM Activity"] .btn-new:visible').first();
		await plus.scrollIntoViewIfNeeded();
		await plus.click();
		await page.waitForFunction(() => cur_frm && cur_frm.doctype === "CRM Activity" && cur_frm.is_new());
		await run.settle(300);
		await fill(run, "subject", run.lang === "zh" ? "电话沟通报价" : "Call about the quote");
		await saveForm(run);
	});
	await run.step("opportunities-by-stage", async () => {
		await workspace(run, "sales");
		await clickShortcut(run, "Opportunities by Stage");
		await page.waitForFunction(() => frappe.get_route()[2] === "Kanban");
		await page.locator(".kanban-card:visible").first().waitFor({ state: "visible" });
	});
	await run.step("claim-from-pool", async () => {
		await goto(run, "/app/crm-lead?in_pool=1");
		await openFirstRow(run);
		await pressButton(run, "Claim", { main: true });
		await page.waitForFunction(() => !cur_frm.doc.in_pool, null, { timeout: 30_000 });
	});
});

// ------------------------------------------------------------------------------------ sales manager
tour("sales-manager", "manager", async (run) => {
	const page = run.page;
	await workspaceStep(run, { cards: ["My Visits Today", "Overdue Follow-ups", "VIP Customers at Risk", "CSAT This Month"], charts: ["Sales by Rep"] });
	await run.step("team-customers", async () => {
		await openList(run, "Customers", "CRM Customer");
		for (const lang of ["zh", "en"]) {
			const made = recall(`customer-${lang}`);
			if (!made) continue;
			const seen = await page.evaluate((n) => frappe.db.get_value("CRM Customer", n, "name").then((r) => r.message && r.message.name), made.name);
			if (!seen) run.problem("default team", `the manager does not see the customer ${made.name} the rep just created`);
		}
	});
	await run.step("visit-plans", async () => {
		await workspace(run, "crm-plus");
		await openList(run, "Visit Plans", "CRM Visit Plan");
	});
	await run.step("customer-transfer", async () => {
		await workspace(run, "crm-plus");
		await clickShortcut(run, "CRM Customer Transfer");
		await page.waitForFunction(() => frappe.get_route()[1] === "CRM Customer Transfer");
		await addNew(run);
		await link(run, "from_user", "demo-rep-02@crm-demo.example", { exact: true });
		await link(run, "to_user", "demo-rep-03@crm-demo.example", { exact: true });
		await fill(run, "reason", run.lang === "zh" ? "离职交接" : "Leaving the company");
		await saveForm(run);
	});
	await reportSteps(run, "sales", ["Sales Rep Performance", "Sales Funnel", "Lost Reason Analysis", "Inactive Staff"]);
});

// ------------------------------------------------------------------------------------ division head
tour("division-head", "head", async (run) => {
	const page = run.page;
	await workspaceStep(run, { cards: ["Open Complaints", "VIP Customers at Risk", "CSAT This Month"], charts: ["Sales by Rep", "Complaints by Category"] });
	await run.step("division-customers", async () => {
		await openList(run, "Customers", "CRM Customer");
		const made = recall("customer-zh");
		if (made) {
			const seen = await page.evaluate((n) => frappe.db.get_value("CRM Customer", n, "name").then((r) => r.message && r.message.name), made.name);
			if (!seen) run.problem("default team", `the division head does not see the customer ${made.name} a rep of the division created`);
		}
	});
	await run.step("complaints", async () => {
		await workspace(run, "crm-plus");
		await openList(run, "Complaints", "CRM Complaint");
		await openFirstRow(run);
	});
	await reportSteps(run, "crm-plus", ["Sales Rep Performance"]);
});

// ------------------------------------------------------------------------------------ service supervisor
tour("service-supervisor", "supervisor", async (run) => {
	const page = run.page;
	await workspaceStep(run, { cards: ["Open Complaints", "Breached Complaints", "CSAT This Month"], charts: ["Complaints by Category"] });
	await run.step("complaints", async () => {
		await openList(run, "Complaints", "CRM Complaint");
	});
	await run.step("write-solution", async () => {
		// The knowledge base has no link in the workspaces: the supervisor types its address.
		await goto(run, "/app/crm-solution/new");
		await page.waitForFunction(() => window.cur_frm && cur_frm.doctype === "CRM Solution" && cur_frm.is_new());
		await fill(run, "title", run.lang === "zh" ? "延迟发货：补发并致歉" : "Late delivery: reship and apologise");
		await link(run, "category", await t(run, "Delivery Delay"), { value: "Delivery Delay" });
		await check(run, "published");
		await fill(run, "problem", run.lang === "zh" ? "客户收货延迟" : "The goods arrived late");
		await fill(run, "solution", run.lang === "zh" ? "我们已安排加急补发，并为延迟致歉。" : "We have sent the goods by express and apologise for the delay.");
		await saveForm(run);
		remember("solution-category", await page.evaluate(() => cur_frm.doc.category));
	});
	await reportSteps(run, "crm-plus", ["Service Performance", "Complaint Cause Analysis"]);
});

// ------------------------------------------------------------------------------------ service agent
tour("service-agent", "agent", async (run) => {
	const page = run.page;
	await workspaceStep(run, { cards: ["Open Complaints", "Breached Complaints", "CSAT This Month"], charts: ["Complaints by Category", "Satisfaction Trend"] });
	await run.step("log-complaint", async () => {
		await openList(run, "Complaints", "CRM Complaint");
		await addNew(run);
		await link(run, "customer", (await divisionCustomer()).name, { exact: true });
		await select(run, "channel", "Web"); // the customer wrote through the web: their address is known
		await fill(run, "raised_by", "buyer@customer.example");
		await fill(run, "subject", run.lang === "zh" ? "货物晚到三天" : "Goods three days late");
		await fill(run, "description", run.lang === "zh" ? "订单货物比约定晚到三天。" : "The order arrived three days after the agreed date.");
		const category = recall("solution-category") || "Delivery Delay";
		await link(run, "category", await t(run, category), { value: category });
		await saveForm(run);
		remember(`complaint-${run.lang}`, await page.evaluate(() => cur_frm.doc.name));
	});
	await run.step("suggest-and-use", async () => {
		await pressButton(run, "Suggest Solutions");
		const use = page.locator(".modal.show button[data-index]").first();
		await use.waitFor({ state: "visible" });
		await use.click();
		const composer = page.locator(".modal.show").filter({ has: page.locator('[data-fieldname="recipients"]') }).last();
		await composer.waitFor({ state: "visible" });
		await run.settle(1000);
		const shown = await page.evaluate(() => {
			const dialog = [...document.querySelectorAll(".modal.show")].pop();
			return {
				to: [...dialog.querySelectorAll('[data-fieldname="recipients"] .pill, [data-fieldname="recipients"] input')].map((e) => e.innerText || e.value).join(" "),
				body: (dialog.querySelector('[data-fieldname="content"] .ql-editor') || {}).innerText || "",
				raised_by: cur_frm.doc.raised_by || "",
			};
		});
		if (!shown.body.trim()) run.problem("Use", "the reply opened with an empty body");
		if (!shown.raised_by || !shown.to.includes(shown.raised_by)) run.problem("Use", `the reply is addressed to "${shown.to.trim()}", not the complaint's customer address "${shown.raised_by}"`);
	});
	await reportSteps(run, "crm-plus", ["Service Performance"]);
});

// ------------------------------------------------------------------------------------ executive
tour("executive", "executive", async (run) => {
	await workspaceStep(run, {
			cards: ["My Visits Today", "Overdue Follow-ups", "Open Complaints", "Breached Complaints", "VIP Customers at Risk", "CSAT This Month"],
			charts: ["Sales by Rep", "Complaints by Category", "Satisfaction Trend"],
		});
	await reportSteps(run, "crm-plus", ["Sales Rep Performance", "Service Performance", "Customer Distribution", "Grade Migration", "Churn Risk", "Complaint Cause Analysis", "Satisfaction Trend"]);
	await reportSteps(run, "sales", ["Sales Funnel", "Lost Reason Analysis", "Inactive Staff"]);
});

// ------------------------------------------------------------------------------------ CRM Admin
tour("crm-admin", "admin", async (run) => {
	const page = run.page;
	await run.step("settings", async () => {
		await workspace(run, "crm-plus");
		await clickShortcut(run, "CRM Plus Settings");
		await page.waitForFunction(() => window.cur_frm && cur_frm.doctype === "CRM Plus Settings");
	});
	for (const doctype of ["CRM Customer Grade", "CRM SLA Policy", "CRM Survey Template", "CRM Division", "CRM Sales Team"]) {
		await run.step(doctype, async () => {
			await workspace(run, "crm-plus");
			await clickShortcut(run, doctype);
			await page.waitForFunction((d) => frappe.get_route()[1] === d, doctype);
			await page.locator(".layout-main-section .list-row-container, .layout-main-section .tree-node, .layout-main-section .no-result").first().waitFor({ state: "visible" });
		});
	}
});
