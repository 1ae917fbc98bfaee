"""The closed vocabularies of triage, each declared once: urgency levels, routes, trends,
evidence grades and frequency bands.

Everything else reads them from here: the engine (order and comparisons), the models (field
choices), admin (icons), the API (allowed values), the questionnaire (trend choices), the
follow-up queue (contact targets and who is alerted) and the patient pages (what a result shows,
which colour tone its banner takes). Templates and CSS never name a level: presentation asks the
level's spec.

Pure Python, no Django: labels are English message ids marked with `_` so that `makemessages`
collects them; the Django layers translate them with gettext when they show them.

Adding a level or a route: see docs/architecture.md ("Adding a level or a route").
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType


def _(message: str) -> str:
    """Mark a message id for translation (collected by makemessages, translated by the caller)."""
    return message


@dataclass(frozen=True)
class UrgencyLevel:
    """How fast the patient should act. `rank` orders levels: higher is more urgent."""

    value: str
    rank: int
    label: str  # short name, e.g. in admin lists
    title: str  # the result's heading, in words ("Emergency: call {emergency_number} now")
    lead: str  # one sentence before a complication's own advice
    guidance: str  # what to do now, when no complication's own advice fits
    icon: str  # a glyph for staff lists (admin), beside the words, never instead of them
    symbol: str  # the inline SVG patients see beside the words (templates/procedures/_icon.html)
    tone: str  # colour tone of the result banner (CSS `.tone-…` in static/css/app.css)
    contact_target_minutes: int  # default of how soon the clinic aims to call back
    alerts_staff: bool  # a contact request at this level e-mails staff at once
    same_day: bool  # the patient needs care today, from the clinic or elsewhere
    calls_emergency_number: bool  # the result offers a button that dials the emergency number
    involves_clinic: bool  # the result names the clinic and its phone
    warns_to_escalate: bool  # the result says when to call the clinic today instead
    shows_complication_care: bool  # the likeliest complication's care is shown under it

    def __str__(self) -> str:
        return self.value


SELF_CARE = UrgencyLevel(
    value="self_care",
    rank=0,
    label=_("Self-care"),
    title=_("Self-care: this is expected after your treatment"),
    lead=_("This is expected after your treatment."),
    guidance=_(
        "What you describe is expected after this treatment. Follow your aftercare and mention it at your next "
        "visit. Use this checker again if anything changes."
    ),
    icon="✓",
    symbol="check",
    tone="calm",
    contact_target_minutes=3 * 24 * 60,
    alerts_staff=False,
    same_day=False,
    calls_emergency_number=False,
    involves_clinic=False,
    warns_to_escalate=True,
    shows_complication_care=True,
)
SOON = UrgencyLevel(
    value="soon",
    rank=1,
    label=_("Soon"),
    title=_("Soon: contact your clinic in the next 2–3 days"),
    lead=_("Contact your clinic within the next 2–3 days."),
    guidance=_("Contact the clinic that treated you within the next 2–3 days."),
    icon="☎",
    symbol="phone",
    tone="notice",
    contact_target_minutes=24 * 60,
    alerts_staff=False,
    same_day=False,
    calls_emergency_number=False,
    involves_clinic=True,
    warns_to_escalate=True,
    shows_complication_care=False,
)
URGENT = UrgencyLevel(
    value="urgent",
    rank=2,
    label=_("Urgent"),
    title=_("Urgent: get medical advice today"),
    lead=_("Get medical advice today."),
    guidance=_(
        "Contact the clinic that treated you or a doctor today, within the next few hours. If you cannot reach "
        "them, go to urgent care."
    ),
    icon="⚠",
    symbol="alert",
    tone="warning",
    contact_target_minutes=60,
    alerts_staff=True,
    same_day=True,
    calls_emergency_number=False,
    involves_clinic=True,
    warns_to_escalate=False,
    shows_complication_care=False,
)
EMERGENCY = UrgencyLevel(
    value="emergency",
    rank=3,
    label=_("Emergency"),
    title=_("Emergency: call {emergency_number} now"),
    lead=_("Call {emergency_number} now or go to the nearest emergency department."),
    guidance=_(
        "Call {emergency_number} now or go to the nearest emergency department. Do not drive yourself. If you "
        "can, also call the clinic that treated you."
    ),
    icon="⛑",
    symbol="emergency",
    tone="danger",
    contact_target_minutes=15,
    alerts_staff=True,
    same_day=True,
    calls_emergency_number=True,
    involves_clinic=True,
    warns_to_escalate=False,
    shows_complication_care=False,
)

URGENCY_LEVELS: tuple[UrgencyLevel, ...] = (SELF_CARE, SOON, URGENT, EMERGENCY)
"""Lowest first: the order of ranks."""

LEVELS: tuple[str, ...] = tuple(level.value for level in URGENCY_LEVELS)
LEVEL_RANK: Mapping[str, int] = MappingProxyType({level.value: level.rank for level in URGENCY_LEVELS})
LEVEL_BY_VALUE: Mapping[str, UrgencyLevel] = MappingProxyType({level.value: level for level in URGENCY_LEVELS})
LOWEST_LEVEL = SELF_CARE.value


def level(value: str) -> UrgencyLevel:
    """The spec of a level value (KeyError for an unknown one)."""
    return LEVEL_BY_VALUE[value]


def higher(a: str, b: str) -> str:
    """The more urgent of two levels."""
    return a if LEVEL_RANK[a] >= LEVEL_RANK[b] else b


def at_least(value: str, floor: str) -> bool:
    """Whether level `value` is `floor` or more urgent."""
    return LEVEL_RANK[value] >= LEVEL_RANK[floor]


def one_level_down(value: str, *, not_below: str) -> str:
    """The next lower level, but never below `not_below` (a level already at or below it stays)."""
    rank = LEVEL_RANK[value]
    if rank <= LEVEL_RANK[not_below]:
        return value
    return LEVELS[rank - 1]


def one_level_up(value: str, steps: int = 1) -> str:
    """The level `steps` higher (the highest stays)."""
    return LEVELS[min(LEVEL_RANK[value] + steps, len(LEVELS) - 1)]


@dataclass(frozen=True)
class Route:
    """Where the patient should go first, beside how fast (contract 1.1 `route`), and what to do
    when that place cannot be reached in time (`fallback`, the default of `route_fallback`;
    knowledge-base links and rules may say it more precisely)."""

    value: str
    label: str
    fallback: str
    # The heading of an emergency result sent here, when the level's own ("call the emergency
    # number now") would contradict where the patient should call first.
    emergency_title: str | None = None


EMERGENCY_SERVICES = Route(
    "emergency_services",
    _("Emergency services"),
    _("If you cannot get through, go straight to the nearest emergency department. Do not drive yourself."),
)
TREATING_CLINIC_NOW = Route(
    "treating_clinic_now",
    _("The clinic that treated you, now"),
    _(
        "If nobody answers within {answer_minutes} minutes, go to the nearest emergency department or call "
        "{emergency_number}. Show them the name of the product you were given."
    ),
    emergency_title=_("Emergency: call the clinic that treated you now"),
)
CLINIC_TODAY = Route(
    "clinic_today",
    _("The clinic that treated you, today"),
    _("If the clinic is closed or you cannot reach it today, go to an urgent care centre or see a doctor today."),
)
CLINIC_WITHIN_DAYS = Route(
    "clinic_within_days",
    _("The clinic that treated you, within days"),
    _("If you cannot reach the clinic within 2–3 days, see your own doctor."),
)
SELF_CARE_ROUTE = Route(
    "self_care",
    _("Care at home"),
    _("If anything gets worse or you are worried, call the clinic or use this checker again."),
)
ROUTES: tuple[Route, ...] = (EMERGENCY_SERVICES, TREATING_CLINIC_NOW, CLINIC_TODAY, CLINIC_WITHIN_DAYS, SELF_CARE_ROUTE)
ROUTE_VALUES: tuple[str, ...] = tuple(route.value for route in ROUTES)
ROUTE_BY_VALUE: Mapping[str, Route] = MappingProxyType({route.value: route for route in ROUTES})
# Where each level sends the patient unless the knowledge base says otherwise (brief 8.1).
DEFAULT_ROUTE: Mapping[str, str] = MappingProxyType(
    {
        "emergency": EMERGENCY_SERVICES.value,
        "urgent": CLINIC_TODAY.value,
        "soon": CLINIC_WITHIN_DAYS.value,
        "self_care": SELF_CARE_ROUTE.value,
    }
)


@dataclass(frozen=True)
class Trend:
    """How the patient says the symptoms are going."""

    value: str
    label: str


TRENDS_SPEC: tuple[Trend, ...] = (
    Trend("improving", _("Getting better")),
    Trend("unchanged", _("About the same")),
    Trend("worsening", _("Getting worse")),
)
TRENDS: tuple[str, ...] = tuple(trend.value for trend in TRENDS_SPEC)
IMPROVING, UNCHANGED, WORSENING = TRENDS


@dataclass(frozen=True)
class EvidenceGrade:
    value: str
    label: str


EVIDENCE_GRADES: tuple[EvidenceGrade, ...] = (
    EvidenceGrade("A", _("A: regulatory or peer-reviewed")),
    EvidenceGrade("B", _("B: professional summary or textbook")),
    EvidenceGrade("C", _("C: clinic or consumer page")),
    EvidenceGrade("D", _("D: unreliable, cited only to say so")),
)


@dataclass(frozen=True)
class FrequencyBand:
    """How often a complication follows a procedure; `rank` breaks ties between equal scores."""

    value: str
    label: str
    rank: int


FREQUENCY_BANDS: tuple[FrequencyBand, ...] = (
    FrequencyBand("common", _("Common"), 4),
    FrequencyBand("uncommon", _("Uncommon"), 3),
    FrequencyBand("rare", _("Rare"), 2),
    FrequencyBand("very_rare", _("Very rare"), 1),
    # Not knowing how often ranks like "rare": it neither promotes nor buries a complication.
    FrequencyBand("unknown", _("Unknown"), 2),
)
FREQUENCY_RANK: Mapping[str, int] = MappingProxyType({band.value: band.rank for band in FREQUENCY_BANDS})
UNKNOWN_FREQUENCY = "unknown"
