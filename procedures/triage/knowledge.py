"""An immutable, in-memory snapshot of the published knowledge base.

Built once from a release's JSON (the same shape as the files in fixtures/knowledge_base/, see
docs/knowledge-base.md) and then shared read-only by every assessment in the process. Nothing
here touches a database.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from types import MappingProxyType
from typing import Any

from .messages import DEFAULT_LANGUAGE, EMPTY_TEXT, Message, Text, _
from .scales import EMERGENCY, IMPROVING, SOON, UNKNOWN_FREQUENCY, WORSENING


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

    def describe(self) -> Message:
        if self.max_days is None:
            return Message.of(_("from day {first} on"), first=self.min_days)
        return Message.of(_("between days {first} and {last}"), first=self.min_days, last=self.max_days)


def _text(row: Mapping[str, Any], key: str, languages: Sequence[str] | None) -> Text:
    """A translated field of a release row: `key` in English, `key_<language>` for the others
    (every language the row has when `languages` is None)."""
    values = {DEFAULT_LANGUAGE: row.get(key) or ""}
    if languages is None:
        prefix = f"{key}_"
        languages = [
            k[len(prefix) :] for k in row if k.startswith(prefix) and _LANGUAGE_CODE.fullmatch(k[len(prefix) :])
        ]
    for language in languages:
        if language != DEFAULT_LANGUAGE and row.get(f"{key}_{language}"):
            values[language] = row[f"{key}_{language}"]
    return Text(MappingProxyType(values))


_LANGUAGE_CODE = re.compile(r"[a-z]{2}(?:-[a-z]{2,4})?")


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
    within: str | None = None  # a finer area lies within a broader one: lips within face


@dataclass(frozen=True)
class RiskEffect:
    """What a risk factor does to the level of named complications (brief 8.2), scoped by procedure.

    `raise_steps` lifts the level the patient's symptoms already gave those complications;
    `floor` sets a level the complication reaches whenever the risk factor is reported (with
    `evidence_weight` > 0 it is listed even when no symptom points to it, e.g. a blood-borne
    virus test after unsafe equipment, with nothing to feel).
    """

    complications: frozenset[str]
    procedures: frozenset[str] = frozenset()
    raise_steps: int = 0
    floor: str | None = None
    evidence_weight: float = 0.0
    route_fallback: Text = EMPTY_TEXT  # said instead of the usual fallback for these complications

    def applies_to(self, procedure: str) -> bool:
        return not self.procedures or procedure in self.procedures


@dataclass(frozen=True)
class RiskFactor:
    slug: str
    label: Text
    group: str
    meaning: Text
    effects: tuple[RiskEffect, ...] = ()
    position: int = 0


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
    route: str | None = None  # where to go first when the rule fires (None = its complication's or the level's)
    route_fallback: Text = EMPTY_TEXT
    # A system red flag (brief section 5: "apply to ANY procedure") reaches every procedure, also
    # one its complication is not linked to, such as a procedure staff added yesterday.
    system_red_flag: bool = False

    def applies(self, procedure: str, day: int, areas: frozenset[str] | None, trend: str | None = None) -> bool:
        """Whether the rule is in scope. `areas` is the treated area with every area it lies within
        (None when the patient did not say)."""
        if self.procedures and procedure not in self.procedures:
            return False
        if procedure in self.except_procedures:
            return False
        # An unknown area counts as matching: not knowing must never lower the level.
        if self.areas and areas is not None and not self.areas & areas:
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
    # Where to go first when this complication makes it an emergency after this procedure
    # (a blocked vessel after HA filler: the treating clinic, which holds the antidote; brief 8.1).
    emergency_route: str | None = None
    emergency_route_fallback: Text = EMPTY_TEXT


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
    # The last day on which this effect usually begins. A symptom that first appears later, after
    # a symptom-free interval, is not this immediate after-effect (brief 8.3).
    onset_by_day: int = 1

    def began_too_late(self, symptoms_started_day: int | None) -> bool:
        return symptoms_started_day is not None and symptoms_started_day > self.onset_by_day

    def explains_on(self, day: int, trend: str | None) -> bool:
        """Whether the effect is still the normal explanation of its symptoms on this day."""
        if trend == WORSENING and day > self.worst_by_day:
            return False  # growing after its usual peak is not normal
        if day <= self.normal_until_day:
            return True
        return trend == IMPROVING and self.improving_until_day is not None and day <= self.improving_until_day


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
    # Complications this procedure is not linked to that own a system red flag rule (brief
    # section 5: those apply to ANY procedure, including one staff add tomorrow). Only those rules
    # count here, never the complication's warning signs: a rule needs the whole pattern (dark
    # urine *with* swollen muscles), so an unrelated complication is named only when its red flag
    # is really there, and is never ranked from a single weak sign the way a linked one is.
    red_flag_links: Mapping[str, Link] = field(default_factory=lambda: MappingProxyType({}))

    def link_to(self, complication: str) -> Link:
        """How a complication applies here: its link, or the implicit one of a system red flag."""
        link = self.links.get(complication)
        return link if link is not None else self.red_flag_links[complication]


@dataclass(frozen=True)
class SignEntry:
    """One warning sign of a complication linked to a procedure, in the order the engine weighs them."""

    position: int
    complication: Complication
    link: Link
    sign: WarningSign


@dataclass(frozen=True)
class ProcedureIndex:
    """The rules and warning signs that can count after one procedure, by the symptom that lets
    them count (worked out once per snapshot).

    An assessment looks up only what its reported symptoms can touch, so its cost is set by what
    the patient reported, not by how many procedures, complications and rules the knowledge base
    holds. A rule is filed under the symptoms of its smallest clause: it can fire only if that
    clause is met. Positions keep the order a full scan would give (rules in release order,
    warning signs by link then sign), so results do not depend on the index.
    """

    rules_by_symptom: Mapping[str, tuple[tuple[int, Rule], ...]]
    signs_by_symptom: Mapping[str, tuple[SignEntry, ...]]
    clauseless_rules: tuple[tuple[int, Rule], ...] = ()  # no clause: met by any answers

    def rules_touched(self, present: frozenset[str]) -> tuple[Rule, ...]:
        found = dict(self.clauseless_rules)
        for symptom in present:
            found.update(self.rules_by_symptom.get(symptom, ()))
        return tuple(found[position] for position in sorted(found))

    def signs_touched(self, present: frozenset[str]) -> tuple[SignEntry, ...]:
        entries = [entry for symptom in present for entry in self.signs_by_symptom.get(symptom, ())]
        entries.sort(key=lambda entry: entry.position)
        return tuple(entries)


def index_procedure(
    procedure: Procedure, rules: Sequence[Rule], complications: Mapping[str, Complication]
) -> ProcedureIndex:
    """File the procedure's rules and warning signs under the symptoms that let them count."""
    rules_by_symptom: dict[str, list[tuple[int, Rule]]] = {}
    clauseless: list[tuple[int, Rule]] = []
    for position, rule in enumerate(rules):
        reaches = rule.complication in procedure.links or (
            rule.system_red_flag and rule.complication in procedure.red_flag_links
        )
        in_scope = reaches and procedure.slug not in rule.except_procedures
        if not in_scope or (rule.procedures and procedure.slug not in rule.procedures):
            continue
        if not rule.clauses:
            clauseless.append((position, rule))
            continue
        for symptom in min(rule.clauses, key=len):
            rules_by_symptom.setdefault(symptom, []).append((position, rule))
    signs_by_symptom: dict[str, list[SignEntry]] = {}
    position = 0
    for slug, link in procedure.links.items():
        complication = complications.get(slug)
        if complication is None:
            continue
        for sign in complication.warning_signs:
            if procedure.slug not in sign.except_procedures:
                signs_by_symptom.setdefault(sign.symptom, []).append(SignEntry(position, complication, link, sign))
                position += 1
    return ProcedureIndex(
        MappingProxyType({s: tuple(found) for s, found in rules_by_symptom.items()}),
        MappingProxyType({s: tuple(found) for s, found in signs_by_symptom.items()}),
        tuple(clauseless),
    )


@dataclass(frozen=True, eq=False)  # compared and hashed by identity: a release is one snapshot
class KnowledgeBase:
    version: str
    symptoms: Mapping[str, Symptom]
    areas: Mapping[str, Area]
    sources: Mapping[str, Source]
    complications: Mapping[str, Complication]
    procedures: Mapping[str, Procedure]
    rules: tuple[Rule, ...] = field(default=())
    risk_factors: Mapping[str, RiskFactor] = field(default_factory=lambda: MappingProxyType({}))

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], version: str, languages: Sequence[str] | None = None) -> KnowledgeBase:
        """Build the snapshot from release data (the fixture format), keeping the translations of
        `languages` (every translation the data has when None; English is always kept)."""
        reader = _RowReader(None if languages is None else tuple(languages))
        complications = {row["slug"]: reader.complication(row) for row in data.get("complications", [])}
        cross_cutting = tuple(c for c in complications.values() if c.cross_cutting)
        red_flags = tuple(
            c for c in complications.values() if not c.cross_cutting and any(r.system_red_flag for r in c.rules)
        )
        return cls(
            version=version,
            symptoms=MappingProxyType(
                {row["slug"]: reader.symptom(row, i) for i, row in enumerate(data.get("symptoms", []))}
            ),
            areas=MappingProxyType({row["slug"]: reader.area(row) for row in data.get("areas", [])}),
            sources=MappingProxyType({row["code"]: reader.source(row) for row in data.get("sources", [])}),
            complications=MappingProxyType(complications),
            procedures=MappingProxyType(
                {
                    row["slug"]: reader.procedure(row, i, cross_cutting, red_flags)
                    for i, row in enumerate(data.get("procedures", []))
                }
            ),
            rules=tuple(rule for comp in complications.values() for rule in comp.rules),
            risk_factors=MappingProxyType(
                {row["slug"]: reader.risk_factor(row, i) for i, row in enumerate(data.get("risk_factors", []))}
            ),
        )

    def area_with_broader(self, slug: str | None) -> frozenset[str]:
        """The area and every area it lies within: what is said of the face holds for the lips."""
        found: set[str] = set()
        while slug is not None and slug not in found:
            found.add(slug)
            area = self.areas.get(slug)
            slug = area.within if area is not None else None
        return frozenset(found)

    @cached_property
    def procedure_index(self) -> Mapping[str, ProcedureIndex]:
        """Per procedure, its rules and warning signs by symptom (see ProcedureIndex)."""
        return MappingProxyType(
            {slug: index_procedure(p, self.rules, self.complications) for slug, p in self.procedures.items()}
        )

    def prepare(self) -> None:
        """Work out now everything worked out once per snapshot, so that no assessment pays for it."""
        for worked_out_once in ("procedure_index", "procedures_linked", "emergency_screen_symptoms"):
            getattr(self, worked_out_once)

    @cached_property
    def procedures_linked(self) -> Mapping[str, frozenset[str]]:
        """Per complication, the procedures it is linked to (worked out once per snapshot)."""
        linked: dict[str, set[str]] = {}
        for slug, procedure in self.procedures.items():
            for complication in procedure.links:
                linked.setdefault(complication, set()).add(slug)
        return MappingProxyType({c: frozenset(p) for c, p in linked.items()})

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
                if ws.urgency == EMERGENCY.value and not ws.except_procedures:
                    slugs.add(ws.symptom)
        for rule in self.rules:
            unscoped = not (rule.procedures or rule.except_procedures or rule.areas)
            open_days = rule.min_day is None and rule.max_day is None
            if rule.urgency == EMERGENCY.value and unscoped and open_days and len(rule.clauses) == 1:
                owner = self.complications.get(rule.complication)
                if owner is not None and owner.cross_cutting:
                    slugs |= rule.clauses[0]
        return tuple(sorted(slugs, key=lambda s: (self.symptoms[s].position, s) if s in self.symptoms else (0, s)))


def _implicit_link(comp: Complication) -> Link:
    """The link a complication has to a procedure staff did not link it to: its own default window
    and level."""
    return Link(comp.slug, comp.default_onset, "", UNKNOWN_FREQUENCY, "", comp.default_urgency, EMPTY_TEXT, False)


@dataclass(frozen=True)
class _RowReader:
    """Turns release rows (docs/knowledge-base.md) into snapshot objects."""

    languages: tuple[str, ...] | None

    def text(self, row: Mapping[str, Any], key: str) -> Text:
        return _text(row, key, self.languages)

    def symptom(self, row: Mapping[str, Any], position: int) -> Symptom:
        return Symptom(row["slug"], self.text(row, "label"), row["group"], row.get("position", position))

    def area(self, row: Mapping[str, Any]) -> Area:
        return Area(row["slug"], self.text(row, "name"), row.get("within") or None)

    def risk_factor(self, row: Mapping[str, Any], position: int) -> RiskFactor:
        return RiskFactor(
            slug=row["slug"],
            label=self.text(row, "label"),
            group=row.get("group", ""),
            meaning=self.text(row, "meaning"),
            effects=tuple(
                RiskEffect(
                    complications=frozenset(effect.get("complications") or ()),
                    procedures=frozenset(effect.get("procedures") or ()),
                    raise_steps=int(effect.get("raise_steps") or 0),
                    floor=effect.get("floor") or None,
                    evidence_weight=float(effect.get("evidence_weight") or 0.0),
                    route_fallback=self.text(effect, "route_fallback"),
                )
                for effect in row.get("effects", [])
            ),
            position=row.get("position", position),
        )

    def source(self, row: Mapping[str, Any]) -> Source:
        return Source(row["code"], row.get("title", ""), row.get("url", ""), row.get("grade", ""))

    def rule(self, row: Mapping[str, Any], complication: str) -> Rule:
        return Rule(
            slug=row["slug"],
            name=row.get("name", row["slug"]),
            complication=complication,
            urgency=row["urgency"],
            explanation=self.text(row, "explanation"),
            clauses=tuple(frozenset(clause) for clause in row["clauses"]),
            procedures=frozenset(row.get("procedures") or ()),
            except_procedures=frozenset(row.get("except_procedures") or ()),
            areas=frozenset(row.get("areas") or ()),
            min_day=row.get("min_day"),
            max_day=row.get("max_day"),
            trend=row.get("trend") or None,
            route=row.get("route") or None,
            route_fallback=self.text(row, "route_fallback"),
            system_red_flag=bool(row.get("system_red_flag")),
        )

    def complication(self, row: Mapping[str, Any]) -> Complication:
        onset = row.get("default_onset_days") or [0, None]
        return Complication(
            slug=row["slug"],
            name=self.text(row, "name"),
            summary=self.text(row, "summary"),
            what_to_do=self.text(row, "what_to_do"),
            self_care=self.text(row, "self_care"),
            escalation=self.text(row, "escalation"),
            evidence_note=self.text(row, "evidence_note"),
            default_urgency=row["default_urgency"],
            cross_cutting=bool(row.get("cross_cutting")),
            default_onset=Window(int(onset[0]), None if onset[1] is None else int(onset[1])),
            typical_areas=frozenset(row.get("typical_areas") or ()),
            sources=tuple(row.get("sources") or ()),
            warning_signs=tuple(
                WarningSign(
                    ws["symptom"], float(ws["weight"]), ws["urgency"], frozenset(ws.get("except_procedures") or ())
                )
                for ws in row.get("warning_signs", [])
            ),
            rules=tuple(self.rule(r, row["slug"]) for r in row.get("rules", [])),
        )

    def link(self, row: Mapping[str, Any]) -> Link:
        return Link(
            complication=row["complication"],
            window=Window(int(row["onset_min_days"]), row.get("onset_max_days")),
            frequency=row.get("frequency", ""),
            frequency_band=row.get("frequency_band", UNKNOWN_FREQUENCY),
            evidence_grade=row.get("evidence_grade", ""),
            urgency=row["urgency"],
            note=self.text(row, "note"),
            emergency_route=row.get("emergency_route") or None,
            emergency_route_fallback=self.text(row, "emergency_route_fallback"),
        )

    def expected_effect(self, row: Mapping[str, Any]) -> ExpectedEffect:
        return ExpectedEffect(
            slug=row["slug"],
            name=self.text(row, "name"),
            description=self.text(row, "description"),
            symptoms=frozenset(row.get("symptoms") or ()),
            normal_until_day=int(row["normal_until_day"]),
            worst_by_day=int(row.get("worst_by_day") or 0),
            level_after=row.get("level_after") or SOON.value,
            becomes=row.get("becomes"),
            sources=tuple(row.get("sources") or ()),
            improving_until_day=row.get("improving_until_day"),
            onset_by_day=int(row["onset_by_day"]) if row.get("onset_by_day") is not None else 1,
        )

    def procedure(
        self,
        row: Mapping[str, Any],
        position: int,
        cross_cutting: Sequence[Complication],
        red_flags: Sequence[Complication] = (),
    ) -> Procedure:
        links = {link["complication"]: self.link(link) for link in row.get("complications", [])}
        # Cross-cutting complications (infection, sepsis, anaphylaxis...) follow every procedure:
        # linked implicitly, with their own default window and level.
        for comp in cross_cutting:
            links.setdefault(comp.slug, _implicit_link(comp))
        red_flag_links = {comp.slug: _implicit_link(comp) for comp in red_flags if comp.slug not in links}
        return Procedure(
            slug=row["slug"],
            name=self.text(row, "name"),
            aliases=tuple(row.get("aliases") or ()),
            kind=row.get("kind", ""),
            description=self.text(row, "description"),
            expected_effects=tuple(self.expected_effect(e) for e in row.get("expected_effects", [])),
            links=MappingProxyType(links),
            position=row.get("position", position),
            red_flag_links=MappingProxyType(red_flag_links),
        )
