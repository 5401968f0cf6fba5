# Copyright (c) 2026, CRM Plus and contributors
# For license information, please see license.txt

from frappe.model.document import Document


class CRMSurveyInvitation(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		answered_at: DF.Datetime | None
		campaign: DF.Link
		channel: DF.Literal["Web Link", "Phone", "Face to Face"]
		customer: DF.Link
		customer_name: DF.Data | None
		delivery_note: DF.SmallText | None
		delivery_status: DF.Literal["", "Queued", "Sent", "Failed", "Bounced"]
		email: DF.Data | None
		expires_at: DF.Datetime | None
		opened_at: DF.Datetime | None
		reminded_at: DF.Datetime | None
		sent_at: DF.Datetime | None
		status: DF.Literal["Pending", "Sent", "Opened", "Answered", "Expired"]
		survey_link: DF.Data | None
		token: DF.Data | None
	# end: auto-generated types
	pass
