"""The triage engine: a patient's answers in, an explained urgency level out.

Pure Python, no Django, no I/O, no language: `assess(kb, answers)` is the one public entry point.
It is deterministic (same snapshot and answers, same result) and never lowers a level because
evidence is missing. The clinical rules it applies are data in the knowledge base (see
docs/knowledge-base.md); this module only decides how that data combines. What it says comes
back as language-neutral `Message`s and knowledge-base `Text`s (see messages.py).

It runs as a pipeline of small phases over immutable inputs, each returning a typed partial
result; `assess` only chains them. How a level is reached, in order:

Phases 1 and 3 look up only the rules and warning signs the reported symptoms can touch, from the
snapshot's per-procedure index (knowledge.ProcedureIndex): an assessment's cost follows what the
patient reported, not the size of the knowledge base.

1. **Red flags first** (`fire_rules`). Every combination rule that applies to the procedure,
   day, area (and trend, for the few rules about symptoms getting worse) is checked against
   *all* reported symptoms, normal ones included (swelling after filler is expected, but
   swelling with a tight throat is anaphylaxis). A rule that fires forces its level and lifts its
   complication's score to at least RULE_SCORE. A rule applies to a procedure its complication
   is linked to, and a system red flag rule (brief section 5) to every procedure.
2. **Expected effects** (`read_expected_effects`). A symptom listed by one of the procedure's
   expected effects is *explained* while `day <= normal_until_day` (or, when the patient says it
   is improving, up to the effect's `improving_until_day` if it has one), unless the trend is
   "worsening" after the effect's usual worst day. Past that it is *overdue*: it forces the
   effect's `level_after` and points to the complication the effect `becomes`.
3. **Warning signs** (`weigh_warning_signs`, with the policy in `judge_warning_sign`). For each
   complication linked to the procedure (cross-cutting ones are linked to all), every reported
   symptom that is one of its warning signs counts:
   - at its full weight when the onset day is inside the link's onset window (widened by a
     quarter of its length, at least one day), forcing the sign's level;
   - at OUT_OF_WINDOW_FACTOR of its weight outside the window, forcing one level less than the
     sign's (never below "soon": the timing makes it less likely, not harmless), except a
     defining sign (weight 1) or a sign of a cross-cutting complication (infection, sepsis,
     anaphylaxis... can follow any treatment at any time), which keep their level;
   - at EXPLAINED_FACTOR of its weight, forcing nothing, when an expected effect explains it.
   The onset day is when the symptoms began (`symptoms_started_day`, contract 1.1), or today
   when the patient did not say; rules' day limits read it too.
4. **Risk factors** (`apply_risk_factors`). Facts about the patient and the treatment (immune
   system, diabetes, who treated them, the product...) raise the level the symptoms gave named
   complications, or set a floor, as knowledge-base data scoped by procedure (brief 8.2). The
   ones without which the level would be lower are returned as `raised_by`.
5. **Scores** (`rank_complications`). A complication's score is the noisy-OR of its counting
   weights, 1 − Π(1 − wᵢ), in 0..1: one strong sign scores high, several weak signs add up
   without ever passing 1. It is multiplied by AREA_FACTOR when the patient names an area the
   complication is not typical for (an area counts as the areas it lies within: lips are face).
   Complications scoring at least MIN_SCORE, that forced an urgent or emergency level, or that
   are the best explanation of a symptom no expected effect explains, are listed, highest first;
   ties go to the higher level, then to the more frequent complication. A complication reached
   only through a system red flag rule (not linked to this procedure) comes after the linked ones.
6. **Level** (`decide_level`). The highest of: fired rules, forced warning-sign levels, overdue
   effects, risk factors, and "soon" for any reported symptom that nothing in the knowledge base
   accounts for after this procedure on this day (a self-care warning sign accounts for a symptom
   only inside its complication's window). No symptoms and nothing overdue means self-care.
   `already_seen` never changes the level: at "soon" the advice becomes "keep to the plan your
   clinician gave you".
7. **Route** (`choose_route`): where to go first, beside how fast: the level's own place, unless
   all the evidence that set the level names another place as knowledge-base data (a link's
   `emergency_route`, a rule's `route`: a blocked vessel after HA filler goes to the treating
   clinic, which holds the antidote, brief 8.1), with its fallback.

An expected effect explains only symptoms that began by its `onset_by_day`: a symptom that
starts after a symptom-free interval is not the treatment's immediate after-effect (brief 8.3).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from .knowledge import (
    Complication,
    ExpectedEffect,
    KnowledgeBase,
    Link,
    Procedure,
    ProcedureIndex,
    RiskEffect,
    Rule,
    WarningSign,
    Window,
)
from .messages import Listing, Lower, Message, Text, _
from .scales import (
    DEFAULT_ROUTE,
    EMERGENCY,
    FREQUENCY_RANK,
    LEVEL_RANK,
    LOWEST_LEVEL,
    ROUTE_BY_VALUE,
    SOON,
    TRENDS,
    URGENT,
    at_least,
    higher,
    level,
    one_level_down,
    one_level_up,
)

# Semver (docs/api.md): the minor rises when a change alters what answers say, the patch for fixes.
# 1.1.0: a risk factor may give the fallback words; the heading and the advice follow the route.
ENGINE_VERSION = "1.1.0"

RULE_SCORE = 0.95
EXPLAINED_FACTOR = 0.3
OUT_OF_WINDOW_FACTOR = 0.3
AREA_FACTOR = 0.6
OVERDUE_WEIGHT = 0.5
MIN_SCORE = 0.2
# A sign of weight 1 all but proves its complication (cold-sore blisters, cola-coloured urine
# after muscle stimulation): timing cannot argue with it, so it keeps its level outside the window.
DEFINING_WEIGHT = 1.0


class UnknownProcedure(KeyError):
    """The answers name a procedure the snapshot does not have."""


# --- Inputs -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Answers:
    procedure: str
    days_since_treatment: int
    symptoms: frozenset[str]
    trend: str | None = None
    area: str | None = None
    symptoms_started_day: int | None = None  # None = the patient did not say
    risk_factors: frozenset[str] = frozenset()
    already_seen: bool = False


@dataclass(frozen=True)
class Case:
    """The answers resolved against the snapshot: what every phase reads."""

    kb: KnowledgeBase
    procedure: Procedure
    day: int
    present: frozenset[str]
    area: str | None
    trend: str | None
    started_day: int | None = None  # when the reported symptoms began, if the patient said
    risk_factors: frozenset[str] = frozenset()
    already_seen: bool = False
    # The treated area and every area it lies within (None when not said), worked out once.
    areas: frozenset[str] | None = None

    @property
    def index(self) -> ProcedureIndex:
        """The procedure's rules and warning signs by symptom: all an assessment needs to look at."""
        return self.kb.procedure_index[self.procedure.slug]

    @property
    def onset_day(self) -> int:
        """The day the symptoms began: what onset windows are about (today when not said)."""
        return self.day if self.started_day is None else self.started_day

    def labels(self, symptoms: Iterable[str]) -> Listing:
        return Listing(tuple(self.kb.symptoms[s].label for s in symptoms))


# --- Output -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ComplicationFinding:
    slug: str
    name: Text
    score: float
    urgency: str
    matched_symptoms: tuple[str, ...]
    explanation: Message | Text
    what_to_do: Text
    in_window: bool


@dataclass(frozen=True)
class EffectFinding:
    slug: str
    name: Text
    description: Text
    usual_duration: Message
    normal_until_day: int
    symptoms: tuple[str, ...]
    still_normal: bool


@dataclass(frozen=True)
class Reason:
    """One thing that set or supported the level, for the result page's "why"."""

    level: str
    text: Message | Text
    symptoms: tuple[str, ...] = ()


@dataclass(frozen=True)
class Assessment:
    urgency: str
    urgency_label: Message
    guidance: Message | Text
    complications: tuple[ComplicationFinding, ...]
    expected_effects: tuple[EffectFinding, ...]
    overdue_effects: tuple[EffectFinding, ...]
    red_flags: tuple[str, ...]
    unexplained_symptoms: tuple[str, ...]
    reasons: tuple[Reason, ...]
    knowledge_base_version: str
    engine_version: str = ENGINE_VERSION
    raised_by: tuple[str, ...] = ()  # risk factors that raised the level (contract 1.1)
    route: str = ""  # where to go first (contract 1.1)
    route_fallback: Message | Text = field(default_factory=lambda: Message(""))
    driver: str | None = None  # the complication behind the level, whose advice is given (not in the API)


# --- Partial results ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Evidence:
    """One piece of evidence for one complication: symptoms, a weight and the level they force."""

    complication: str
    symptoms: frozenset[str]
    weight: float
    level: str
    out_of_window: bool = False
    rule_explanation: Text | None = None
    raised_by: str | None = None  # the risk factor behind this level, if one
    route: str | None = None  # where to go first when this evidence sets the level (None = the level's)
    route_fallback: Text | None = None


@dataclass(frozen=True)
class Finding:
    """What one phase found: evidence, the level it forces, and why."""

    evidence: tuple[Evidence, ...] = ()
    level: str = LOWEST_LEVEL
    accounted: frozenset[str] = frozenset()
    red_flags: frozenset[str] = frozenset()
    reasons: tuple[Reason, ...] = ()


@dataclass(frozen=True)
class EffectsRead:
    """Phase 2: which reported symptoms an expected effect still explains, which are overdue."""

    finding: Finding
    explained: frozenset[str]
    overdue: Mapping[str, frozenset[str]]  # effect slug -> its overdue symptoms


@dataclass(frozen=True)
class SignVerdict:
    """How one reported warning sign counts (the warning-sign policy's answer)."""

    weight: float
    forced: str | None  # the level it forces; None when an expected effect explains it
    accounts: bool  # whether it accounts for the symptom (so it is not "unexplained")
    out_of_window: bool


# --- Phases -------------------------------------------------------------------------------------


def fire_rules(case: Case) -> Finding:
    """Phase 1, red flags first: combination rules, checked on every reported symptom."""
    evidence: list[Evidence] = []
    reasons: list[Reason] = []
    forced, accounted, red_flags = LOWEST_LEVEL, set[str](), set[str]()
    for rule in case.index.rules_touched(case.present):
        if not rule.applies(case.procedure.slug, case.onset_day, case.areas, case.trend):
            continue
        matched = rule.match(case.present)
        if matched is None:
            continue
        forced = higher(forced, rule.urgency)
        accounted |= matched
        route, fallback = _rule_route(rule, case.procedure.link_to(rule.complication))
        evidence.append(
            Evidence(
                rule.complication,
                matched,
                RULE_SCORE,
                rule.urgency,
                rule_explanation=rule.explanation,
                route=route,
                route_fallback=fallback,
            )
        )
        reasons.append(Reason(rule.urgency, rule.explanation, tuple(sorted(matched))))
        if at_least(rule.urgency, URGENT.value):
            red_flags |= matched
    return Finding(tuple(evidence), forced, frozenset(accounted), frozenset(red_flags), tuple(reasons))


def read_expected_effects(case: Case) -> EffectsRead:
    """Phase 2: expected effects explain their symptoms while they last; past that they are overdue."""
    explained: set[str] = set()
    overdue: dict[str, set[str]] = {}
    for effect in case.procedure.expected_effects:
        reported = effect.symptoms & case.present
        # A symptom that began after a symptom-free interval is not this immediate after-effect.
        if not reported or effect.began_too_late(case.started_day):
            continue
        if effect.explains_on(case.day, case.trend):
            explained |= reported
        else:
            overdue.setdefault(effect.slug, set()).update(reported)
    # A symptom that one effect still explains is not overdue because another has ended.
    still_overdue = {
        slug: frozenset(symptoms - explained) for slug, symptoms in overdue.items() if symptoms - explained
    }
    by_slug = {effect.slug: effect for effect in case.procedure.expected_effects}
    evidence: list[Evidence] = []
    reasons: list[Reason] = []
    forced = LOWEST_LEVEL
    for slug, symptoms in still_overdue.items():
        effect = by_slug[slug]
        forced = higher(forced, effect.level_after)
        reasons.append(Reason(effect.level_after, overdue_message(effect, case.day), tuple(sorted(symptoms))))
        if effect.becomes and effect.becomes in case.procedure.links:
            evidence.extend(
                Evidence(effect.becomes, frozenset({symptom}), OVERDUE_WEIGHT, effect.level_after)
                for symptom in symptoms
            )
    accounted = frozenset(explained).union(*still_overdue.values())
    finding = Finding(tuple(evidence), forced, accounted, frozenset(), tuple(reasons))
    return EffectsRead(finding, frozenset(explained), still_overdue)


def _emergency_route(link: Link, forced: str) -> tuple[str | None, Text | None]:
    """The link's own first place when this complication makes it an emergency (brief 8.1)."""
    if forced != EMERGENCY.value or link.emergency_route is None:
        return None, None
    return link.emergency_route, link.emergency_route_fallback or None


def _rule_route(rule: Rule, link: Link) -> tuple[str | None, Text | None]:
    if rule.route is not None:
        return rule.route, rule.route_fallback or None
    return _emergency_route(link, rule.urgency)


def judge_warning_sign(sign: WarningSign, complication: Complication, in_window: bool, explained: bool) -> SignVerdict:
    """The warning-sign policy, in one place.

    - Explained by an expected effect: it ranks the complication a little and forces nothing.
    - Inside the link's onset window: full weight, the sign's own level.
    - Outside the window it is weaker evidence, but a defining sign (weight 1) and a sign of a
      cross-cutting complication keep their level; any other sign forces one level less, never
      below "soon" (the timing makes it less likely, not harmless).
    A weak, self-care sign explains a symptom only when the day fits; outside the window it ranks
    the complication but leaves the symptom unexplained ("soon").
    """
    accounts = in_window or sign.urgency != LOWEST_LEVEL
    if explained:
        return SignVerdict(sign.weight * EXPLAINED_FACTOR, None, accounts, False)
    if in_window:
        return SignVerdict(sign.weight, sign.urgency, accounts, False)
    if sign.weight >= DEFINING_WEIGHT:
        return SignVerdict(sign.weight, sign.urgency, accounts, True)
    if complication.cross_cutting:
        # Infection, sepsis, anaphylaxis... can follow any treatment at any time: a link's window
        # says when they are typical (it ranks them), not when they stop.
        return SignVerdict(sign.weight * OUT_OF_WINDOW_FACTOR, sign.urgency, accounts, True)
    lower = one_level_down(sign.urgency, not_below=SOON.value)
    return SignVerdict(sign.weight * OUT_OF_WINDOW_FACTOR, lower, accounts, True)


def weigh_warning_signs(case: Case, explained: frozenset[str]) -> Finding:
    """Phase 3: the warning signs of every complication linked to this procedure."""
    evidence: list[Evidence] = []
    forced, accounted, red_flags = LOWEST_LEVEL, set[str](), set[str]()
    for entry in case.index.signs_touched(case.present):
        sign, link = entry.sign, entry.link
        in_window = link.window.contains(case.onset_day)
        verdict = judge_warning_sign(sign, entry.complication, in_window, sign.symptom in explained)
        if verdict.accounts:
            accounted.add(sign.symptom)
        sign_level = verdict.forced or LOWEST_LEVEL
        route, fallback = _emergency_route(link, sign_level)
        evidence.append(
            Evidence(
                entry.complication.slug,
                frozenset({sign.symptom}),
                verdict.weight,
                sign_level,
                verdict.out_of_window,
                route=route,
                route_fallback=fallback,
            )
        )
        if verdict.forced is None or verdict.forced == LOWEST_LEVEL:
            continue
        forced = higher(forced, verdict.forced)
        if at_least(verdict.forced, URGENT.value):
            red_flags.add(sign.symptom)
    return Finding(tuple(evidence), forced, frozenset(accounted), frozenset(red_flags))


def apply_risk_factors(case: Case, evidence: Iterable[Evidence]) -> Finding:
    """Phase 4: what the patient and the treatment bring (brief 8.2), as data in the knowledge base.

    A risk factor raises the level the symptoms already gave a complication by its steps (an
    infection in someone with diabetes), or sets a floor that the complication reaches whenever the
    risk factor is reported; a floor with an evidence weight lists the complication even with no
    symptom (a blood-borne virus test after unsafe equipment). Only complications of this
    procedure count, and a complication that symptoms left at self-care is not raised: an expected
    effect stays expected in anyone.
    """
    current: dict[str, str] = {}
    for piece in evidence:
        current[piece.complication] = higher(current.get(piece.complication, LOWEST_LEVEL), piece.level)
    raised: list[Evidence] = []
    for slug in sorted(case.risk_factors):
        factor = case.kb.risk_factors.get(slug)
        if factor is None:
            continue
        for effect in factor.effects:
            if effect.applies_to(case.procedure.slug):
                raised.extend(_raise(case, effect, current, slug))
    return Finding(
        evidence=tuple(raised), level=max((e.level for e in raised), key=LEVEL_RANK.__getitem__, default=LOWEST_LEVEL)
    )


def _raise(case: Case, effect: RiskEffect, current: Mapping[str, str], factor: str) -> Iterable[Evidence]:
    for complication in sorted(effect.complications & case.procedure.links.keys()):
        before = current.get(complication)
        after = before
        if effect.raise_steps and before not in (None, LOWEST_LEVEL):
            after = one_level_up(before, steps=effect.raise_steps)
        if effect.floor and (before not in (None, LOWEST_LEVEL) or effect.evidence_weight > 0):
            after = higher(after or LOWEST_LEVEL, effect.floor)
        if after is not None and (before is None or LEVEL_RANK[after] > LEVEL_RANK[before]):
            yield Evidence(complication, frozenset(), effect.evidence_weight, after, raised_by=factor)


@dataclass(frozen=True)
class _Candidate:
    """All the evidence for one complication, combined."""

    slug: str
    score: float
    level: str
    matched: frozenset[str]
    in_window: bool
    rule_explanation: Text | None
    raised_by: frozenset[str] = frozenset()


def _combine(slug: str, pieces: list[Evidence], case: Case) -> _Candidate:
    remaining = 1.0
    for piece in pieces:
        remaining *= 1.0 - min(max(piece.weight, 0.0), 1.0)
    score = 1.0 - remaining
    typical = case.kb.complications[slug].typical_areas
    areas = case.areas
    if areas is not None and typical and not typical & areas:
        score *= AREA_FACTOR
    return _Candidate(
        slug=slug,
        score=score,
        level=max((p.level for p in pieces), key=LEVEL_RANK.__getitem__, default=LOWEST_LEVEL),
        matched=frozenset().union(*(p.symptoms for p in pieces)),
        in_window=not any(p.out_of_window for p in pieces),
        rule_explanation=next((p.rule_explanation for p in pieces if p.rule_explanation), None),
        raised_by=frozenset(p.raised_by for p in pieces if p.raised_by),
    )


def rank_complications(
    case: Case, evidence: Iterable[Evidence], explained: frozenset[str]
) -> tuple[ComplicationFinding, ...]:
    """Phase 5: score each complication (noisy-OR), keep those worth showing, best first."""
    grouped: dict[str, list[Evidence]] = {}
    for piece in evidence:
        grouped.setdefault(piece.complication, []).append(piece)
    candidates = [_combine(slug, pieces, case) for slug, pieces in grouped.items()]
    # Each symptom that no expected effect explains keeps its best explanation on the list, even
    # when timing made it a weak one (a numb patch on day 10 is still most likely a nerve injury).
    best_for_symptom = set()
    for symptom in case.present - explained:
        pointing = [c for c in candidates if symptom in c.matched]
        if pointing:
            best_for_symptom.add(max(pointing, key=lambda c: (c.score, c.slug)).slug)
    findings = [
        _finding(case, candidate, explained)
        for candidate in candidates
        # A complication that forced an urgent or emergency level is always shown: the patient
        # must see why, even when the sign that forced it is a weak pointer.
        if (candidate.matched or candidate.raised_by)
        and (
            candidate.score >= MIN_SCORE - 1e-9
            or at_least(candidate.level, URGENT.value)
            or candidate.slug in best_for_symptom
        )
    ]
    link_to, unlinked = case.procedure.link_to, case.procedure.red_flag_links
    # A system red flag reaching a procedure its complication is not linked to is a safety net:
    # it sets the level, but a complication known to follow this procedure is the likelier
    # explanation, so it is listed after the linked ones.
    findings.sort(
        key=lambda f: (
            f.slug in unlinked,
            -f.score,
            -LEVEL_RANK[f.urgency],
            -FREQUENCY_RANK.get(link_to(f.slug).frequency_band, 2),
            f.slug,
        )
    )
    return tuple(findings)


def _finding(case: Case, candidate: _Candidate, explained: frozenset[str]) -> ComplicationFinding:
    comp = case.kb.complications[candidate.slug]
    matched = tuple(sorted(candidate.matched))
    explanation: Message | Text
    if candidate.rule_explanation is not None:
        explanation = candidate.rule_explanation
    elif not candidate.matched:
        factors = Listing(tuple(case.kb.risk_factors[f].label for f in sorted(candidate.raised_by)))
        explanation = Message.of(
            _("{factors}: this makes {name} worth checking."), factors=factors, name=Lower(comp.name)
        )
    else:
        unexplained = [s for s in matched if s not in explained] or list(matched)
        explanation = sign_message(
            comp.name,
            case.labels(unexplained),
            case.day,
            case.procedure.link_to(candidate.slug),
            candidate.in_window,
            only_normal_signs=all(s in explained for s in matched),
        )
    return ComplicationFinding(
        slug=candidate.slug,
        name=comp.name,
        score=round(candidate.score, 3),
        urgency=candidate.level,
        matched_symptoms=matched,
        explanation=explanation,
        what_to_do=comp.what_to_do,
        in_window=candidate.in_window,
    )


@dataclass(frozen=True)
class LevelDecision:
    level: str
    reasons: tuple[Reason, ...]
    red_flags: tuple[str, ...]
    unexplained: tuple[str, ...]
    raised_by: tuple[str, ...] = ()


def decide_level(case: Case, findings: Iterable[Finding], explained: frozenset[str]) -> LevelDecision:
    """Phase 6: the highest level any phase forced; whatever nothing accounts for is never waved
    through as self-care ("soon")."""
    findings = tuple(findings)
    decided = LOWEST_LEVEL
    accounted: set[str] = set()
    red_flags: set[str] = set()
    reasons: list[Reason] = []
    for finding in findings:
        decided = higher(decided, finding.level)
        accounted |= finding.accounted
        red_flags |= finding.red_flags
        reasons.extend(finding.reasons)
    unexplained = tuple(sorted(case.present - accounted))
    if unexplained:
        decided = higher(decided, SOON.value)
        message = Message.of(
            _("We cannot link {symptoms} to this treatment, so a health professional should check it."),
            symptoms=case.labels(unexplained),
        )
        reasons.append(Reason(SOON.value, message, unexplained))
    if explained:
        message = Message.of(
            _("{symptoms}: normal at this stage after your treatment."), symptoms=case.labels(sorted(explained))
        )
        reasons.append(Reason(LOWEST_LEVEL, message, tuple(sorted(explained))))
    raised_by = _raised_by(findings, decided)
    if raised_by:
        factors = Listing(tuple(case.kb.risk_factors[f].label for f in raised_by))
        message = Message.of(_("{factors}: this raises how soon you should get help."), factors=factors)
        reasons.append(Reason(decided, message))
    reasons.sort(key=lambda r: -LEVEL_RANK[r.level])
    shown_flags = tuple(sorted(red_flags)) if at_least(decided, URGENT.value) else ()
    return LevelDecision(decided, tuple(reasons), shown_flags, unexplained, raised_by)


def _raised_by(findings: tuple[Finding, ...], decided: str) -> tuple[str, ...]:
    """The risk factors without which the level would be lower."""
    risk = [e for finding in findings for e in finding.evidence if e.raised_by]
    without = LOWEST_LEVEL
    for finding in findings:
        for piece in finding.evidence:
            if not piece.raised_by:
                without = higher(without, piece.level)
        if not any(piece.raised_by for piece in finding.evidence):
            without = higher(without, finding.level)
    if LEVEL_RANK[decided] <= LEVEL_RANK[without]:
        return ()
    return tuple(sorted({e.raised_by for e in risk if e.level == decided and e.raised_by}))


def choose_route(
    case: Case, findings: Iterable[Finding], decided: str, unexplained: tuple[str, ...]
) -> tuple[str, Message | Text]:
    """Where to go first (contract 1.1 `route`) and what to do if it cannot be reached in time.

    The level's own place (DEFAULT_ROUTE), unless every piece of evidence that set the level names
    the same other place as knowledge-base data: a blocked vessel after HA filler goes to the
    treating clinic first, but with vision loss or anaphylaxis beside it, to emergency services.
    A reported risk factor may have its own words for the fallback (a filler that was not HA
    cannot be dissolved: say so, and go on to the emergency department).
    """
    default = DEFAULT_ROUTE[decided]
    setting = [e for finding in findings for e in finding.evidence if e.level == decided]
    plain = decided == LOWEST_LEVEL or not setting or any(e.route is None for e in setting)
    plain |= decided == SOON.value and bool(unexplained)
    named = {e.route for e in setting if e.route is not None}
    said_for_risk = risk_factor_fallback(case, {e.complication for e in setting})
    if plain or len(named) != 1:
        return default, said_for_risk or Message(ROUTE_BY_VALUE[default].fallback)
    (route,) = named
    fallback = next((e.route_fallback for e in setting if e.route_fallback), None)
    return route, said_for_risk or fallback or Message(ROUTE_BY_VALUE[route].fallback)


def risk_factor_fallback(case: Case, complications: set[str]) -> Text | None:
    """The fallback words of a reported risk factor's effect on one of these complications."""
    for slug in sorted(case.risk_factors):
        factor = case.kb.risk_factors.get(slug)
        for effect in factor.effects if factor is not None else ():
            if (
                effect.route_fallback
                and effect.applies_to(case.procedure.slug)
                and effect.complications & complications
            ):
                return effect.route_fallback
    return None


def title_for(decided: str, route: str) -> str:
    """The result's heading: the level's, unless the route says where to call first instead."""
    own = ROUTE_BY_VALUE[route].emergency_title
    return own if own is not None and decided == EMERGENCY.value else level(decided).title


def routes_named(phases: Iterable[Finding], decided: str) -> Mapping[str, frozenset[str]]:
    """Per complication, the places its level-setting evidence sends the patient (the level's own
    place where the evidence names none)."""
    named: dict[str, set[str]] = {}
    for phase in phases:
        for e in phase.evidence:
            if e.level == decided:
                named.setdefault(e.complication, set()).add(e.route or DEFAULT_ROUTE[decided])
    return {slug: frozenset(places) for slug, places in named.items()}


def driving_complication(findings: tuple[ComplicationFinding, ...], decided: str) -> ComplicationFinding | None:
    """The likeliest complication at the result's level: the explanation behind it, whose own
    advice and care the patient is given (none for self-care)."""
    if decided == LOWEST_LEVEL:
        return None
    return next((f for f in findings if f.urgency == decided), None)


def guidance_for(
    case: Case,
    decided: str,
    top: ComplicationFinding | None,
    route: str,
    routes: Mapping[str, frozenset[str]],
) -> Message | Text:
    """What to do now. The likeliest complication's own advice is added only when it was written
    for this level and sends the patient where the route does: a clinic-today instruction must
    never sit under an emergency banner, and "phone your injector first" must never sit beside
    "call the emergency number now" (a blocked vessel with vision loss goes to emergency
    services). When the route is the complication's own place other than the level's usual one
    (the treating clinic first, for a blocked vessel after HA filler), its advice says it alone."""
    spec = level(decided)
    if case.already_seen and decided == SOON.value:
        # Contract 1.1: a clinician has assessed this and the patient follows their plan.
        return Message(
            _(
                "A clinician has already seen this: keep to the plan they gave you, and contact them within "
                "the next 2–3 days if it is not getting better as they said."
            )
        )
    if top is None or not top.what_to_do or case.kb.complications[top.slug].default_urgency != decided:
        return Message(spec.guidance)
    if routes.get(top.slug, frozenset({DEFAULT_ROUTE[decided]})) != {route}:
        return Message(spec.guidance)
    if route != DEFAULT_ROUTE[decided]:
        return top.what_to_do
    return Message.of(_("{lead} {advice}"), lead=Message(spec.lead), advice=top.what_to_do)


def describe_effects(case: Case, overdue: Mapping[str, frozenset[str]]) -> tuple[EffectFinding, ...]:
    """The expected effects the patient reported, each marked still normal or overdue."""
    return tuple(
        EffectFinding(
            slug=effect.slug,
            name=effect.name,
            description=effect.description,
            usual_duration=Message.of(_("usually settles by day {day}"), day=effect.normal_until_day),
            normal_until_day=effect.normal_until_day,
            symptoms=tuple(sorted(effect.symptoms & case.present)),
            still_normal=effect.slug not in overdue,
        )
        for effect in case.procedure.expected_effects
        if effect.symptoms & case.present
    )


# --- Sentences ----------------------------------------------------------------------------------


def sign_message(
    name: Text, symptoms: Listing, day: int, link: Link, in_window: bool, *, only_normal_signs: bool
) -> Message:
    """Why a complication is listed, in one sentence."""
    window: Window = link.window
    if in_window and only_normal_signs:
        msgid = _(
            "{symptoms} on day {day} can point to {name}, which usually starts {window}; "
            "for now these are also normal after your treatment."
        )
    elif in_window:
        msgid = _("{symptoms} on day {day} can point to {name}, which usually starts {window}.")
    elif only_normal_signs:
        msgid = _(
            "{symptoms} on day {day} can point to {name}, although it usually starts {window}; "
            "for now these are also normal after your treatment."
        )
    else:
        msgid = _("{symptoms} on day {day} can point to {name}, although it usually starts {window}.")
    return Message.of(msgid, symptoms=symptoms, day=day, name=Lower(name), window=window.describe())


def overdue_message(effect: ExpectedEffect, day: int) -> Message:
    """Why an expected effect no longer explains its symptoms."""
    if day <= effect.normal_until_day:
        return Message.of(
            _("{effect} is usually at its worst by day {worst}; getting worse on day {day} is not expected."),
            effect=effect.name,
            worst=effect.worst_by_day,
            day=day,
        )
    return Message.of(
        _("{effect} usually settles by day {last}; you are on day {day}, so it is no longer expected."),
        effect=effect.name,
        last=effect.normal_until_day,
        day=day,
    )


# --- The entry point ------------------------------------------------------------------------------


def assess(kb: KnowledgeBase, answers: Answers) -> Assessment:
    """Triage one patient's answers against a knowledge-base snapshot.

    Raises UnknownProcedure if the procedure is not in the snapshot; symptom, area and trend
    values are expected to have been validated by the caller (unknown symptoms are ignored).
    """
    procedure = kb.procedures.get(answers.procedure)
    if procedure is None:
        raise UnknownProcedure(answers.procedure)
    case = Case(
        kb=kb,
        procedure=procedure,
        day=answers.days_since_treatment,
        present=frozenset(s for s in answers.symptoms if s in kb.symptoms),
        area=answers.area,
        areas=None if answers.area is None else kb.area_with_broader(answers.area),
        trend=answers.trend,
        started_day=answers.symptoms_started_day,
        risk_factors=answers.risk_factors,
        already_seen=answers.already_seen,
    )
    rules = fire_rules(case)
    effects = read_expected_effects(case)
    signs = weigh_warning_signs(case, effects.explained)
    risks = apply_risk_factors(case, (e for phase in (rules, effects.finding, signs) for e in phase.evidence))
    phases = (rules, effects.finding, signs, risks)
    findings = rank_complications(case, (e for phase in phases for e in phase.evidence), effects.explained)
    decision = decide_level(case, phases, effects.explained)
    route, route_fallback = choose_route(case, phases, decision.level, decision.unexplained)
    described = describe_effects(case, effects.overdue)
    driver = driving_complication(findings, decision.level)
    return Assessment(
        urgency=decision.level,
        urgency_label=Message(title_for(decision.level, route)),
        guidance=guidance_for(case, decision.level, driver, route, routes_named(phases, decision.level)),
        complications=findings,
        expected_effects=tuple(e for e in described if e.still_normal),
        overdue_effects=tuple(e for e in described if not e.still_normal),
        red_flags=decision.red_flags,
        unexplained_symptoms=decision.unexplained,
        reasons=decision.reasons,
        knowledge_base_version=kb.version,
        raised_by=decision.raised_by,
        route=route,
        route_fallback=route_fallback,
        driver=driver.slug if driver is not None else None,
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
