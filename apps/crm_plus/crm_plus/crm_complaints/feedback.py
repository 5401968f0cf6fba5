"""The customer closes the loop: a resolved complaint gets a feedback link (`public_links`: unguessable,
compared in constant time, expiring, used once, rate-limited), mailed to the customer and shown to
staff to read out on the phone. The public page (`www/complaint-feedback`) posts to `submit`: the
customer confirms the resolution and rates it 1 to 5, or says it is not resolved, which reopens the
complaint and alerts its handler. For Email and Web complaints the confirmation and the rating are the
server's (staff no longer type them); other channels keep the agent-entered fields."""

import frappe
from frappe import _
from frappe.rate_limiter import rate_limit
from frappe.utils import cint, get_datetime, get_url, now_datetime

from crm_plus.crm_complaints.customer_match import complaint_address
from crm_plus.domain import complaint_portal, public_links, sla
from crm_plus.public_links import doc_by_token, over_limit, state_of_link
from crm_plus.utils import allow_server_fields

DOCTYPE = "CRM Complaint"
CUSTOMER_FIELDS = ("customer_confirmed", "rating")


def messages() -> dict[str, str]:
	"""What the page says for each state of a link (and on a failed submission)."""
	return {
		"expired": _("This feedback link has expired. If the problem is back, please contact us again."),
		"used": _("Thank you: your feedback on this complaint has already been received."),
		"forged": _("This feedback link is not valid."),
		"closed": _("We are working on this complaint again: this feedback link no longer applies."),
		"error": _("Your answer could not be sent. Please try again in a few minutes."),
		"thanks": _("Thank you for your feedback!"),
		"reopened": _("We are sorry the problem is not solved. We have reopened your complaint."),
	}


ERRORS = {
	"required": lambda: _("Please answer this question"),
	"out_of_range": lambda: _("Please choose a rating from 1 to 5"),
	"invalid": lambda: _("This answer is not valid"),
	"too_long": lambda: _("Please keep the comment under 2000 characters"),
}


def feedback_url(token: str) -> str:
	return get_url(f"/complaint-feedback?token={token}")


# ---------------------------------------------------------------- on the complaint's save


def keep_customer_answer(doc) -> None:
	"""validate: for Email and Web complaints (as stored or as sent) the confirmation and the rating
	are the customer's answer, written only by `submit`: what anyone else sends for them is reset, as
	Frappe resets the fields at a permission level the user cannot write (permlevel 2). The fields
	stay at level 0 for the other channels, whose agents type the answer given on the phone."""
	if doc.flags.crm_plus_customer_answer:
		return
	before = doc.get_doc_before_save()
	self_service = set(complaint_portal.SELF_SERVICE_CHANNELS)
	channels = {doc.channel, before.channel if before else None}
	if not channels & self_service:
		return
	if (
		before
		and before.channel in self_service
		and doc.channel != before.channel
		and not doc.flags.ignore_permissions
	):
		# Moved to a staff channel, the answer would be typed, then moved back it would pass for the
		# customer's: the channel of an Email or Web complaint is the customer's way in, kept.
		frappe.throw(_("The channel of an Email or Web complaint cannot be changed"), frappe.PermissionError)
	if before and before.channel not in self_service:
		# A complaint moved into Email or Web carries no typed answer: only the customer's link sets it.
		before = None
	for field in CUSTOMER_FIELDS:
		doc.set(field, before.get(field) if before else (0 if field == "customer_confirmed" else None))


def issue_link(doc, now) -> None:
	"""validate, when the complaint turns Resolved: a fresh link (a previous one stops working), valid
	while the complaint may still be reopened."""
	token = public_links.new_token()
	window = cint(frappe.db.get_single_value("CRM Plus Settings", "reopen_window_days"))
	doc.feedback_token = token
	doc.feedback_link = feedback_url(token)
	doc.feedback_expires_at = complaint_portal.link_expiry(get_datetime(now), window)
	doc.feedback_at = None
	doc.flags.crm_plus_feedback_issued = True


def after_save(doc) -> None:
	"""on_update: mail a link issued by this save; keep the counts of the solutions it touches."""
	if doc.flags.crm_plus_feedback_issued:
		doc.flags.crm_plus_feedback_issued = False
		send_feedback_link(doc.name)
	before = doc.get_doc_before_save()
	if before is None:
		touched = {doc.solution}
	elif before.solution != doc.solution or cint(before.rating) != cint(doc.rating):
		touched = {before.solution, doc.solution}
	else:
		touched = set()
	if touched - {None, ""}:
		from crm_plus.crm_complaints.doctype.crm_solution.crm_solution import refresh_counts

		refresh_counts(touched)


def send_feedback_link(complaint: str) -> bool:
	"""Queue the feedback link's email to the customer (the complaint as its reference, so it shows on
	the complaint's timeline). False when there is no address, no open link, or no outgoing account:
	staff read the link out from the form instead."""
	doc = frappe.get_doc(DOCTYPE, complaint)
	email = complaint_address(doc)
	if not email or not doc.feedback_link or doc.feedback_at:
		return False
	subject = _("Complaint {0} is resolved: did we solve your problem?").format(doc.name)
	message = frappe.render_template(
		"""<p>{{ greeting|e }}</p>
<p>{{ intro|e }}</p>
<p><b>{{ subject|e }}</b></p>
<p>{{ action|e }}</p>
<p><a href="{{ link|e }}">{{ link|e }}</a></p>
<p>{{ expiry|e }}</p>""",
		{
			"greeting": _("Dear customer,"),
			"intro": _("We have resolved your complaint {0}:").format(doc.name),
			"subject": doc.subject,
			"link": doc.feedback_link,
			"action": _("Tell us whether it is solved and rate our work"),
			"expiry": _("The link works once, until {0}.").format(
				frappe.utils.format_datetime(doc.feedback_expires_at)
			),
		},
	)
	try:
		frappe.sendmail(
			recipients=[email],
			subject=subject,
			message=message,
			reference_doctype=DOCTYPE,
			reference_name=doc.name,
			delayed=True,
		)
	except frappe.OutgoingEmailError:
		frappe.clear_last_message()
		return False
	return True


# ---------------------------------------------------------------- the public page


def complaint_by_token(token):
	return doc_by_token(DOCTYPE, "feedback_token", token)


def link_state(complaint) -> str:
	return state_of_link(
		complaint, "feedback_expires_at", "feedback_at", lambda c: c.status in sla.DONE_STATUSES
	)


@frappe.whitelist(allow_guest=True, methods=["POST"])
@rate_limit(limit=60, seconds=600)  # one address trying forged links
def submit(
	token: str | None = None,
	resolved: str | int | bool | None = None,
	rating: str | int | None = None,
	comment: str | None = None,
) -> dict:
	"""The customer's answer. Unknown, used and expired links, and complaints reopened meanwhile,
	store nothing. Saved as the system (the guest has no permission of their own)."""
	if public_links.plausible_token(token) and over_limit("complaint-feedback-submit", 5, 600, key=token):
		# Repeated submissions of one link, from any address.
		frappe.throw(
			_("Too many attempts with this link. Please try again in a few minutes."),
			frappe.RateLimitExceededError,
		)
	complaint = complaint_by_token(token)
	state = link_state(complaint)
	if state != "valid":
		return {"ok": False, "state": state}
	values, errors = complaint_portal.feedback_errors(resolved, rating, comment)
	if errors:
		return {"ok": False, "state": "invalid", "errors": {f: ERRORS[e]() for f, e in errors.items()}}
	# Of two answers at once the second waits here, then sees the link used.
	try:
		locked = frappe.db.sql(
			f"select feedback_at, feedback_token from `tab{DOCTYPE}` where name = %s for update",
			complaint.name,
		)
	except (frappe.QueryTimeoutError, frappe.QueryDeadlockError):
		frappe.db.rollback()
		return {"ok": False, "state": "used"}
	if not locked or locked[0][0] or locked[0][1] != complaint.feedback_token:
		return {"ok": False, "state": "used"}
	complaint.reload()
	complaint.customer_confirmed = 1 if values["resolved"] else 0
	complaint.rating = values["rating"] or (None if values["resolved"] else complaint.rating)
	complaint.feedback_comment = values["comment"]
	complaint.feedback_at = now_datetime()
	if not values["resolved"]:
		complaint.status = "Reopened"
	complaint.flags.ignore_permissions = True
	complaint.flags.crm_plus_customer_answer = True
	try:
		allow_server_fields(complaint).save()
	except frappe.ValidationError:
		# The reopen window closed between the link's check and now.
		frappe.db.rollback()
		frappe.clear_messages()
		return {"ok": False, "state": "expired"}
	if not values["resolved"]:
		alert_handler(complaint)
	return {"ok": True, "state": "answered" if values["resolved"] else "reopened"}


def alert_handler(complaint) -> None:
	from crm_plus.notifications import notify

	user = complaint.handler or complaint.account_manager
	if user:
		notify(
			user,
			DOCTYPE,
			complaint.name,
			_("The customer says complaint {0} is not resolved: it is reopened").format(complaint.name),
		)
