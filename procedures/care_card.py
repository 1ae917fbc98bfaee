"""The result as a care card: one action, where to call, when to call back, and one cause's care.

Modelled on the NHS design system's care cards: the first phone screen holds the level, one
action with a large tap-to-call button for the right number, and a few short "call … if …"
lines. The action follows the route (contract 1.1) and the clinic's settings now: when the clinic
is closed, a clinic route goes to its after-hours line or to urgent care; "treating clinic now"
says how long to wait for an answer and what to do after.

Advice comes from the route and from the one complication behind the level; other possibilities
are listed (at most three, with how likely each is) without their aftercare, so their advice
cannot contradict each other (procedures/advice_conflicts.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import formats
from django.utils.translation import gettext as _

from .advice_conflicts import sentences
from .clinic import Clinic
from .triage import KnowledgeBase
from .triage.scales import (
    CLINIC_TODAY,
    CLINIC_WITHIN_DAYS,
    EMERGENCY_SERVICES,
    FREQUENCY_BANDS,
    LOWEST_LEVEL,
    TREATING_CLINIC_NOW,
    UNKNOWN_FREQUENCY,
    level,
)
from .wording import ShownAssessment, ShownComplication, say

MAX_CAUSES = 3
MAX_CALL_IF = 5
# A cause scoring at least this share of the likeliest one's score is "also possible".
_ALSO_POSSIBLE_SHARE = 0.5


@dataclass(frozen=True)
class Call:
    label: str
    number: str


@dataclass(frozen=True)
class Action:
    advice: str  # what to do now (the engine's guidance)
    call: Call | None  # the one button; None when there is no number to call
    notice: str  # the clinic's state when it changes the action ("The clinic is closed now …")
    if_no_answer: str  # the route's fallback


@dataclass(frozen=True)
class Cause:
    name: str
    likelihood: str
    how_often: str  # after the chosen treatment, in words; "" when not known
    explanation: str
    evidence_note: str  # only when it is about the chosen treatment


@dataclass(frozen=True)
class CareCard:
    action: Action
    call_if: tuple[str, ...]
    care: str  # the care of the complication behind the level, or ""
    causes: tuple[Cause, ...]
    offers_contact_request: bool  # never beside an action that must not wait


def care_card(
    kb: KnowledgeBase, procedure: str, assessment: ShownAssessment, clinic: Clinic, at: datetime, language: str
) -> CareCard:
    spec = level(assessment.urgency)
    driver = _driver(assessment)
    must_act_now = spec.calls_emergency_number or assessment.route == TREATING_CLINIC_NOW.value
    return CareCard(
        action=_action(assessment, clinic, at),
        call_if=() if spec.calls_emergency_number else _call_if(kb, assessment, driver, clinic, language),
        care=say(kb.complications[driver.slug].self_care, language) if driver is not None else "",
        causes=_causes(kb, procedure, assessment, driver, language),
        offers_contact_request=not must_act_now,
    )


def _driver(assessment: ShownAssessment) -> ShownComplication | None:
    """The complication behind the level, as the engine chose it: the one whose care the card gives."""
    return next((c for c in assessment.complications if c.slug == assessment.driver), None)


# --- One action --------------------------------------------------------------------------------


def _action(assessment: ShownAssessment, clinic: Clinic, at: datetime) -> Action:
    route, fallback = assessment.route, assessment.route_fallback
    emergency = Call(_("Call %(number)s") % {"number": clinic.emergency_number}, clinic.emergency_number)
    clinic_call = Call(_("Call %(clinic)s") % {"clinic": clinic.display_name}, clinic.daytime_phone)
    on_call = Call(_("Call the after-hours line"), clinic.on_call_phone) if clinic.on_call_phone else None
    advice = assessment.guidance
    if route == EMERGENCY_SERVICES.value:
        return Action(advice, emergency, "", fallback)
    closed = clinic.is_open(at) is False
    if route == TREATING_CLINIC_NOW.value:
        if not closed:
            return Action(advice, clinic_call, "", fallback)
        if on_call is not None:
            return Action(advice, on_call, _("The clinic is closed now. Call its after-hours line."), fallback)
        return Action(advice, emergency, _("The clinic is closed now, so do not wait for it."), fallback)
    if route == CLINIC_TODAY.value and closed:
        if on_call is not None:
            return Action(advice, on_call, _("The clinic is closed now. Call its after-hours line."), fallback)
        care = clinic.urgent_care
        if care is not None:
            where = ", ".join(part for part in (care.name, care.address) if part)
            call = (
                Call(_("Call %(place)s") % {"place": care.name or _("urgent care")}, care.phone) if care.phone else None
            )
            return Action(
                advice, call, _("The clinic is closed now. Go to urgent care today: %(where)s.") % {"where": where}, ""
            )
        return Action(advice, None, _("The clinic is closed now."), fallback)
    if route in (CLINIC_TODAY.value, CLINIC_WITHIN_DAYS.value):
        notice = _opens_again(clinic, at) if closed else ""
        return Action(advice, clinic_call, notice, fallback)
    return Action(advice, None, "", fallback)


def _opens_again(clinic: Clinic, at: datetime) -> str:
    opening = clinic.next_opening(at)
    if opening is None:
        return _("The clinic is closed now.")
    return _("The clinic is closed now. It opens on %(day)s at %(time)s.") % {
        "day": formats.date_format(opening, "l"),
        "time": formats.time_format(opening, "TIME_FORMAT"),
    }


# --- A contact request's promise ---------------------------------------------------------------


def callback_promise(clinic: Clinic, urgency: str, at: datetime) -> str:
    """When a patient who asked to be contacted should expect the call, and what to do if it does
    not come. The clinic's promise counts from now, or from when it next opens if it is closed."""
    start = at
    if clinic.is_open(at) is False:
        start = clinic.next_opening(at) or at
    deadline = (start + timedelta(minutes=clinic.callback_for(urgency))).astimezone(clinic.time_zone)
    time_of_day = formats.time_format(deadline, "TIME_FORMAT")
    if deadline.date() == at.astimezone(clinic.time_zone).date():
        expect = _("The clinic aims to contact you today by %(time)s.") % {"time": time_of_day}
    else:
        expect = _("The clinic aims to contact you by %(day)s at %(time)s.") % {
            "day": formats.date_format(deadline, "l"),
            "time": time_of_day,
        }
    return " ".join(
        (
            expect,
            _("If nobody has contacted you by then, call %(clinic)s on %(phone)s.")
            % {"clinic": clinic.display_name, "phone": clinic.daytime_phone},
        )
    )


# --- "Call … if …" -----------------------------------------------------------------------------


def _call_if(
    kb: KnowledgeBase, assessment: ShownAssessment, driver: ShownComplication | None, clinic: Clinic, language: str
) -> tuple[str, ...]:
    """When to get help faster: the driving complication's own escalation first, then the signs
    that always mean the emergency number, and when a quieter result needs the clinic today."""
    lines: list[str] = []
    if driver is not None:
        lines += sentences(say(kb.complications[driver.slug].escalation, language))
    lines.append(
        _(
            "Call %(number)s at once if you have trouble breathing or swallowing, chest pain, a drooping face, "
            "slurred speech, sudden vision loss, confusion, or a fever with feeling very unwell."
        )
        % {"number": clinic.emergency_number}
    )
    if level(assessment.urgency).warns_to_escalate:
        lines.append(
            _(
                "Call the clinic today if symptoms get worse instead of better, redness spreads, you get a fever, "
                "or pain becomes severe."
            )
        )
    unique = list(dict.fromkeys(line for line in lines if line))
    return tuple(unique[:MAX_CALL_IF])


# --- What it might be --------------------------------------------------------------------------


def _causes(
    kb: KnowledgeBase, procedure: str, assessment: ShownAssessment, driver: ShownComplication | None, language: str
) -> tuple[Cause, ...]:
    """At most three, most likely first; the one behind the level is always among them."""
    if assessment.urgency == LOWEST_LEVEL:
        return ()  # an expected recovery: the timeline explains it, not a list of what it is not
    listed = list(assessment.complications[:MAX_CAUSES])
    if driver is not None and driver not in listed:
        listed[-1] = driver
    if not listed:
        return ()
    top = max(listed[0].score, 1e-9)
    return tuple(
        Cause(
            name=c.name,
            likelihood=_likelihood(i, c.score / top),
            how_often=_how_often(kb, procedure, c.slug),
            explanation=c.explanation,
            evidence_note=_evidence_about(kb, procedure, c.slug, language),
        )
        for i, c in enumerate(listed)
    )


def _likelihood(position: int, share_of_top: float) -> str:
    if position == 0:
        return _("Most likely")
    return _("Also possible") if share_of_top >= _ALSO_POSSIBLE_SHARE else _("Less likely")


def _how_often(kb: KnowledgeBase, procedure: str, complication: str) -> str:
    link = kb.procedures[procedure].links.get(complication)
    if link is None or link.frequency_band == UNKNOWN_FREQUENCY:
        return ""
    band = next(b for b in FREQUENCY_BANDS if b.value == link.frequency_band)
    return _("After this treatment it is %(band)s.") % {"band": _(band.label).lower()}


def _evidence_about(kb: KnowledgeBase, procedure: str, complication: str, language: str) -> str:
    """A complication's evidence note, only when that complication is known after this treatment
    alone: a note shared by several treatments speaks of the others (a filler result must not
    cite the Kybella label)."""
    note = kb.complications[complication].evidence_note
    alone = kb.procedures_linked.get(complication) == {procedure}
    return say(note, language) if alone and note.get(language) else ""
