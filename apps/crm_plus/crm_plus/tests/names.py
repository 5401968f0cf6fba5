"""Names the integration tests share: DocTypes, the public endpoints they post to, a payload."""

CUSTOMER = "CRM Customer"
LEAD = "CRM Lead"
OPPORTUNITY = "CRM Opportunity"
TRANSACTION = "CRM Customer Transaction"
VISIT = "CRM Visit"
ACTIVITY = "CRM Activity"
CONTRACT = "CRM Contract"
POOL_LOG = "CRM Pool Log"

# The public page a resolved complaint's customer confirms and rates it on.
FEEDBACK_PAGE = "/complaint-feedback"

# What a guest posts: the public complaint form, the complaint feedback page, the survey page.
COMPLAINT_FORM = "crm_plus.crm_complaints.public_form.submit_complaint"
FEEDBACK_SUBMIT = "crm_plus.crm_complaints.feedback.submit"
SURVEY_SUBMIT = "crm_plus.crm_surveys.api.submit"
SURVEY_TEMPLATE = "Customer Satisfaction"

# Payloads of the stored-markup tests.
IMG = "<img src=x onerror=alert(1)>"
SCRIPT = "<script>alert(1)</script>"
ATTRIBUTE_BREAKOUT = '" autofocus onfocus="alert(1)'
CUSTOMER_TABLE = "`tabCRM Customer`"
