"""The vignette audit: patient stories with a gold standard, run through the engine in process.

Measures what published symptom-checker audits measure (Semigran 2015, Hill 2020): exact triage,
under-triage (the dangerous error), over-triage, emergencies missed, self-care cases kept at
self-care, and the right complication among the first three. Pure Python over a snapshot.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from .triage import LEVEL_RANK, LEVELS, KnowledgeBase, assess
from .triage.scales import EMERGENCY, LOWEST_LEVEL
from .validation import parse_answers


@dataclass(frozen=True)
class Thresholds:
    min_exact: float = 90.0
    max_under: float = 3.0
    max_emergencies_missed: int = 0
    min_self_care_kept: float = 85.0
    min_top3: float = 90.0


@dataclass
class Tally:
    total: int = 0
    exact: int = 0
    under: int = 0
    over: int = 0
    emergencies: int = 0
    emergencies_missed: int = 0
    self_care: int = 0
    self_care_kept: int = 0
    with_diagnosis: int = 0
    top3: int = 0

    @staticmethod
    def pct(part: int, whole: int) -> float:
        return 100.0 * part / whole if whole else 100.0

    def summary(self) -> dict[str, Any]:
        return {
            "vignettes": self.total,
            "exact": round(self.pct(self.exact, self.total), 1),
            "under": round(self.pct(self.under, self.total) if self.total else 0.0, 1),
            "over": round(self.pct(self.over, self.total) if self.total else 0.0, 1),
            "emergencies_missed": self.emergencies_missed,
            "emergencies": self.emergencies,
            "self_care_kept": round(self.pct(self.self_care_kept, self.self_care), 1),
            "self_care": self.self_care,
            "top3": round(self.pct(self.top3, self.with_diagnosis), 1),
            "with_diagnosis": self.with_diagnosis,
        }


@dataclass
class Miss:
    id: str
    story: str
    expected: str
    got: str
    problems: list[str]


@dataclass
class AuditResult:
    overall: Tally = field(default_factory=Tally)
    by_procedure: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    by_level: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    misses: list[Miss] = field(default_factory=list)
    invalid: list[tuple[str, dict]] = field(default_factory=list)

    def failures(self, thresholds: Thresholds) -> list[str]:
        """Which thresholds the audit does not meet (empty = it passes)."""
        s = self.overall.summary()
        problems = []
        if self.invalid:
            problems.append(f"{len(self.invalid)} vignette(s) have invalid input")
        if s["emergencies_missed"] > thresholds.max_emergencies_missed:
            problems.append(f"emergencies missed {s['emergencies_missed']}")
        if s["under"] > thresholds.max_under:
            problems.append(f"under-triage {s['under']}% > {thresholds.max_under}%")
        if s["exact"] < thresholds.min_exact:
            problems.append(f"exact triage {s['exact']}% < {thresholds.min_exact}%")
        if s["self_care_kept"] < thresholds.min_self_care_kept:
            problems.append(f"self-care kept {s['self_care_kept']}% < {thresholds.min_self_care_kept}%")
        if s["top3"] < thresholds.min_top3:
            problems.append(f"top-3 complication {s['top3']}% < {thresholds.min_top3}%")
        return problems


def run_audit(kb: KnowledgeBase, vignettes: Iterable[dict[str, Any]]) -> AuditResult:
    result = AuditResult()
    for vignette in vignettes:
        vid = str(vignette.get("id", "?"))
        answers, errors = parse_answers(kb, vignette.get("input"))
        if answers is None:
            result.invalid.append((vid, errors))
            continue
        gold = vignette["expect"]["urgency"]
        want = set(vignette["expect"].get("complications_any_of") or [])
        outcome = assess(kb, answers)
        got = outcome.urgency
        top3 = [c.slug for c in outcome.complications[:3]]
        problems: list[str] = []
        tallies = (result.overall, result.by_procedure[answers.procedure], result.by_level[gold])
        for tally in tallies:
            tally.total += 1
            if got == gold:
                tally.exact += 1
            elif LEVEL_RANK[got] < LEVEL_RANK[gold]:
                tally.under += 1
            else:
                tally.over += 1
            if gold == EMERGENCY.value:
                tally.emergencies += 1
                tally.emergencies_missed += got != EMERGENCY.value
            if gold == LOWEST_LEVEL:
                tally.self_care += 1
                tally.self_care_kept += got == LOWEST_LEVEL
            if want:
                tally.with_diagnosis += 1
                tally.top3 += bool(want & set(top3))
        if got != gold:
            kind = "UNDER" if LEVEL_RANK[got] < LEVEL_RANK[gold] else "over"
            problems.append(f"{kind} {got} (gold {gold})")
        if want and not want & set(top3):
            problems.append(f"top3 {top3} lacks any of {sorted(want)}")
        if problems:
            result.misses.append(Miss(vid, str(vignette.get("story", "")), gold, got, problems))
    return result


def format_report(result: AuditResult, show_misses: bool = True) -> str:
    lines = []

    def row(name: str, tally: Tally) -> str:
        s = tally.summary()
        return (
            f"{name:<22} n={s['vignettes']:>4}  exact {s['exact']:>5.1f}%  under {s['under']:>4.1f}%  "
            f"over {s['over']:>4.1f}%  emerg missed {s['emergencies_missed']}/{s['emergencies']}  "
            f"self-care kept {tally.self_care_kept}/{tally.self_care}  top3 {tally.top3}/{tally.with_diagnosis}"
        )

    lines.append(row("ALL", result.overall))
    lines.append("")
    lines.append("By procedure:")
    for name in sorted(result.by_procedure):
        lines.append(row(name, result.by_procedure[name]))
    lines.append("")
    lines.append("By gold level:")
    for name in LEVELS:
        if name in result.by_level:
            lines.append(row(name, result.by_level[name]))
    if result.invalid:
        lines.append("")
        lines.append("Invalid vignettes:")
        for vid, errors in result.invalid:
            lines.append(f"  {vid}: {errors}")
    if show_misses and result.misses:
        lines.append("")
        lines.append(f"Misses ({len(result.misses)}):")
        for miss in result.misses:
            lines.append(f"  {miss.id}: {'; '.join(miss.problems)} | {miss.story}")
    return "\n".join(lines)


# --- Real-world suites, scored against two raters (shared/vignettes/README.md) ---------------------


@dataclass(frozen=True)
class ConsensusThresholds:
    """The publish gate for real patients (issue: real patients, item 6) and the suites' targets."""

    min_agreed_exact: float = 90.0
    min_within_range: float = 95.0
    max_below_every_rater: float = 2.0
    max_unanimous_emergencies_missed: int = 0
    min_unanimous_normal_kept: float = 85.0
    min_top3: float = 90.0


@dataclass
class ConsensusTally:
    total: int = 0
    agreed: int = 0
    agreed_exact: int = 0
    within_range: int = 0
    below_every_rater: int = 0
    unanimous_emergencies: int = 0
    unanimous_emergencies_missed: int = 0
    unanimous_normal: int = 0
    unanimous_normal_kept: int = 0
    with_diagnosis: int = 0
    top3: int = 0
    invalid: int = 0
    misses: list[str] = field(default_factory=list)

    def summary(self) -> dict[str, Any]:
        pct = Tally.pct
        return {
            "stories": self.total,
            "agreed_exact": round(pct(self.agreed_exact, self.agreed), 1),
            "agreed": self.agreed,
            "within_range": round(pct(self.within_range, self.total), 1),
            "below_every_rater": round(pct(self.below_every_rater, self.total) if self.total else 0.0, 1),
            "unanimous_emergencies_missed": self.unanimous_emergencies_missed,
            "unanimous_emergencies": self.unanimous_emergencies,
            "unanimous_normal_kept": round(pct(self.unanimous_normal_kept, self.unanimous_normal), 1),
            "unanimous_normal": self.unanimous_normal,
            "top3": round(pct(self.top3, self.with_diagnosis), 1),
            "invalid": self.invalid,
        }

    def failures(self, thresholds: ConsensusThresholds, *, gate_only: bool = False) -> list[str]:
        """Which thresholds are not met. The publish gate (`gate_only`) checks the three safety
        criteria: unanimous emergencies, answers below every rater, unanimous normal recoveries."""
        s = self.summary()
        checks = [
            (self.invalid > 0, f"{self.invalid} stories have invalid input"),
            (
                s["unanimous_emergencies_missed"] > thresholds.max_unanimous_emergencies_missed,
                f"unanimous emergencies missed {s['unanimous_emergencies_missed']}",
            ),
            (
                s["below_every_rater"] > thresholds.max_below_every_rater,
                f"below every rater {s['below_every_rater']}% > {thresholds.max_below_every_rater}%",
            ),
            (
                s["unanimous_normal_kept"] < thresholds.min_unanimous_normal_kept,
                f"unanimous normal recoveries kept {s['unanimous_normal_kept']}% "
                f"< {thresholds.min_unanimous_normal_kept}%",
            ),
        ]
        if not gate_only:
            checks += [
                (
                    s["agreed_exact"] < thresholds.min_agreed_exact,
                    f"exact where raters agree {s['agreed_exact']}% < {thresholds.min_agreed_exact}%",
                ),
                (
                    s["within_range"] < thresholds.min_within_range,
                    f"within the raters' range {s['within_range']}% < {thresholds.min_within_range}%",
                ),
                (s["top3"] < thresholds.min_top3, f"top-3 complication {s['top3']}% < {thresholds.min_top3}%"),
            ]
        return [message for failed, message in checks if failed]


def rater_levels(vignette: dict[str, Any]) -> tuple[str, ...]:
    """Every level a rater gave or defended: the first rater's gold, its alternative, the second rater's."""
    second = (vignette.get("gold_rater2") or {}).get("urgency")
    levels = {vignette["expect"]["urgency"], *(x for x in (vignette.get("gold_alt"), second) if x in LEVEL_RANK)}
    return tuple(sorted(levels, key=LEVEL_RANK.__getitem__))


def _score_consensus(tally: ConsensusTally, vignette: dict[str, Any], got: str, top3: list[str]) -> None:
    gold = vignette["expect"]["urgency"]
    second = (vignette.get("gold_rater2") or {}).get("urgency")
    levels = rater_levels(vignette)
    low, high = LEVEL_RANK[levels[0]], LEVEL_RANK[levels[-1]]
    tally.total += 1
    if second == gold:
        tally.agreed += 1
        tally.agreed_exact += got == gold
    rank = LEVEL_RANK[got]
    tally.within_range += low <= rank <= high
    if rank < low:
        tally.below_every_rater += 1
        tally.misses.append(f"{vignette['id']}: BELOW {got} < {list(levels)}")
    elif rank > high:
        tally.misses.append(f"{vignette['id']}: over {got} > {list(levels)}")
    if all(level == EMERGENCY.value for level in levels):
        tally.unanimous_emergencies += 1
        tally.unanimous_emergencies_missed += got != EMERGENCY.value
    if all(level == LOWEST_LEVEL for level in levels):
        tally.unanimous_normal += 1
        tally.unanimous_normal_kept += got == LOWEST_LEVEL
    wanted = vignette["expect"].get("complications_any_of") or []
    if wanted:
        tally.with_diagnosis += 1
        tally.top3 += any(slug in top3 for slug in wanted)


def run_consensus_audit(kb: KnowledgeBase, vignettes: Iterable[dict[str, Any]]) -> ConsensusTally:
    """Score real-world stories against every rater's level."""
    tally = ConsensusTally()
    for vignette in vignettes:
        answers, errors = parse_answers(kb, vignette.get("input"))
        if answers is None:
            tally.invalid += 1
            tally.misses.append(f"{vignette.get('id')}: invalid input {errors}")
            continue
        outcome = assess(kb, answers)
        _score_consensus(tally, vignette, outcome.urgency, [c.slug for c in outcome.complications[:3]])
    return tally


def is_consensus_suite(vignettes: list[dict[str, Any]]) -> bool:
    """Real-world suites carry a second rater's level on every story."""
    return bool(vignettes) and all("gold_rater2" in vignette for vignette in vignettes)


def format_consensus(name: str, tally: ConsensusTally, show_misses: bool = True) -> str:
    s = tally.summary()
    line = (
        f"{name}: n {s['stories']} | exact where raters agree {s['agreed_exact']}% ({s['agreed']}) | "
        f"within range {s['within_range']}% | below every rater {s['below_every_rater']}% | "
        f"unanimous emergencies missed {s['unanimous_emergencies_missed']}/{s['unanimous_emergencies']} | "
        f"unanimous normal kept {tally.unanimous_normal_kept}/{s['unanimous_normal']} | top-3 {s['top3']}%"
    )
    return "\n".join([*(tally.misses if show_misses else []), line])
