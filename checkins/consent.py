"""The check-ins' consent text and its version. Change the version whenever the text changes:
each enrolment (and each queue line it raises) stores the version the patient agreed to."""

from django.utils.translation import gettext_lazy as _

CONSENT_TEXT_VERSION = "checkins-2025-01"
CONSENT_TEXT = _(
    "I agree that the clinic keeps my name, my contact details, my treatment and its date, and my "
    "check-in answers, to send me check-ins and to call me if an answer needs it. I can stop at any "
    "time with one click, and then my details are deleted."
)
