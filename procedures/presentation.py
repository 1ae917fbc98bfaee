"""Turning a snapshot and an assessment into what the patient pages show.

Pure functions over engine objects, kept out of the views so they can be tested without a
request and reused by the printable summary.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from types import MappingProxyType
from typing import Any

from crispy_forms.utils import render_crispy_form
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from .assessments import shown_assessment
from .care_card import care_card
from .clinic import current_clinic
from .forms import TreatmentForm
from .models import SymptomGroup
from .snapshot_memo import SameClinic, per_snapshot, same_clinic
from .triage import Answers, KnowledgeBase
from .triage.knowledge import Procedure
from .triage.scales import TRENDS_SPEC, level
from .wording import ShownAssessment, say


@dataclass(frozen=True)
class SymptomChoice:
    slug: str
    label: str
    checked: bool


@dataclass(frozen=True)
class SymptomGroupView:
    key: str
    label: str
    choices: tuple[SymptomChoice, ...]


def relevant_symptoms(kb: KnowledgeBase, procedure_slug: str) -> set[str]:
    """Symptoms this procedure's own effects and complications talk about."""
    procedure = kb.procedures[procedure_slug]
    slugs: set[str] = set()
    for effect in procedure.expected_effects:
        slugs |= effect.symptoms
    for slug, link in procedure.links.items():
        comp = kb.complications.get(slug)
        if comp is not None and link.explicit:
            slugs |= {ws.symptom for ws in comp.warning_signs if procedure_slug not in ws.except_procedures}
    return slugs


def symptom_groups(kb: KnowledgeBase, procedure_slug: str, language: str, selected: set[str]) -> list[SymptomGroupView]:
    """Symptoms grouped by kind; in each group, the ones that matter for this procedure first.

    Groups that hold relevant symptoms come first as well, so a patient after truSculpt flex
    sees muscle and urine questions before eye questions.
    """
    relevant = relevant_symptoms(kb, procedure_slug)
    group_labels = dict(SymptomGroup.choices)
    buckets: dict[str, list] = {}
    for symptom in sorted(kb.symptoms.values(), key=lambda s: (s.position, s.slug)):
        buckets.setdefault(symptom.group, []).append(symptom)
    groups = []
    for key, symptoms in buckets.items():
        ordered = sorted(symptoms, key=lambda s: (s.slug not in relevant, s.position))
        groups.append(
            (
                -sum(s.slug in relevant for s in symptoms),
                SymptomGroupView(
                    key=key.replace(" ", "-"),
                    label=str(group_labels.get(key, key)),
                    choices=tuple(SymptomChoice(s.slug, say(s.label, language), s.slug in selected) for s in ordered),
                ),
            )
        )
    groups.sort(key=lambda pair: pair[0])
    return [group for _, group in groups]


@dataclass(frozen=True)
class TimelineBar:
    name: str
    description: str
    until: int
    width: float  # percent of the axis, from day 0
    reported: bool
    overdue: bool  # reported and still there after the day it usually settles


@dataclass(frozen=True)
class Timeline:
    """The procedure's expected effects as bars over the days after treatment, today marked."""

    day: int
    axis_max: int
    today_at: float  # percent of the axis
    ticks: tuple[tuple[int, float], ...]  # (day, percent)
    bars: tuple[TimelineBar, ...]


# Tick spacings a patient reads easily: days, then weeks, then months.
_TICK_STEPS = (1, 2, 7, 14, 28, 30, 60, 90, 180, 365)
_MAX_TICKS = 6
_MIN_BAR = 1.5  # percent, so an effect that is gone the same day still shows as a sliver


def _axis(longest: int) -> tuple[int, int]:
    """A round axis length that covers `longest` days, and its tick spacing."""
    need = max(longest, 1)
    for step in _TICK_STEPS:
        if -(-need // step) <= _MAX_TICKS:
            return -(-need // step) * step, step
    step = _TICK_STEPS[-1] * (-(-need // (_TICK_STEPS[-1] * _MAX_TICKS)))
    return -(-need // step) * step, step


def recovery_timeline(procedure: Procedure, day: int, reported: frozenset[str], language: str) -> Timeline | None:
    """Bars from day 0 to each expected effect's `normal_until_day`, shortest first.

    The axis always reaches today, so a patient past every bar sees today beyond them.
    """
    effects = sorted(procedure.expected_effects, key=lambda e: (e.normal_until_day, e.slug))
    if not effects:
        return None
    axis_max, step = _axis(max([e.normal_until_day for e in effects] + [day]))

    def at(value: int) -> float:
        return round(100 * value / axis_max, 2)

    bars = []
    for e in effects:
        has_it = bool(e.symptoms & reported)
        bars.append(
            TimelineBar(
                name=say(e.name, language),
                description=say(e.description, language),
                until=e.normal_until_day,
                width=max(at(e.normal_until_day), _MIN_BAR),
                reported=has_it,
                overdue=has_it and day > e.normal_until_day,
            )
        )
    return Timeline(
        day=day,
        axis_max=axis_max,
        today_at=at(day),
        ticks=tuple((d, at(d)) for d in range(0, axis_max + 1, step)),
        bars=tuple(bars),
    )


def trend_label(trend: str | None) -> str:
    return next((_(t.label) for t in TRENDS_SPEC if t.value == trend), "")


def result_context(
    kb: KnowledgeBase,
    answers: Answers,
    assessment: ShownAssessment,
    language: str,
    *,
    checked_at: datetime | None = None,
    treatment_date: date | None = None,
    denied: tuple[str, ...] = (),
) -> dict:
    procedure = kb.procedures[answers.procedure]
    checked_at = checked_at or timezone.localtime()
    spec = level(assessment.urgency)
    return {
        "assessment": assessment,
        "level": spec,  # templates ask the level's spec, never its name
        "card": care_card(kb, answers.procedure, assessment, current_clinic(), checked_at, language),
        "procedure_name": say(procedure.name, language),
        "day": answers.days_since_treatment,
        "area_name": say(kb.areas[answers.area].name, language) if answers.area in kb.areas else None,
        "trend": answers.trend,
        "trend_label": trend_label(answers.trend),
        "treatment_date": treatment_date,
        "checked_at": checked_at,
        "timeline": recovery_timeline(procedure, answers.days_since_treatment, answers.symptoms, language),
        "reported": [
            say(kb.symptoms[s].label, language) for s in sorted(answers.symptoms, key=lambda s: kb.symptoms[s].position)
        ],
        "denied": [say(kb.symptoms[s].label, language) for s in denied],
        "risk_factors": [say(kb.risk_factors[r].label, language) for r in sorted(answers.risk_factors)],
        "red_flag_labels": [say(kb.symptoms[s].label, language) for s in assessment.red_flags],
        "no_symptoms_title": _("You did not report any symptoms"),
    }


@dataclass(frozen=True)
class ClinicMoment:
    """A time, as the result sees it: only whether the clinic is open then and when it next opens
    change what a care card says, so two moments that agree on both give the same card (and share
    a memoised result)."""

    at: datetime
    is_open: bool | None
    next_opening: datetime | None

    @classmethod
    def of(cls, at: datetime) -> ClinicMoment:
        clinic = current_clinic()
        return cls(at, clinic.is_open(at), clinic.next_opening(at))

    def __hash__(self) -> int:
        return hash((self.is_open, self.next_opening))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ClinicMoment) and (self.is_open, self.next_opening) == (
            other.is_open,
            other.next_opening,
        )


@dataclass(frozen=True)
class ResultBody:
    """The part of the result page that follows from the answers (templates/procedures/_result_body.html)."""

    html: str
    context: Mapping[str, Any]  # what it was rendered from (the page around it reads the card and the assessment)


@per_snapshot("PAGE_MEMO_SIZE")
def _result_body(
    kb: KnowledgeBase,
    answers: Answers,
    language: str,
    clinic: SameClinic,
    moment: ClinicMoment,
    treatment_date: date | None,
    denied: tuple[str, ...],
) -> ResultBody:
    assessment = shown_assessment(kb, answers, language)
    context = result_context(
        kb, answers, assessment, language, checked_at=moment.at, treatment_date=treatment_date, denied=denied
    )
    facts = clinic.clinic
    context |= {
        "CLINIC_NAME": facts.display_name,
        "CLINIC_PHONE": facts.daytime_phone,
        "EMERGENCY_NUMBER": facts.emergency_number,
    }
    return ResultBody(render_to_string("procedures/_result_body.html", context), MappingProxyType(context))


def result_body(
    kb: KnowledgeBase,
    answers: Answers,
    language: str,
    *,
    at: datetime,
    treatment_date: date | None,
    denied: tuple[str, ...],
) -> ResultBody:
    """The result page's body for these answers, rendered once per answer set, language, clinic
    facts and clinic state (open or closed) for each release, then reused."""
    return _result_body(kb, answers, language, same_clinic(), ClinicMoment.of(at), treatment_date, denied)


@per_snapshot("PAGE_MEMO_SIZE")
def _blank_treatment_form(kb: KnowledgeBase, language: str, initial: tuple[tuple[str, Any], ...]) -> str:
    return render_crispy_form(TreatmentForm(initial=dict(initial) or None, kb=kb, language=language))


def treatment_form_html(form, kb: KnowledgeBase, language: str) -> str:
    """The treatment step's fields (crispy forms), rendered once per release, language and saved
    answers when the form is blank; a submitted form, with its errors, is rendered as it is."""
    if form.is_bound:
        return render_crispy_form(form)
    return _blank_treatment_form(kb, language, tuple(sorted((form.initial or {}).items())))
