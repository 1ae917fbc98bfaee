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

from .presentation import SymptomChoice, SymptomGroupView, relevant_symptoms, symptom_groups
from .triage import Answers, KnowledgeBase, assess
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


def treatment_red_flags(kb: KnowledgeBase, procedure_slug: str) -> tuple[str, ...]:
    """This treatment's own urgent and emergency signs, emergencies first, that the first screen
    (red flags after any treatment) did not already ask."""
    procedure = kb.procedures[procedure_slug]
    asked = set(kb.emergency_screen_symptoms)
    found: dict[str, int] = {}
    for slug, link in procedure.links.items():
        comp = kb.complications.get(slug)
        if comp is None or not link.explicit:
            continue
        for sign in comp.warning_signs:
            if procedure_slug in sign.except_procedures or not at_least(sign.urgency, URGENT.value):
                continue
            if sign.symptom not in asked:
                rank = 0 if sign.urgency != URGENT.value else 1
                found[sign.symptom] = min(found.get(sign.symptom, rank), rank)
    order = sorted(found, key=lambda s: (found[s], kb.symptoms[s].position, s) if s in kb.symptoms else (9, 0, s))
    return tuple(s for s in order if s in kb.symptoms)[:MAX_TREATMENT_RED_FLAGS]


def _serious_signs(kb: KnowledgeBase, procedure_slug: str) -> set[str]:
    """Symptoms that are an urgent or emergency sign of a complication of this treatment."""
    procedure = kb.procedures[procedure_slug]
    serious: set[str] = set(kb.emergency_screen_symptoms)
    for slug in procedure.links:
        comp = kb.complications.get(slug)
        if comp is not None:
            serious |= {
                sign.symptom
                for sign in comp.warning_signs
                if at_least(sign.urgency, URGENT.value) and procedure_slug not in sign.except_procedures
            }
    return serious


def common_symptoms(kb: KnowledgeBase, procedure_slug: str, exclude: set[str]) -> tuple[str, ...]:
    """What patients most often notice after this treatment: its expected effects' symptoms, then
    the milder symptoms its complications name. A serious sign is never listed as "common": it is
    asked among the red flags, or waits under "More symptoms"."""
    procedure = kb.procedures[procedure_slug]
    expected = [s for effect in procedure.expected_effects for s in sorted(effect.symptoms)]
    ordered = list(dict.fromkeys(expected))
    milder = relevant_symptoms(kb, procedure_slug) - set(ordered) - _serious_signs(kb, procedure_slug)
    ordered += sorted(milder, key=lambda s: kb.symptoms[s].position)
    return tuple(s for s in ordered if s in kb.symptoms and s not in exclude)[:MAX_COMMON]


def symptom_sections(kb: KnowledgeBase, procedure_slug: str, language: str, selected: set[str]) -> SymptomSections:
    red_flags = treatment_red_flags(kb, procedure_slug)
    common = common_symptoms(kb, procedure_slug, set(red_flags))
    shown = set(red_flags) | set(common)

    def choices(slugs: tuple[str, ...]) -> tuple[SymptomChoice, ...]:
        return tuple(SymptomChoice(s, say(kb.symptoms[s].label, language), s in selected) for s in slugs)

    more = tuple(
        SymptomGroupView(group.key, group.label, tuple(c for c in group.choices if c.slug not in shown))
        for group in symptom_groups(kb, procedure_slug, language, selected)
    )
    return SymptomSections(choices(red_flags), choices(common), tuple(g for g in more if g.choices))


# --- Follow-up questions ----------------------------------------------------------------------


@dataclass(frozen=True)
class FollowUps:
    """The follow-up questions worth asking for these answers (empty: skip the step)."""

    ask_onset: bool
    risk_factors: tuple[str, ...]
    ask_already_seen: bool

    def __bool__(self) -> bool:
        return self.ask_onset or bool(self.risk_factors) or self.ask_already_seen


def _level(kb: KnowledgeBase, answers: Answers) -> str:
    return assess(kb, answers).urgency


def follow_ups(kb: KnowledgeBase, answers: Answers) -> FollowUps:
    """Which questions could change the result for these answers."""
    if not answers.symptoms:
        return FollowUps(False, (), False)
    now = _level(kb, answers)
    # "When did this start?": only when a symptom that began later would be read differently,
    # i.e. an immediate after-effect would otherwise explain it.
    started_today = replace(answers, symptoms_started_day=answers.days_since_treatment)
    ask_onset = answers.days_since_treatment > 1 and _level(kb, started_today) != now
    factors = tuple(
        slug
        for slug, _factor in sorted(kb.risk_factors.items(), key=lambda item: (item[1].position, item[0]))
        if slug not in answers.risk_factors
        and _level(kb, replace(answers, risk_factors=answers.risk_factors | {slug})) != now
    )
    return FollowUps(ask_onset, factors, ask_already_seen=now == SOON.value)
