"""The contact form on the result page: bound to what the patient typed when it had errors."""

from django import template
from django.conf import settings

from ..contact import CONSENT_TEXT, CONSENT_TEXT_VERSION, ContactForm

register = template.Library()

PENDING_KEY = "contact_pending"  # what the patient typed, kept in the session only until shown again
SENT_KEY = "contact_sent"  # the reference of the request made in this session


@register.simple_tag(takes_context=True)
def contact_form(context) -> dict:
    request = context["request"]
    pending = request.session.pop(PENDING_KEY, None)
    form = ContactForm(pending) if pending is not None else ContactForm()
    if pending is not None:
        form.is_valid()  # shows the errors of the refused submission
    return {
        "form": form,
        "sent": request.session.get(SENT_KEY),
        "consent_text": CONSENT_TEXT % {"days": settings.CONTACT_REQUEST_RETENTION_DAYS},
        "consent_version": CONSENT_TEXT_VERSION,
    }
