"""The check-in forms: enrolling (patients and clinic staff) and the first question (with what was used)."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from procedures.contact import ContactForm
from vigilance.forms import ReportedProductForm

from .models import Checkin

# The phone rule of "Ask my clinic to contact me", so a number accepted there is accepted here.
_clean_phone = ContactForm.clean_phone


class EnrolForm(forms.Form):
    name = forms.CharField(label=_("Your first name"), max_length=120)
    email = forms.EmailField(label=_("Email address"), max_length=254)
    phone = forms.CharField(label=_("Mobile number (optional)"), max_length=40, required=False)
    by_sms = forms.BooleanField(label=_("Also send me a text message"), required=False)
    consent = forms.BooleanField(
        label=_("I agree"),
        required=True,
        error_messages={"required": _("Please tick the box to agree. Without it we keep nothing.")},
    )

    clean_phone = _clean_phone

    def __init__(self, *args, **kwargs):
        # The result page also shows the contact form, with fields of the same names: ids must differ.
        kwargs.setdefault("auto_id", "id_checkin_%s")
        super().__init__(*args, **kwargs)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("by_sms") and not cleaned.get("phone") and "phone" not in self.errors:
            self.add_error("phone", _("Please give your mobile number for text messages."))
        return cleaned


class ClinicEnrolForm(EnrolForm):
    """The clinic records a treatment and the patient's consent (admin)."""

    procedure = forms.ChoiceField(label=_("Treatment"))
    treated_on = forms.DateField(label=_("Date of treatment"), widget=forms.DateInput(attrs={"type": "date"}))
    language = forms.ChoiceField(label=_("Language of the messages"))
    consent = forms.BooleanField(
        label=_("The patient agreed to the check-in consent text"),
        required=True,
        error_messages={"required": _("Check-ins need the patient's consent.")},
    )

    def __init__(self, *args, procedures: list[tuple[str, str]], languages: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["procedure"].choices = procedures
        self.fields["language"].choices = languages

    def clean_treated_on(self):
        value = self.cleaned_data["treated_on"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("The date cannot be in the future."))
        return value


class NewOrWorseForm(ReportedProductForm):
    """The one question, and the optional "Do you know what was used?" block (asked until the
    patient, or the clinic, has named the product for this treatment)."""

    field_order = ["answer"]

    answer = forms.ChoiceField(
        label=_("Since your treatment, is anything new or worse?"),
        choices=[
            (Checkin.Answer.NOTHING_NEW, _("No, nothing new or worse")),
            (Checkin.Answer.NEW_OR_WORSE, _("Yes, something is new or worse")),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": _("Please choose one answer.")},
    )
