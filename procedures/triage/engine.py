"""The triage engine: a patient's answers in, an explained urgency level out.

Pure Python, no Django, no I/O. `assess(kb, answers)` is the one public entry point; it is
deterministic (same snapshot and answers, same result) and never lowers a level because evidence
is missing. The clinical rules it applies are data in the knowledge base (see
docs/knowledge-base.md); this module only decides how that data combines.

How a level is reached, in order:

1. **Red flags first.** Every combination rule that applies to the procedure, day, area (and
   trend, for the few rules about symptoms getting worse) is checked against *all* reported
   symptoms, normal ones included (swelling after filler is expected, but swelling with a tight
   throat is anaphylaxis). A rule that fires forces its level and lifts its complication's score
   to at least RULE_SCORE.
2. **Expected effects.** A symptom listed by one of the procedure's expected effects is
   *explained* while `day <= normal_until_day` (or, when the patient says it is improving, up to
   the effect's `improving_until_day` if it has one), unless the trend is "worsening" after the
   effect's usual worst day. Past that it is *overdue*: it forces the effect's `level_after` and
   points to the complication the effect `becomes`.
3. **Warning signs.** For each complication linked to the procedure (cross-cutting ones are
   linked to all), every reported symptom that is one of its warning signs counts:
   - at its full weight when the day is inside the link's onset window (widened by a quarter of
     its length, at least one day), forcing the sign's level;
   - at OUT_OF_WINDOW_FACTOR of its weight outside the window, forcing one level less than the
     sign's (never below "soon": the timing makes it less likely, not harmless), except a
     defining sign (weight 1) or a sign of a cross-cutting complication (infection, sepsis,
     anaphylaxis... can follow any treatment at any time), which keep their level;
   - at EXPLAINED_FACTOR of its weight, forcing nothing, when an expected effect explains it.
4. **Scores.** A complication's score is the noisy-OR of its counting weights,
   1 − Π(1 − wᵢ), in 0..1: one strong sign scores high, several weak signs add up without ever
   passing 1. It is multiplied by AREA_FACTOR when the patient names an area the complication
   is not typical for. Complications scoring at least MIN_SCORE, that forced an urgent or
   emergency level, or that are the best explanation of a symptom no expected effect explains,
   are listed, highest first; ties go to the higher level, then to the more frequent
   complication.
5. **Level.** The highest of: fired rules, forced warning-sign levels, overdue effects, and
   "soon" for any reported symptom that nothing in the knowledge base accounts for after this
   procedure on this day (a self-care warning sign accounts for a symptom only inside its
   complication's window). No symptoms and nothing overdue means self-care.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .knowledge import FREQUENCY_RANK, LEVEL_RANK, LEVELS, KnowledgeBase, higher
from .wording import (
    explained_sentence,
    level_guidance,
    level_label,
    overdue_sentence,
    sign_sentence,
    unexplained_sentence,
    usual_duration,
)

ENGINE_VERSION = "1.0.0"

RULE_SCORE = 0.95
EXPLAINED_FACTOR = 0.3
OUT_OF_WINDOW_FACTOR = 0.3
AREA_FACTOR = 0.6
OVERDUE_WEIGHT = 0.5
MIN_SCORE = 0.2
# A sign of weight 1 all but proves its complication (cold-sore blisters, cola-coloured urine
# after muscle stimulation): timing cannot argue with it, so it keeps its level outside the window.
DEFINING_WEIGHT = 1.0
TRENDS = ("improving", "unchanged", "worsening")


class UnknownProcedure(KeyError):
    """The answers name a procedure the snapshot does not have."""


@dataclass(frozen=True)
class Answers:
    procedure: str
    days_since_treatment: int
    symptoms: frozenset[str]
    trend: str | None = None
    area: str | None = None


@dataclass(frozen=True)
class ComplicationFinding:
    slug: str
    name: str
    score: float
    urgency: str
    matched_symptoms: tuple[str, ...]
    explanation: str
    what_to_do: str
    in_window: bool


@dataclass(frozen=True)
class EffectFinding:
    slug: str
    name: str
    description: str
    usual_duration: str
    normal_until_day: int
    symptoms: tuple[str, ...]
    still_normal: bool


@dataclass(frozen=True)
class Reason:
    """One thing that set or supported the level, for the result page's "why"."""

    level: str
    text: str
    symptoms: tuple[str, ...] = ()


@dataclass(frozen=True)
class Assessment:
    urgency: str
    urgency_label: str
    guidance: str
    complications: tuple[ComplicationFinding, ...]
    expected_effects: tuple[EffectFinding, ...]
    overdue_effects: tuple[EffectFinding, ...]
    red_flags: tuple[str, ...]
    unexplained_symptoms: tuple[str, ...]
    reasons: tuple[Reason, ...]
    knowledge_base_version: str
    engine_version: str = ENGINE_VERSION
    language: str = "en"


@dataclass
class _Candidate:
    """Evidence gathered for one complication while assessing."""

    slug: str
    weights: list[float] = field(default_factory=list)
    matched: set[str] = field(default_factory=set)
    level: str = "self_care"
    in_window: bool = True
    rule_text: str = ""

    def add(self, symptom: str, weight: float, level: str) -> None:
        self.weights.append(weight)
        self.matched.add(symptom)
        self.level = higher(self.level, level)

    def score(self) -> float:
        remaining = 1.0
        for weight in self.weights:
            remaining *= 1.0 - min(max(weight, 0.0), 1.0)
        return 1.0 - remaining


def _one_level_down_not_below_soon(level: str) -> str:
    rank = LEVEL_RANK[level]
    if rank <= LEVEL_RANK["soon"]:
        return level
    return LEVELS[rank - 1]


def assess(kb: KnowledgeBase, answers: Answers, language: str = "en") -> Assessment:
    """Triage one patient's answers against a knowledge-base snapshot.

    Raises UnknownProcedure if the procedure is not in the snapshot; symptom, area and trend
    values are expected to have been validated by the caller (unknown symptoms are ignored).
    """
    procedure = kb.procedures.get(answers.procedure)
    if procedure is None:
        raise UnknownProcedure(answers.procedure)
    day = answers.days_since_treatment
    present = frozenset(s for s in answers.symptoms if s in kb.symptoms)
    label = {slug: kb.symptoms[slug].label.get(language) for slug in present}

    level = "self_care"
    reasons: list[Reason] = []
    red_flags: set[str] = set()
    candidates: dict[str, _Candidate] = {}
    accounted: set[str] = set()

    def candidate(slug: str) -> _Candidate:
        return candidates.setdefault(slug, _Candidate(slug))

    # 1. Red flags and other combination rules, on every reported symptom.
    for rule in kb.rules:
        if rule.complication not in procedure.links:
            continue
        if not rule.applies(procedure.slug, day, answers.area, answers.trend):
            continue
        matched = rule.match(present)
        if matched is None:
            continue
        level = higher(level, rule.urgency)
        accounted |= matched
        found = candidate(rule.complication)
        found.level = higher(found.level, rule.urgency)
        found.matched |= matched
        found.weights.append(RULE_SCORE)
        text = rule.explanation.get(language)
        found.rule_text = found.rule_text or text
        reasons.append(Reason(rule.urgency, text, tuple(sorted(matched))))
        if LEVEL_RANK[rule.urgency] >= LEVEL_RANK["urgent"]:
            red_flags |= matched

    # 2. Expected effects: explained, overdue or not covered.
    explained: set[str] = set()
    overdue: dict[str, set[str]] = {}
    effect_by_slug = {effect.slug: effect for effect in procedure.expected_effects}
    for effect in procedure.expected_effects:
        reported = effect.symptoms & present
        if not reported:
            continue
        if effect.explains_on(day, answers.trend):
            explained |= reported
        else:
            overdue.setdefault(effect.slug, set()).update(reported)
    # A symptom that one effect still explains is not overdue because another has ended.
    for slug in list(overdue):
        overdue[slug] -= explained
        if not overdue[slug]:
            del overdue[slug]
    for slug, symptoms in overdue.items():
        effect = effect_by_slug[slug]
        level = higher(level, effect.level_after)
        accounted |= symptoms
        reasons.append(
            Reason(effect.level_after, overdue_sentence(effect, day, answers.trend, language), tuple(sorted(symptoms)))
        )
        if effect.becomes and effect.becomes in procedure.links:
            found = candidate(effect.becomes)
            for symptom in symptoms:
                found.add(symptom, OVERDUE_WEIGHT, effect.level_after)
    accounted |= explained

    # 3. Warning signs of every complication linked to this procedure.
    for slug, link in procedure.links.items():
        comp = kb.complications.get(slug)
        if comp is None:
            continue
        in_window = link.window.contains(day)
        for sign in comp.warning_signs:
            if sign.symptom not in present or procedure.slug in sign.except_procedures:
                continue
            found = candidate(slug)
            # A weak, self-care sign explains a symptom only when the day fits; outside the
            # window it ranks the complication but leaves the symptom unexplained ("soon").
            if in_window or sign.urgency != "self_care":
                accounted.add(sign.symptom)
            if sign.symptom in explained:
                found.weights.append(sign.weight * EXPLAINED_FACTOR)
                found.matched.add(sign.symptom)
                continue
            if in_window:
                forced = sign.urgency
                found.add(sign.symptom, sign.weight, forced)
            else:
                found.in_window = False
                if sign.weight >= DEFINING_WEIGHT:
                    forced = sign.urgency
                    found.add(sign.symptom, sign.weight, forced)
                elif comp.cross_cutting:
                    # Infection, sepsis, anaphylaxis... can follow any treatment at any time: a
                    # link's window says when they are typical (it ranks them), not when they stop.
                    forced = sign.urgency
                    found.add(sign.symptom, sign.weight * OUT_OF_WINDOW_FACTOR, forced)
                else:
                    forced = _one_level_down_not_below_soon(sign.urgency)
                    found.add(sign.symptom, sign.weight * OUT_OF_WINDOW_FACTOR, forced)
            if LEVEL_RANK[forced] > LEVEL_RANK["self_care"]:
                level = higher(level, forced)
                if LEVEL_RANK[forced] >= LEVEL_RANK["urgent"]:
                    red_flags.add(sign.symptom)

    # 4. Rank the complications.
    scores: dict[str, float] = {}
    for slug, found in candidates.items():
        comp = kb.complications[slug]
        scores[slug] = found.score()
        if answers.area and comp.typical_areas and answers.area not in comp.typical_areas:
            scores[slug] *= AREA_FACTOR
    # Each symptom that no expected effect explains keeps its best explanation on the list, even
    # when timing made it a weak one (a numb patch on day 10 is still most likely a nerve injury).
    best_for_symptom = set()
    for symptom in present - explained:
        pointing = [slug for slug, found in candidates.items() if symptom in found.matched]
        if pointing:
            best_for_symptom.add(max(pointing, key=lambda slug: (scores[slug], slug)))
    findings: list[ComplicationFinding] = []
    for slug, found in candidates.items():
        comp = kb.complications[slug]
        link = procedure.links[slug]
        score = scores[slug]
        # A complication that forced an urgent or emergency level is always shown: the patient
        # must see why, even when the sign that forced it is a weak pointer.
        forced_high = LEVEL_RANK[found.level] >= LEVEL_RANK["urgent"]
        shown = score >= MIN_SCORE - 1e-9 or forced_high or slug in best_for_symptom
        if not found.matched or not shown:
            continue
        matched = tuple(sorted(found.matched))
        explanation = found.rule_text or sign_sentence(
            comp.name.get(language),
            [label[s] for s in matched if s not in explained] or [label[s] for s in matched],
            day,
            link.window,
            found.in_window,
            all(s in explained for s in matched),
            language,
        )
        findings.append(
            ComplicationFinding(
                slug=slug,
                name=comp.name.get(language),
                score=round(score, 3),
                urgency=found.level,
                matched_symptoms=matched,
                explanation=explanation,
                what_to_do=comp.what_to_do.get(language),
                in_window=found.in_window,
            )
        )
    findings.sort(
        key=lambda f: (
            -f.score,
            -LEVEL_RANK[f.urgency],
            -FREQUENCY_RANK.get(procedure.links[f.slug].frequency_band, 2),
            f.slug,
        )
    )

    # 5. Whatever nothing accounts for is never waved through as self-care.
    unexplained = tuple(sorted(present - accounted))
    if unexplained:
        level = higher(level, "soon")
        reasons.append(Reason("soon", unexplained_sentence([label[s] for s in unexplained], language), unexplained))

    effects = []
    overdue_findings = []
    for effect in procedure.expected_effects:
        reported = effect.symptoms & present
        if not reported:
            continue
        finding = EffectFinding(
            slug=effect.slug,
            name=effect.name.get(language),
            description=effect.description.get(language),
            usual_duration=usual_duration(effect, language),
            normal_until_day=effect.normal_until_day,
            symptoms=tuple(sorted(reported)),
            still_normal=effect.slug not in overdue,
        )
        (effects if finding.still_normal else overdue_findings).append(finding)
    if explained:
        reasons.append(
            Reason(
                "self_care",
                explained_sentence([label[s] for s in sorted(explained)], language),
                tuple(sorted(explained)),
            )
        )

    reasons.sort(key=lambda r: -LEVEL_RANK[r.level])
    # Add the likeliest complication's own advice only when it was written for this level: a
    # clinic-today instruction must never sit under an emergency banner.
    top = next((f for f in findings if f.urgency == level and level != "self_care"), None)
    advice = ""
    if top is not None and top.what_to_do and kb.complications[top.slug].default_urgency == level:
        advice = top.what_to_do
    guidance = level_guidance(level, language, advice)
    return Assessment(
        urgency=level,
        urgency_label=level_label(level, language),
        guidance=guidance,
        complications=tuple(findings),
        expected_effects=tuple(effects),
        overdue_effects=tuple(overdue_findings),
        red_flags=tuple(sorted(red_flags)) if LEVEL_RANK[level] >= LEVEL_RANK["urgent"] else (),
        unexplained_symptoms=unexplained,
        reasons=tuple(reasons),
        knowledge_base_version=kb.version,
        language=language,
    )


__all__ = [
    "ENGINE_VERSION",
    "TRENDS",
    "Answers",
    "Assessment",
    "ComplicationFinding",
    "EffectFinding",
    "Reason",
    "UnknownProcedure",
    "assess",
]
