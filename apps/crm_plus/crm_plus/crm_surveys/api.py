"""Surveys on the Frappe side: campaigns invite a sample, customers answer by a public link (no login)
or agents enter their answers, and every response is scored; an unhappy one opens a complaint."""

import hmac
import json

import frappe
from frappe import _
from frappe.rate_limiter import rate_limit
from frappe.utils import add_days, cint, escape_html, flt, get_datetime, get_url, getdate, now_datetime

from crm_plus.crm_surveys import progress
from crm_plus.domain import mail as mail_rules
from crm_plus.domain import public_links, surveys
from crm_plus.domain.roles import SERVICE_ROLES
from crm_plus.public_links import doc_by_token, state_of_link

ERRORS = {
	"required": lambda: _("Please answer this question"),
	"not_a_number": lambda: _("Please choose a number"),
	"out_of_range": lambda: _("This answer is out of range"),
	"unknown_option": lambda: _("Please choose one of the given answers"),
	"too_long": lambda: _("Please keep the answer under 2000 characters"),
	"not_text": lambda: _("Please answer this question with text"),
}


def parsed_answers(answers: str | dict) -> dict:
	"""The posted answers as a dict (a JSON object in a form-encoded post); anything that is not JSON is
	refused with a clear message (417), never a server error."""
	if not isinstance(answers, str):
		return answers
	try:
		return frappe.parse_json(answers)
	except ValueError:
		pass  # refused below, outside the handler: the answer names no JSONDecodeError
	frappe.throw(_("The answers could not be read. Please reload the page and try again."))


def questions_of(template: str) -> list[dict]:
	doc = frappe.get_cached_doc("CRM Survey Template", template)
	return [
		{
			"id": q.name,
			"section": q.section,
			"question": q.question,
			"type": q.question_type,
			"options": q.options,
			"required": q.required,
			"weight": q.weight,
			"max_rating": q.max_rating,
		}
		for q in doc.questions
	]


def invitation_by_token(token: str):
	"""The invitation whose token is exactly `token` (`public_links.record_by_token`)."""
	return doc_by_token("CRM Survey Invitation", "token", token)


def invitation_to_answer(token: str):
	"""What the public submit needs of the invitation whose token is exactly `token`, in one read: its
	own fields, its campaign's status and template, the customer's account manager (None: forged).
	As `public_links.record_by_token`, the candidates the case-blind column finds are compared byte
	for byte, in constant time."""
	if not public_links.plausible_token(token):
		return None
	rows = frappe.db.sql(
		"""select i.name, i.token, i.campaign, i.customer, i.expires_at, i.answered_at,
			coalesce(cu.customer_name, i.customer_name) as customer_name,
			c.status as campaign_status, c.template, cu.account_manager
		from `tabCRM Survey Invitation` i
		left join `tabCRM Survey Campaign` c on c.name = i.campaign
		left join `tabCRM Customer` cu on cu.name = i.customer
		where i.token = %s""",
		token,
		as_dict=True,
	)
	for row in rows:
		if row.token and hmac.compare_digest(row.token.encode(), token.encode()):
			return row
	return None


def campaign_running(campaign: str) -> bool:
	return frappe.db.get_value("CRM Survey Campaign", campaign, "status") == "Running"


def token_state(invitation) -> str:
	return state_of_link(invitation, "expires_at", "answered_at", lambda i: campaign_running(i.campaign))


USED = {"ok": False, "state": "used"}


@frappe.whitelist(allow_guest=True, methods=["POST"])
@rate_limit(key="token", limit=5, seconds=600, ip_based=False)  # repeated submissions of one link
@rate_limit(limit=300, seconds=600)  # one address hammering with forged links
def submit(token: str, answers: str | dict) -> dict:
	"""The public page posts here. Expired, used, forged tokens and closed campaigns store nothing.
	Every valid answer is stored, whoever the customer is: the page needs no login (Guest)."""
	invitation = invitation_to_answer(token)
	state = (
		public_links.link_state(
			get_datetime(invitation.expires_at) if invitation.expires_at else None,
			get_datetime(invitation.answered_at) if invitation.answered_at else None,
			now_datetime(),
			open=invitation.campaign_status == "Running",
		)
		if invitation
		else "forged"
	)
	if state != "valid":
		return {"ok": False, "state": state}
	answers = parsed_answers(answers)
	if not isinstance(answers, dict):
		answers = {}
	return store_answer(invitation, answers)


def store_answer(invitation, answers: dict) -> dict:
	# Lock the invitation row and read it as committed (a locking read, not this transaction's
	# snapshot): of two submissions at once, the second waits here and then sees it answered.
	locked = frappe.db.sql(
		"select answered_at from `tabCRM Survey Invitation` where name = %s for update", invitation.name
	)
	if not locked or locked[0][0]:
		return USED
	questions = questions_of(invitation.template)
	typed, errors = surveys.validate_answers(questions, answers)
	if errors:
		return {"ok": False, "state": "invalid", "errors": {q: ERRORS[e]() for q, e in errors.items()}}
	try:
		# Stored first; what follows from it runs after the commit (follow_up_later).
		response = save_response(invitation, questions, typed, "Web Link", later=True)
	except (frappe.DuplicateEntryError, frappe.UniqueValidationError):
		# Another submission of this link stored its answer first (one response per invitation).
		frappe.db.rollback()
		return USED
	return {"ok": True, "state": "answered", "response": response}


@frappe.whitelist()
def get_questions(invitation: str) -> list[dict]:
	doc = frappe.get_doc("CRM Survey Invitation", invitation)
	doc.check_permission("read")
	return questions_of(frappe.db.get_value("CRM Survey Campaign", doc.campaign, "template"))


@frappe.whitelist()
def record_answers(invitation: str, answers: str | dict) -> str:
	"""An agent enters the answers given on the phone or face to face."""
	doc = frappe.get_doc("CRM Survey Invitation", invitation)
	check_may_record(doc)
	locked = frappe.db.sql(
		"select answered_at from `tabCRM Survey Invitation` where name = %s for update", doc.name
	)
	if locked[0][0]:
		frappe.throw(_("This customer has already answered the survey"))
	if not campaign_running(doc.campaign):
		frappe.throw(_("This survey campaign is closed: it takes no more answers"))
	questions = questions_of(frappe.db.get_value("CRM Survey Campaign", doc.campaign, "template"))
	typed, errors = surveys.validate_answers(questions, parsed_answers(answers))
	if errors:
		labels = {q["id"]: q["question"] for q in questions}
		frappe.throw(
			"<br>".join(f"{labels[q]}: {ERRORS[e]()}" for q, e in errors.items()),
			title=_("Please correct the answers"),
		)
	return save_response(doc, questions, typed, doc.channel or "Phone")


def check_may_record(invitation) -> None:
	"""Who may enter a customer's answers: whoever may edit the invitation, and service staff
	(who never edit customers) for the customers they serve, i.e. those they may read."""
	invitation.check_permission("read")
	# A probe, not a refusal: frappe.has_permission (not the document's, which passes raise_exception)
	# adds no reasons to the response's messages; the desk would show the agent a refusal of an answer
	# it stored.
	if frappe.has_permission(invitation.doctype, "write", invitation):
		return
	if SERVICE_ROLES & set(frappe.get_roles()) and frappe.has_permission(
		"CRM Customer", "read", invitation.customer
	):
		return
	frappe.throw(
		_("You are not permitted to record survey answers for the customer {0}").format(
			frappe.bold(invitation.customer)
		),
		frappe.PermissionError,
	)


def save_response(invitation, questions: list[dict], typed: dict, channel: str, later: bool = False) -> str:
	"""Store the answer (its answers, scores and whether it is unhappy: pure arithmetic in the same
	insert), mark the invitation answered and count both in the campaign's progress (the caller has
	locked the invitation; the campaign's row is locked last); then what follows from it
	(`follow_up`): at once, or with `later` (the public page) after the commit in a background job,
	with the response flagged `follow_up_pending` so that the scheduler's sweep does it when the job
	is lost (Redis down, a worker killed). Either way it runs once per response (`follow_up` locks
	the flag)."""
	previous = frappe.db.sql(
		"select status from `tabCRM Survey Invitation` where name = %s for update", invitation.name
	)[0][0]
	scores = surveys.response_scores(questions, typed)
	unhappy = unhappy_reasons(questions, typed)
	response = frappe.get_doc(
		{
			"doctype": "CRM Survey Response",
			"campaign": invitation.campaign,
			"invitation": invitation.name,
			"customer": invitation.customer,
			"customer_name": invitation.get("customer_name"),
			"channel": channel,
			"submitted_at": now_datetime(),
			"average_score": scores["average"],
			"csat": scores["csat"],
			"nps_score": scores["nps_score"],
			"unhappy": 1 if unhappy else 0,
			"follow_up_pending": 1,
			# The public submit read it with the invitation; otherwise the response looks it up.
			"account_manager": invitation.get("account_manager"),
			"answers": [
				{
					"question_id": q["id"],
					"question": q["question"],
					"question_type": q["type"],
					"answer": json.dumps(typed[q["id"]], ensure_ascii=False)
					if isinstance(typed[q["id"]], list)
					else str(typed[q["id"]]),
					"score": typed[q["id"]] if q["type"] in ("Satisfaction", "NPS", "Rating") else None,
				}
				for q in questions
				if q["id"] in typed
			],
		}
	)
	# The public submit's links come from the invitation, campaign and customer it has just read.
	response.flags.ignore_links = later
	response.flags.progress_counted = True  # below, with the invitation's new status, in one update
	response.insert(ignore_permissions=True)
	frappe.db.set_value(
		"CRM Survey Invitation", invitation.name, {"status": "Answered", "answered_at": now_datetime()}
	)
	progress.count(
		invitation.campaign,
		surveys.status_change(previous, "Answered") | progress.response_sums(response.answers),
	)
	if later:
		frappe.db.after_commit.add(lambda: follow_up_later(response.name))
	else:
		follow_up(response.name)
	return response.name


def unhappy_reasons(questions: list[dict], typed: dict) -> list:
	settings = frappe.get_cached_doc("CRM Plus Settings")
	return surveys.unhappy_reasons(
		questions, typed, cint(settings.unhappy_threshold), bool(cint(settings.unhappy_on_detractor))
	)


def follow_up_later(response: str) -> None:
	"""Queue the follow-up of a committed response. A queue that cannot take it loses nothing: the
	response stays flagged and the sweep (`follow_up_pending`, every five minutes) does it."""
	try:
		frappe.enqueue("crm_plus.crm_surveys.api.follow_up", queue="short", response=response)
	except Exception:
		# After the commit: nothing may be written here, so the file log says why it waits.
		frappe.logger("crm_plus").warning(
			f"survey response {response}: follow-up left to the sweep", exc_info=True
		)


def follow_up(response: str) -> bool:
	"""What follows from a stored answer, once: the customer's latest score and an unhappy answer's
	complaint (the campaign's progress counted the answer as it was stored). The response's row is
	locked and its flag read as committed, so of a job, a sweep and a rerun only the first does it.
	False when it was done already."""
	pending = frappe.db.sql(
		"select follow_up_pending from `tabCRM Survey Response` where name = %s for update", response
	)
	if not pending or not pending[0][0]:
		return False
	doc = frappe.get_doc("CRM Survey Response", response)
	template = frappe.db.get_value("CRM Survey Campaign", doc.campaign, "template") if doc.campaign else None
	questions = questions_of(template) if template else []
	typed, _errors = surveys.validate_answers(questions, stored_answers(doc))
	updates = {"follow_up_pending": 0}
	average = surveys.response_scores(questions, typed)["average"] if questions else None
	if average is not None and not frappe.db.sql(
		"""select 1 from `tabCRM Survey Response` where customer = %s and submitted_at > %s
		and follow_up_pending = 0 and name != %s limit 1""",
		(doc.customer, doc.submitted_at, doc.name),
	):  # a later answer followed up first keeps its score
		frappe.db.set_value(
			"CRM Customer",
			doc.customer,
			{"latest_survey_score": average, "latest_survey_date": getdate(doc.submitted_at)},
		)
	if doc.unhappy and not doc.follow_up and doc.invitation:
		reasons = unhappy_reasons(questions, typed)
		if reasons:
			invitation = frappe.get_doc("CRM Survey Invitation", doc.invitation)
			updates["follow_up"] = open_follow_up(invitation, questions, typed, reasons)
	frappe.db.set_value("CRM Survey Response", doc.name, updates, update_modified=False)
	return True


def stored_answers(doc) -> dict:
	"""The answers of a stored response as posted (lists back from their JSON)."""
	answers = {}
	for row in doc.answers:
		value = row.answer
		if value and value.startswith("["):
			try:
				value = json.loads(value)
			except ValueError:
				pass
		answers[row.question_id] = value
	return answers


def follow_up_pending(limit: int = 500) -> int:
	"""Every five minutes: the follow-ups whose job was lost (Redis down, a worker killed), each in
	its own savepoint, oldest first; a response being followed up by its job right now waits for it
	and is then found done. Returns how many were done."""
	names = frappe.get_all(
		"CRM Survey Response",
		filters={"follow_up_pending": 1},
		order_by="submitted_at asc",
		limit=limit,
		pluck="name",
	)
	done = 0
	for name in names:
		frappe.db.savepoint("crm_plus_survey_follow_up")
		try:
			done += follow_up(name)
		except Exception:
			frappe.db.rollback(save_point="crm_plus_survey_follow_up")
			frappe.log_error(title=_("CRM Plus: the follow-up of survey response {0} failed").format(name))
	return done


def open_follow_up(invitation, questions, typed, reasons) -> str:
	"""An unhappy answer opens a complaint handled by the customer's account manager."""
	labels = {q["id"]: q["question"] for q in questions}
	# The description is HTML: the questions and the customer's answers go in as text.
	lines = [f"{escape_html(labels[qid])}: {escape_html(str(value))}" for _reason, qid, value in reasons]
	owner = frappe.db.get_value("CRM Customer", invitation.customer, "account_manager")
	complaint = frappe.get_doc(
		{
			"doctype": "CRM Complaint",
			"customer": invitation.customer,
			"channel": "Survey",
			"received_at": now_datetime(),
			"severity": "High" if any(v <= 1 for _r, _q, v in reasons if isinstance(v, int)) else "Medium",
			"handler": owner,
			"subject": _("Unhappy survey answer from {0}").format(
				invitation.customer_name or invitation.customer
			),
			"description": "<br>".join(lines),
		}
	)
	# The system opens it, whoever answered (a Guest on the public page, an agent on the phone).
	complaint.flags.ignore_permissions = True
	complaint.insert()
	return complaint.name


def mark_opened(invitation) -> None:
	"""The public page was opened: count it once. The page is a GET, whose transaction Frappe rolls
	back at its end: the mark is committed at once, so that the campaign's row is not held while the
	page renders (every page view of the campaign waits for that row)."""
	if invitation.status not in ("Pending", "Sent"):
		return
	try:
		opened(invitation)
	except (frappe.QueryTimeoutError, frappe.QueryDeadlockError):
		# The invitation's or the campaign's row held past the lock wait timeout, or MariaDB chose this
		# view as a deadlock's victim: the page is shown all the same, unmarked (a later view or the
		# answer marks it); the visitor never gets an error page for a count.
		frappe.db.rollback()


def opened(invitation) -> None:
	"""Mark the invitation opened and count it: the invitation's row locked first, the campaign's last."""
	status = frappe.db.sql(
		"select status from `tabCRM Survey Invitation` where name = %s for update", invitation.name
	)
	if not status or status[0][0] not in ("Pending", "Sent"):
		return  # opened meanwhile by another request
	frappe.db.set_value(
		"CRM Survey Invitation", invitation.name, {"status": "Opened", "opened_at": now_datetime()}
	)
	progress.count(invitation.campaign, surveys.status_change(status[0][0], "Opened"))
	frappe.db.commit()


def survey_url(token: str) -> str:
	return get_url(f"/survey?token={token}")


def invite(campaign) -> int:
	"""Sample the campaign's customers (as the user starting it may see them) and invite each once."""
	filters = {"disabled": 0}
	for field, customer_field in (
		("filter_grade", "grade"),
		("filter_region", "region"),
		("filter_industry", "industry"),
		("filter_status", "status"),
		("filter_account_manager", "account_manager"),
	):
		if campaign.get(field):
			filters[customer_field] = campaign.get(field)
	customers = frappe.get_list(
		"CRM Customer",
		filters=filters,
		fields=["name", "grade", "email"],
		limit_page_length=0,
		order_by="name asc",
	)
	already = set(frappe.get_all("CRM Survey Invitation", {"campaign": campaign.name}, pluck="customer"))
	picked = surveys.sample_customers(
		customers,
		size=cint(campaign.sample_size) or None,
		percentage=flt(campaign.sample_percentage) or None,
		seed=cint(campaign.seed),
		stratify_by="grade" if campaign.stratify_by_grade else None,
	)
	emails = {c.name: c.email for c in customers}
	expires = add_days(now_datetime(), cint(campaign.expires_in_days) or 14)
	created, can_email = 0, True
	for name in picked:
		if name in already:
			continue
		token = public_links.new_token()
		doc = frappe.get_doc(
			{
				"doctype": "CRM Survey Invitation",
				"campaign": campaign.name,
				"customer": name,
				"email": emails.get(name),
				"channel": campaign.channel,
				"expires_at": expires,
				"token": token,
				"survey_link": survey_url(token),
			}
		)
		doc.flags.progress_counted = True  # all at once below: the campaign's row locked once, last
		doc.insert(ignore_permissions=True)
		if campaign.channel == "Web Link" and doc.email and can_email:
			try:
				frappe.sendmail(
					recipients=[doc.email],
					subject=_("How did we do? A short survey"),
					message=mail_rules.sentence_with_link(
						_("Please tell us how satisfied you are: {0}"), doc.survey_link
					),
					reference_doctype=doc.doctype,
					reference_name=doc.name,
					delayed=True,
				)
				doc.db_set({"status": "Sent", "sent_at": now_datetime(), "delivery_status": "Queued"})
			except frappe.OutgoingEmailError:
				# No outgoing email account: the links stay listed for the agents to send or phone.
				can_email = False
				frappe.clear_last_message()
		created += 1
	progress.count(campaign.name, {"invited": created})
	return created
