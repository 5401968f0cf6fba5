"""Names the integration tests share: DocTypes, the public endpoints they post to, a payload."""

CUSTOMER = "CRM Customer"
LEAD = "CRM Lead"
OPPORTUNITY = "CRM Opportunity"
TRANSACTION = "CRM Customer Transaction"
VISIT = "CRM Visit"
ACTIVITY = "CRM Activity"
CONTRACT = "CRM Contract"
POOL_LOG = "CRM Pool Log"

# What a guest posts: the public complaint form, the complaint feedback page, the survey page.
COMPLAINT_FORM = "crm_plus.crm_complaints.public_form.submit_complaint"
FEEDBACK_SUBMIT = "crm_plus.crm_complaints.feedback.submit"
SURVEY_SUBMIT = "crm_plus.crm_surveys.api.submit"
SURVEY_TEMPLATE = "Customer Satisfaction"

IMG = "<img src=x onerror=alert(1)>"
CUSTOMER_TABLE = "`tabCRM Customer`"
