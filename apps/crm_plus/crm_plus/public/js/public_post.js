// The public pages' one way to send a form to the server (www/survey, www/complaint,
// www/complaint-feedback): JSON to a whitelisted method, its `message` back, or undefined when the
// request failed (offline, rate-limited, a server error), so that a page keeps what was typed.
window.crm_plus_post = async function (method, body) {
	try {
		const response = await fetch(`/api/method/${method}`, {
			method: "POST",
			headers: {
				"Content-Type": "application/json",
				Accept: "application/json",
				// A visitor who is also logged in (staff trying the page) needs the session's token.
				...(window.frappe && frappe.csrf_token && frappe.csrf_token !== "None"
					? { "X-Frappe-CSRF-Token": frappe.csrf_token }
					: {}),
			},
			body: JSON.stringify(body),
		});
		return (await response.json()).message;
	} catch (error) {
		return undefined;
	}
};
