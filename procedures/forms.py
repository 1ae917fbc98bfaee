"""The questionnaire's three steps. Choices come from the published knowledge-base snapshot."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from crispy_forms.helper import FormHelper
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import models
from .snapshot_memo import per_snapshot
from .triage import KnowledgeBase
from .validation import MAX_DAYS
from .wording import say

# The trends of procedures/triage/scales.py, and "not sure" (the trend is then unknown).
TREND_CHOICES = [*models.TREND_CHOICES, ("", _("Not sure"))]


def _helper() -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False  # the template owns the <form>, its CSRF token and buttons
    helper.disable_csrf = True
    return helper


Choices = tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class ChoiceLabels:
    """The questionnaire's choices in one language, as the forms list them."""

    emergency_screen: Choices
    procedures: Choices
    other_names: Choices  # every other name of a treatment, listed under the choices (find-in-page)
    areas: Choices


@per_snapshot("PAGE_MEMO_SIZE")
def choice_labels(kb: KnowledgeBase, language: str) -> ChoiceLabels:
    """Worked out once per release and language, not for each form a patient sends."""
    procedures = sorted(kb.procedures.values(), key=lambda p: (p.position, p.slug))
    return ChoiceLabels(
        emergency_screen=tuple((slug, say(kb.symptoms[slug].label, language)) for slug in kb.emergency_screen_symptoms),
        procedures=tuple((p.slug, treatment_label(say(p.name, language), p.aliases)) for p in procedures),
        other_names=tuple((say(p.name, language), ", ".join(p.aliases)) for p in procedures if p.aliases),
        areas=tuple((a.slug, say(a.name, language)) for a in kb.areas.values()),
    )


class SlugsField(forms.MultipleChoiceField):
    """Several slugs, each one of `allowed`. The page draws its own checkboxes (memoised per release:
    interview.symptom_fieldsets), so the field needs no labelled choices to check what was sent,
    and a hundred of them are not built and normalised for each form a patient sends."""

    allowed: Collection[str] = frozenset()

    def valid_value(self, value: str) -> bool:
        return value in self.allowed


class EmergencyScreenForm(forms.Form):
    """Step 1: the red flags, with an explicit "none of these" (as NHS 111 online does)."""

    red_flags = forms.MultipleChoiceField(
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("Do you have any of these right now?"),
    )
    none_of_these = forms.BooleanField(required=False, label=_("None of these"))

    def __init__(self, *args, kb: KnowledgeBase, language: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["red_flags"].choices = choice_labels(kb, language).emergency_screen

    def clean(self):
        cleaned = super().clean()
        flags = cleaned.get("red_flags") or []
        none = cleaned.get("none_of_these")
        if flags and none:
            raise forms.ValidationError(
                _("You ticked a symptom and also “None of these”. Please choose one or the other."),
                code="both",
            )
        if not flags and not none:
            raise forms.ValidationError(_("Please tick any symptom you have, or tick “None of these”."), code="empty")
        return cleaned


class TreatmentForm(forms.Form):
    """Step 2: which treatment, when, and where on the body."""

    procedure = forms.ChoiceField(label=_("Which treatment did you have?"), widget=forms.RadioSelect)
    treatment_date = forms.DateField(
        required=False,
        label=_("Date of treatment"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Or fill in how many days ago, below."),
    )
    days_ago = forms.IntegerField(
        required=False,
        min_value=0,
        max_value=MAX_DAYS,
        label=_("How many days ago? (0 = today)"),
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    area = forms.ChoiceField(required=False, label=_("Which part of the body was treated?"))

    def __init__(self, *args, kb: KnowledgeBase, language: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper()
        labels = choice_labels(kb, language)
        self.fields["procedure"].choices = labels.procedures
        self.other_names = labels.other_names
        self.fields["area"].choices = [("", _("Not sure / rather not say")), *labels.areas]

    def clean(self):
        cleaned = super().clean()
        date = cleaned.get("treatment_date")
        days = cleaned.get("days_ago")
        if self.errors:
            return cleaned
        today = timezone.localdate()
        if date is not None:
            if date > today:
                self.add_error("treatment_date", _("The date cannot be in the future."))
                return cleaned
            from_date = (today - date).days
            if from_date > MAX_DAYS:
                self.add_error("treatment_date", _("Please give a date in the last 10 years."))
                return cleaned
            if days is not None and days != from_date:
                self.add_error(
                    "days_ago",
                    _("This does not match the date (that was %(days)s days ago). Please fix one of them.")
                    % {"days": from_date},
                )
                return cleaned
            days = from_date
        if days is None:
            self.add_error("days_ago", _("Please give the date of treatment or how many days ago it was."))
            return cleaned
        cleaned["days"] = days
        return cleaned


SHOWN_ALIASES = 3  # brand names beside a treatment: enough to recognise it, short enough to scan


def treatment_label(name: str, aliases: tuple[str, ...]) -> str:
    """The treatment's name and its first few other names (the best known come first in the data)."""
    shown = [alias for alias in aliases if alias.casefold() not in name.casefold()][:SHOWN_ALIASES]
    return f"{name} ({', '.join(shown)})" if shown else name


class SymptomsForm(forms.Form):
    """Step 3: what the patient notices now, and how it is going."""

    symptoms = SlugsField(required=False)
    trend = forms.ChoiceField(
        required=False,
        choices=TREND_CHOICES,
        widget=forms.RadioSelect,
        label=_("Overall, are your symptoms…"),
    )
    nothing_to_report = forms.BooleanField(required=False, label=_("I have none of these"))

    def __init__(self, *args, kb: KnowledgeBase, language: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["symptoms"].allowed = kb.symptoms.keys()

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("symptoms") and not cleaned.get("nothing_to_report"):
            raise forms.ValidationError(
                _("Please tick at least one symptom, or tick “I have none of these”."), code="empty"
            )
        if cleaned.get("symptoms") and cleaned.get("nothing_to_report"):
            raise forms.ValidationError(
                _("You ticked symptoms and also “I have none of these”. Please choose one or the other."),
                code="both",
            )
        return cleaned


class FollowUpForm(forms.Form):
    """Step 3b, only when an answer could change the result: when it began, what else matters."""

    started_day = forms.IntegerField(
        required=False,
        min_value=0,
        max_value=MAX_DAYS,
        label=_("On which day after the treatment did these symptoms begin?"),
        help_text=_("0 = the day of treatment. Leave it empty if you are not sure."),
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    risk_factors = forms.MultipleChoiceField(
        required=False, widget=forms.CheckboxSelectMultiple, label=_("Does any of this apply to you?")
    )
    already_seen = forms.ChoiceField(
        required=False,
        widget=forms.RadioSelect,
        label=_("Has a doctor or nurse already looked at this problem and given you a plan?"),
        choices=[("yes", _("Yes, and I am following their plan")), ("no", _("No")), ("", _("Not sure"))],
    )

    def __init__(self, *args, kb: KnowledgeBase, language: str, days: int, asked, **kwargs):
        super().__init__(*args, **kwargs)
        self.days = days
        self.fields["risk_factors"].choices = [(s, say(kb.risk_factors[s].label, language)) for s in asked.risk_factors]
        if not asked.ask_onset:
            del self.fields["started_day"]
        if not asked.risk_factors:
            del self.fields["risk_factors"]
        if not asked.ask_already_seen:
            del self.fields["already_seen"]

    def clean_started_day(self):
        value = self.cleaned_data.get("started_day")
        if value is not None and value > self.days:
            raise forms.ValidationError(
                _("Your treatment was %(days)s days ago: the symptoms cannot have begun later than that."),
                params={"days": self.days},
                code="after_today",
            )
        return value
