"""The "Ask my clinic to contact me" form and the consent text it records the version of.

Change CONSENT_TEXT_VERSION whenever CONSENT_TEXT changes: each request stores the version the
patient agreed to.
"""

from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from vigilance.forms import PRODUCT_FIELDS, ReportedProductForm

from .models import ContactRequest
from .wording import ShownAssessment

CONSENT_TEXT_VERSION = "2025-01"
CONSENT_TEXT = _(
    "I agree that the clinic stores my name, my contact details, my answers and this result, and uses "
    "them only to contact me about this check. They are deleted after %(days)s days."
)

_PHONE = re.compile(r"^\+?[0-9 ()./-]{7,25}$")


class ContactForm(ReportedProductForm):
    """The patient's details and consent, and the optional "Do you know what was used?" block
    (vigilance: kept as the patient's report on a treatment record)."""

    field_order = ["name", "phone", "email", "preferred_time", *PRODUCT_FIELDS, "consent"]

    name = forms.CharField(label=_("Your name"), max_length=120)
    phone = forms.CharField(label=_("Phone number"), max_length=40, required=False)
    # The lengths are the database columns' (ContactRequest): a longer value is refused here with
    # a message, never cut short or failing when it is saved.
    email = forms.EmailField(label=_("Email address"), required=False, max_length=254)
    preferred_time = forms.ChoiceField(
        label=_("When is best to reach you?"),
        choices=ContactRequest.PreferredTime.choices,
        initial=ContactRequest.PreferredTime.ANY,
    )
    consent = forms.BooleanField(
        label=_("I agree"),
        required=True,
        error_messages={"required": _("Please tick the box to agree, or call the clinic instead.")},
    )

    def clean_phone(self) -> str:
        phone = self.cleaned_data["phone"].strip()
        if phone and (not _PHONE.match(phone) or sum(ch.isdigit() for ch in phone) < 7):
            raise forms.ValidationError(_("Please enter a phone number with at least 7 digits."))
        return phone

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not cleaned.get("phone") and not cleaned.get("email"):
            raise forms.ValidationError(_("Please give a phone number or an email address."), code="no_contact")
        return cleaned


def result_record(assessment: ShownAssessment) -> dict:
    """What the patient was told, as plain data for the follow-up queue."""
    return {
        "urgency": assessment.urgency,
        "urgency_label": assessment.urgency_label,
        "guidance": assessment.guidance,
        "complications": [{"slug": c.slug, "name": c.name, "urgency": c.urgency} for c in assessment.complications[:5]],
        "red_flags": list(assessment.red_flags),
        "reasons": [reason.text for reason in assessment.reasons],
    }
