"""The contact form on the result page: bound to what the patient typed when it had errors."""

from django import template
from django.conf import settings
from django.utils import timezone

from ..care_card import callback_promise
from ..clinic import current_clinic
from ..contact import CONSENT_TEXT, CONSENT_TEXT_VERSION, ContactForm
from ..questionnaire import contact_sent_reference, pop_pending_contact

register = template.Library()


@register.simple_tag(takes_context=True)
def contact_form(context) -> dict:
    request = context["request"]
    pending = pop_pending_contact(request.session)
    form = ContactForm(pending) if pending is not None else ContactForm()
    if pending is not None:
        form.is_valid()  # shows the errors of the refused submission
    return {
        "form": form,
        "sent": contact_sent_reference(request.session),
        "consent_text": CONSENT_TEXT % {"days": settings.CONTACT_REQUEST_RETENTION_DAYS},
        "consent_version": CONSENT_TEXT_VERSION,
        "promise": callback_promise(current_clinic(), context["assessment"].urgency, timezone.now()),
    }
