"""An immutable, in-memory snapshot of the published knowledge base.

Built once from a release's JSON (the same shape as the files in fixtures/knowledge_base/, see
docs/knowledge-base.md) and then shared read-only by every assessment in the process. Nothing
here touches a database.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from types import MappingProxyType
from typing import Any

LEVELS: tuple[str, ...] = ("self_care", "soon", "urgent", "emergency")
LEVEL_RANK: Mapping[str, int] = MappingProxyType({level: rank for rank, level in enumerate(LEVELS)})
FREQUENCY_RANK: Mapping[str, int] = MappingProxyType(
    {"common": 4, "uncommon": 3, "rare": 2, "very_rare": 1, "unknown": 2}
)


def higher(a: str, b: str) -> str:
    """The more urgent of two levels."""
    return a if LEVEL_RANK[a] >= LEVEL_RANK[b] else b


@dataclass(frozen=True)
class Window:
    """Days after treatment during which something usually starts; max None = no upper limit."""

    min_days: int
    max_days: int | None

    @property
    def tolerance(self) -> int:
        """Onset windows in the sources are approximate: widen them by a quarter, at least a day."""
        span = self.min_days if self.max_days is None else self.max_days - self.min_days
        return max(1, -(-span // 4))

    def contains(self, day: int) -> bool:
        tol = self.tolerance
        if day < self.min_days - tol:
            return False
        return self.max_days is None or day <= self.max_days + tol

    def describe(self, language: str = "en") -> str:
        if language == "es":
            if self.max_days is None:
                return f"desde el día {self.min_days}"
            return f"entre los días {self.min_days} y {self.max_days}"
        if self.max_days is None:
            return f"from day {self.min_days} on"
        return f"between days {self.min_days} and {self.max_days}"


@dataclass(frozen=True)
class Text:
    """Patient-facing text in English and Spanish."""

    en: str
    es: str

    def get(self, language: str) -> str:
        return self.es if language == "es" and self.es else self.en


def _text(row: Mapping[str, Any], key: str) -> Text:
    return Text(row.get(key) or "", row.get(f"{key}_es") or "")


@dataclass(frozen=True)
class Symptom:
    slug: str
    label: Text
    group: str
    position: int = 0


@dataclass(frozen=True)
class Area:
    slug: str
    name: Text


@dataclass(frozen=True)
class Source:
    code: str
    title: str
    url: str
    grade: str


@dataclass(frozen=True)
class WarningSign:
    symptom: str
    weight: float
    urgency: str
    except_procedures: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Rule:
    """Fires when every clause has at least one of its symptoms present."""

    slug: str
    name: str
    complication: str
    urgency: str
    explanation: Text
    clauses: tuple[frozenset[str], ...]
    procedures: frozenset[str] = frozenset()
    except_procedures: frozenset[str] = frozenset()
    areas: frozenset[str] = frozenset()
    min_day: int | None = None
    max_day: int | None = None
    trend: str | None = None

    def applies(self, procedure: str, day: int, area: str | None, trend: str | None = None) -> bool:
        if self.procedures and procedure not in self.procedures:
            return False
        if procedure in self.except_procedures:
            return False
        # An unknown area counts as matching: not knowing must never lower the level.
        if self.areas and area is not None and area not in self.areas:
            return False
        # A rule about how symptoms are going applies only when the patient told us that trend.
        if self.trend and trend != self.trend:
            return False
        if self.min_day is not None and day < self.min_day:
            return False
        return self.max_day is None or day <= self.max_day

    def match(self, present: frozenset[str]) -> frozenset[str] | None:
        """The symptoms that satisfied the rule, or None when a clause is unmet."""
        matched: set[str] = set()
        for clause in self.clauses:
            hit = clause & present
            if not hit:
                return None
            matched |= hit
        return frozenset(matched)


@dataclass(frozen=True)
class Complication:
    slug: str
    name: Text
    summary: Text
    what_to_do: Text
    self_care: Text
    escalation: Text
    evidence_note: Text
    default_urgency: str
    cross_cutting: bool
    default_onset: Window
    typical_areas: frozenset[str]
    sources: tuple[str, ...]
    warning_signs: tuple[WarningSign, ...]
    rules: tuple[Rule, ...]


@dataclass(frozen=True)
class Link:
    """A complication as it applies to one procedure."""

    complication: str
    window: Window
    frequency: str
    frequency_band: str
    evidence_grade: str
    urgency: str
    note: Text
    explicit: bool = True


@dataclass(frozen=True)
class ExpectedEffect:
    slug: str
    name: Text
    description: Text
    symptoms: frozenset[str]
    normal_until_day: int
    worst_by_day: int
    level_after: str
    becomes: str | None
    sources: tuple[str, ...] = ()
    improving_until_day: int | None = None

    def explains_on(self, day: int, trend: str | None) -> bool:
        """Whether the effect is still the normal explanation of its symptoms on this day."""
        if trend == "worsening" and day > self.worst_by_day:
            return False  # growing after its usual peak is not normal
        if day <= self.normal_until_day:
            return True
        return trend == "improving" and self.improving_until_day is not None and day <= self.improving_until_day


@dataclass(frozen=True)
class Procedure:
    slug: str
    name: Text
    aliases: tuple[str, ...]
    kind: str
    description: Text
    expected_effects: tuple[ExpectedEffect, ...]
    links: Mapping[str, Link]
    position: int = 0


@dataclass(frozen=True)
class KnowledgeBase:
    version: str
    symptoms: Mapping[str, Symptom]
    areas: Mapping[str, Area]
    sources: Mapping[str, Source]
    complications: Mapping[str, Complication]
    procedures: Mapping[str, Procedure]
    rules: tuple[Rule, ...] = field(default=())

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], version: str) -> KnowledgeBase:
        """Build the snapshot from release data (the fixture format)."""
        symptoms = {
            row["slug"]: Symptom(row["slug"], _text(row, "label"), row["group"], row.get("position", i))
            for i, row in enumerate(data.get("symptoms", []))
        }
        areas = {row["slug"]: Area(row["slug"], _text(row, "name")) for row in data.get("areas", [])}
        sources = {
            row["code"]: Source(row["code"], row.get("title", ""), row.get("url", ""), row.get("grade", ""))
            for row in data.get("sources", [])
        }
        complications: dict[str, Complication] = {}
        all_rules: list[Rule] = []
        for row in data.get("complications", []):
            onset = row.get("default_onset_days") or [0, None]
            rules = tuple(
                Rule(
                    slug=r["slug"],
                    name=r.get("name", r["slug"]),
                    complication=row["slug"],
                    urgency=r["urgency"],
                    explanation=_text(r, "explanation"),
                    clauses=tuple(frozenset(clause) for clause in r["clauses"]),
                    procedures=frozenset(r.get("procedures") or ()),
                    except_procedures=frozenset(r.get("except_procedures") or ()),
                    areas=frozenset(r.get("areas") or ()),
                    min_day=r.get("min_day"),
                    max_day=r.get("max_day"),
                    trend=r.get("trend") or None,
                )
                for r in row.get("rules", [])
            )
            all_rules.extend(rules)
            complications[row["slug"]] = Complication(
                slug=row["slug"],
                name=_text(row, "name"),
                summary=_text(row, "summary"),
                what_to_do=_text(row, "what_to_do"),
                self_care=_text(row, "self_care"),
                escalation=_text(row, "escalation"),
                evidence_note=_text(row, "evidence_note"),
                default_urgency=row["default_urgency"],
                cross_cutting=bool(row.get("cross_cutting")),
                default_onset=Window(int(onset[0]), None if onset[1] is None else int(onset[1])),
                typical_areas=frozenset(row.get("typical_areas") or ()),
                sources=tuple(row.get("sources") or ()),
                warning_signs=tuple(
                    WarningSign(
                        ws["symptom"],
                        float(ws["weight"]),
                        ws["urgency"],
                        frozenset(ws.get("except_procedures") or ()),
                    )
                    for ws in row.get("warning_signs", [])
                ),
                rules=rules,
            )
        cross_cutting = [c for c in complications.values() if c.cross_cutting]
        procedures: dict[str, Procedure] = {}
        for i, row in enumerate(data.get("procedures", [])):
            links: dict[str, Link] = {}
            for link in row.get("complications", []):
                links[link["complication"]] = Link(
                    complication=link["complication"],
                    window=Window(int(link["onset_min_days"]), link.get("onset_max_days")),
                    frequency=link.get("frequency", ""),
                    frequency_band=link.get("frequency_band", "unknown"),
                    evidence_grade=link.get("evidence_grade", ""),
                    urgency=link["urgency"],
                    note=_text(link, "note"),
                )
            for comp in cross_cutting:
                links.setdefault(
                    comp.slug,
                    Link(comp.slug, comp.default_onset, "", "unknown", "", comp.default_urgency, Text("", ""), False),
                )
            procedures[row["slug"]] = Procedure(
                slug=row["slug"],
                name=_text(row, "name"),
                aliases=tuple(row.get("aliases") or ()),
                kind=row.get("kind", ""),
                description=_text(row, "description"),
                expected_effects=tuple(
                    ExpectedEffect(
                        slug=e["slug"],
                        name=_text(e, "name"),
                        description=_text(e, "description"),
                        symptoms=frozenset(e.get("symptoms") or ()),
                        normal_until_day=int(e["normal_until_day"]),
                        worst_by_day=int(e.get("worst_by_day") or 0),
                        level_after=e.get("level_after") or "soon",
                        becomes=e.get("becomes"),
                        sources=tuple(e.get("sources") or ()),
                        improving_until_day=e.get("improving_until_day"),
                    )
                    for e in row.get("expected_effects", [])
                ),
                links=MappingProxyType(links),
                position=row.get("position", i),
            )
        return cls(
            version=version,
            symptoms=MappingProxyType(symptoms),
            areas=MappingProxyType(areas),
            sources=MappingProxyType(sources),
            complications=MappingProxyType(complications),
            procedures=MappingProxyType(procedures),
            rules=tuple(all_rules),
        )

    @cached_property
    def emergency_screen_symptoms(self) -> tuple[str, ...]:
        """Symptoms that on their own mean an emergency after any treatment (worked out once per
        snapshot, not per request).

        These are the questions of the first, NHS-111-style screen: warning signs of
        cross-cutting complications with an emergency level and no procedure exceptions, plus
        one-symptom emergency rules that apply to every procedure on every day.
        """
        slugs: set[str] = set()
        for comp in self.complications.values():
            if not comp.cross_cutting:
                continue
            for ws in comp.warning_signs:
                if ws.urgency == "emergency" and not ws.except_procedures:
                    slugs.add(ws.symptom)
        for rule in self.rules:
            unscoped = not (rule.procedures or rule.except_procedures or rule.areas)
            open_days = rule.min_day is None and rule.max_day is None
            if rule.urgency == "emergency" and unscoped and open_days and len(rule.clauses) == 1:
                comp = self.complications.get(rule.complication)
                if comp is not None and comp.cross_cutting:
                    slugs |= rule.clauses[0]
        return tuple(sorted(slugs, key=lambda s: (self.symptoms[s].position, s) if s in self.symptoms else (0, s)))
