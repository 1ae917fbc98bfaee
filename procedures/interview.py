"""What the questionnaire asks, worked out from the knowledge base (so staff edit it as data).

- **Red flags of the chosen treatment first.** After the treatment step, the symptoms page opens
  with that treatment's own warning signs of an urgent or emergency level (a white or mottled
  patch after filler, dark urine after muscle stimulation), before anything else about it.
- **The symptoms that matter for this treatment next**, about a dozen: those its expected effects
  and complications name. Every other symptom waits behind "More symptoms", grouped by kind.
- **Follow-up questions only when the answer can change the result.** Each candidate question
  (when the symptoms began, facts about the patient and the treatment, whether a clinician has
  already seen this) is asked only if some answer to it would give a different level than not
  asking: the engine is run on each answer, which costs microseconds. The common case, where
  nothing would change, skips the follow-up step entirely.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import lru_cache

from django.template.loader import render_to_string

from .presentation import SymptomChoice, SymptomGroupView, relevant_symptoms, symptom_groups
from .snapshot_memo import per_snapshot
from .triage import Answers, KnowledgeBase, assess
from .triage.knowledge import RiskFactor
from .triage.scales import SOON, URGENT, at_least
from .wording import say

MAX_TREATMENT_RED_FLAGS = 10
MAX_COMMON = 10


@dataclass(frozen=True)
class SymptomSections:
    """The symptoms page: the treatment's red flags, its common symptoms, and the rest."""

    red_flags: tuple[SymptomChoice, ...]
    common: tuple[SymptomChoice, ...]
    more: tuple[SymptomGroupView, ...]

    @property
    def more_is_open(self) -> bool:
        """Open "More symptoms" when the patient already ticked something inside it."""
        return any(choice.checked for group in self.more for choice in group.choices)


def _urgent_signs(kb: KnowledgeBase, procedure_slug: str, *, explicit_only: bool) -> dict[str, int]:
    """The symptoms that are an urgent or emergency sign of a complication of this treatment, each
    with 0 when it is an emergency sign and 1 when only urgent (cross-cutting complications are
    left out with `explicit_only`)."""
    procedure = kb.procedures[procedure_slug]
    found: dict[str, int] = {}
    for slug, link in procedure.links.items():
        comp = kb.complications.get(slug)
        if comp is None or (explicit_only and not link.explicit):
            continue
        for sign in comp.warning_signs:
            if procedure_slug in sign.except_procedures or not at_least(sign.urgency, URGENT.value):
                continue
            rank = 0 if sign.urgency != URGENT.value else 1
            found[sign.symptom] = min(found.get(sign.symptom, rank), rank)
    return found


def treatment_red_flags(kb: KnowledgeBase, procedure_slug: str) -> tuple[str, ...]:
    """This treatment's own urgent and emergency signs, emergencies first, that the first screen
    (red flags after any treatment) did not already ask."""
    asked = set(kb.emergency_screen_symptoms)
    found = {s: rank for s, rank in _urgent_signs(kb, procedure_slug, explicit_only=True).items() if s not in asked}
    order = sorted((s for s in found if s in kb.symptoms), key=lambda s: (found[s], kb.symptoms[s].position, s))
    return tuple(order)[:MAX_TREATMENT_RED_FLAGS]


def denied_red_flags(kb: KnowledgeBase, answers: Answers, ticked_on_screen: frozenset[str]) -> tuple[str, ...]:
    """The serious signs the patient was asked about and said they do not have (the first
    screen's and this treatment's own), for the printout a clinician reads."""
    asked = (*kb.emergency_screen_symptoms, *treatment_red_flags(kb, answers.procedure))
    said_yes = answers.symptoms | ticked_on_screen
    return tuple(s for s in dict.fromkeys(asked) if s not in said_yes)


def common_symptoms(kb: KnowledgeBase, procedure_slug: str, exclude: set[str]) -> tuple[str, ...]:
    """What patients most often notice after this treatment: its expected effects' symptoms, then
    the milder symptoms its complications name. A serious sign is never listed as "common": it is
    asked among the red flags, or waits under "More symptoms"."""
    procedure = kb.procedures[procedure_slug]
    expected = [s for effect in procedure.expected_effects for s in sorted(effect.symptoms)]
    ordered = list(dict.fromkeys(expected))
    serious = set(kb.emergency_screen_symptoms) | set(_urgent_signs(kb, procedure_slug, explicit_only=False))
    milder = relevant_symptoms(kb, procedure_slug) - set(ordered) - serious
    ordered += sorted(milder, key=lambda s: kb.symptoms[s].position)
    return tuple(s for s in ordered if s in kb.symptoms and s not in exclude)[:MAX_COMMON]


@lru_cache(maxsize=256)
def _shown_first(kb: KnowledgeBase, procedure_slug: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The treatment's red flags and common symptoms, worked out once per snapshot and treatment
    (a snapshot is immutable, and a new release is a new snapshot)."""
    red_flags = treatment_red_flags(kb, procedure_slug)
    return red_flags, common_symptoms(kb, procedure_slug, set(red_flags))


def symptom_sections(kb: KnowledgeBase, procedure_slug: str, language: str, selected: set[str]) -> SymptomSections:
    red_flags, common = _shown_first(kb, procedure_slug)
    shown = set(red_flags) | set(common)

    def choices(slugs: tuple[str, ...]) -> tuple[SymptomChoice, ...]:
        return tuple(SymptomChoice(s, say(kb.symptoms[s].label, language), s in selected) for s in slugs)

    more = tuple(
        SymptomGroupView(group.key, group.label, tuple(c for c in group.choices if c.slug not in shown))
        for group in symptom_groups(kb, procedure_slug, language, selected)
    )
    return SymptomSections(choices(red_flags), choices(common), tuple(g for g in more if g.choices))


@dataclass(frozen=True)
class SymptomFieldsets:
    """The symptom checkboxes of the symptoms step (templates/procedures/_symptom_fieldsets.html)."""

    html: str
    first: str  # the first checkbox's slug, where an error message links to


@per_snapshot("PAGE_MEMO_SIZE")
def _symptom_fieldsets(
    kb: KnowledgeBase, procedure_slug: str, language: str, selected: frozenset[str], invalid: bool
) -> SymptomFieldsets:
    sections = symptom_sections(kb, procedure_slug, language, set(selected))
    context = {
        "sections": sections,
        "invalid": invalid,
        "procedure_name": say(kb.procedures[procedure_slug].name, language),
    }
    first = (sections.common or sections.red_flags)[0].slug if (sections.common or sections.red_flags) else ""
    return SymptomFieldsets(render_to_string("procedures/_symptom_fieldsets.html", context), first)


def symptom_fieldsets(
    kb: KnowledgeBase, procedure_slug: str, language: str, selected: set[str], *, invalid: bool
) -> SymptomFieldsets:
    """The symptoms step's checkboxes for this treatment, rendered once per release, language,
    ticked set and error state, then reused."""
    return _symptom_fieldsets(kb, procedure_slug, language, frozenset(selected), invalid)


# --- Follow-up questions ----------------------------------------------------------------------


@dataclass(frozen=True)
class FollowUps:
    """The follow-up questions worth asking for these answers (empty: skip the step)."""

    ask_onset: bool
    risk_factors: tuple[str, ...]
    ask_already_seen: bool

    def __bool__(self) -> bool:
        return self.ask_onset or bool(self.risk_factors) or self.ask_already_seen


def _can_change_result(factor: RiskFactor, procedure: str) -> bool:
    """Only an effect that raises a level, sets a floor or changes the fallback, for this
    treatment, can change what the patient is told to do (one that only makes a complication
    likelier changes what is listed): the others are not asked."""
    return any(e.applies_to(procedure) and (e.raise_steps or e.floor or e.route_fallback) for e in factor.effects)


def _result(kb: KnowledgeBase, answers: Answers) -> tuple[object, ...]:
    """What the patient is told to do: how fast, where, and what if that place cannot be reached."""
    assessment = assess(kb, answers)
    return assessment.urgency, assessment.route, assessment.route_fallback


@per_snapshot("ASSESSMENT_MEMO_SIZE")
def follow_ups(kb: KnowledgeBase, answers: Answers) -> FollowUps:
    """Which questions could change the result for these answers (worked out once per answer set
    and release: the symptoms step and the follow-up step both ask)."""
    if not answers.symptoms:
        return FollowUps(False, (), False)
    now = _result(kb, answers)
    procedure = kb.procedures[answers.procedure]
    # "When did this start?": only when a symptom that began later would be read differently,
    # i.e. an immediate after-effect would otherwise explain it (the onset changes nothing else:
    # unknown onset already reads as today).
    started_today = replace(answers, symptoms_started_day=answers.days_since_treatment)
    explainable = any(
        effect.symptoms & answers.symptoms and effect.began_too_late(answers.days_since_treatment)
        for effect in procedure.expected_effects
    )
    ask_onset = explainable and _result(kb, started_today) != now
    candidates = [
        slug
        for slug, factor in sorted(kb.risk_factors.items(), key=lambda item: (item[1].position, item[0]))
        if slug not in answers.risk_factors and _can_change_result(factor, procedure.slug)
    ]
    # Risk factors only ever raise a level or put their own words in the fallback, so when all of
    # them together change nothing, none does alone: one assessment instead of one per risk
    # factor in the common case.
    if candidates and _result(kb, replace(answers, risk_factors=answers.risk_factors | set(candidates))) == now:
        candidates = []
    factors = tuple(
        slug for slug in candidates if _result(kb, replace(answers, risk_factors=answers.risk_factors | {slug})) != now
    )
    return FollowUps(ask_onset, factors, ask_already_seen=now[0] == SOON.value)
