"""Content integrity checks over knowledge-base data (the fixture/release format).

Built like Django's password validation: `check_knowledge_base()` runs a list of small checks
(`DEFAULT_CHECKS`), each a class with a `name` and a `problems()` method that can be run and
tested alone. A problem is a plain sentence naming the row, prefixed with the name of the check
that found it: "[vocabulary] symptom 'x' from the shared vocabulary is missing". An empty list
means the content is whole.

Pure: no database. Which tables there are, their keys, how their rows are named and which of
their text must be there come from kb_schema; in which languages, from settings
(KNOWLEDGE_BASE_REQUIRED_LANGUAGES, see languages.py).
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

from .kb_schema import (
    COMPLICATION,
    EXPECTED_EFFECT,
    LINK,
    PROCEDURE,
    RISK_EFFECT,
    RULE,
    SECTIONS,
    SOURCE,
    WARNING_SIGN,
    Node,
    Table,
    Text,
    walk,
)
from .languages import required_languages, source_language
from .triage import scales

# The closed vocabularies, from their one home (procedures/triage/scales.py).
LEVELS = frozenset(scales.LEVELS)
GRADES = frozenset(grade.value for grade in scales.EVIDENCE_GRADES)
BANDS = frozenset(band.value for band in scales.FREQUENCY_BANDS)
TRENDS = (None, "", *scales.TRENDS)

Vocabulary = Mapping[str, list[dict[str, str]]]

VOCABULARY_TABLES: tuple[Table, ...] = tuple(table for table in SECTIONS if table.in_vocabulary)
"""The tables whose slugs shared/vocabulary/<section>.csv lists."""


def read_vocabulary(directory: Path) -> dict[str, list[dict[str, str]]]:
    """The canonical slugs from shared/vocabulary/*.csv."""
    vocabulary = {}
    for table in VOCABULARY_TABLES:
        with (directory / f"{table.section}.csv").open(encoding="utf-8", newline="") as handle:
            vocabulary[table.section] = list(csv.DictReader(handle))
    return vocabulary


def shared_vocabulary(directory: Path) -> dict[str, list[dict[str, str]]] | None:
    """The shared vocabulary, or None when the shared folder is not beside the repo (checks then
    run without it rather than fail)."""
    return read_vocabulary(directory) if directory.is_dir() else None


def _missing_text(node: Mapping[str, Any], text: Text, languages: Sequence[str]) -> list[str]:
    """The keys of `text` that are empty in `node` when they should not be, for `languages` (the
    source language first, as its own name; the others as `<name>_<code>`)."""
    source = source_language()
    keys = [text.name if language == source else text.key(language) for language in languages]
    empty = [key for key in keys if not (node.get(key) or "").strip()]
    if text.optional and len(empty) == len(keys):
        return []  # optional text may be absent, but then in every language, never in some only
    return empty


@dataclass(frozen=True)
class Content:
    """The data under check: each top-level table's rows by key (a repeated key keeps its last
    row), and the shared vocabulary (None = check without it)."""

    sources: dict[str, Node]
    areas: dict[str, Node]
    symptoms: dict[str, Node]
    complications: dict[str, Node]
    procedures: dict[str, Node]
    risk_factors: dict[str, Node] = field(default_factory=dict)
    vocabulary: Vocabulary | None = None

    @classmethod
    def of(cls, data: Mapping[str, Any], vocabulary: Vocabulary | None = None) -> Content:
        rows = {table.section: _by_key(table, data.get(table.section, [])) for table in SECTIONS}
        return cls(**rows, vocabulary=vocabulary)

    def rows(self, table: Table) -> dict[str, Node]:
        """The rows of a top-level table, by key."""
        return getattr(self, table.section)

    def each(self, table: Table) -> Iterator[tuple[Node, str]]:
        """Every row of `table`, nested or not, with the words that name it in a problem."""
        for found, node, parent in walk((t, self.rows(t).values()) for t in SECTIONS):
            if found is table:
                yield node, table.describe(node, parent)

    @property
    def cross_cutting(self) -> set[str]:
        """The complications linked to every procedure."""
        return {slug for slug, c in self.complications.items() if c.get("cross_cutting")}


def _by_key(table: Table, nodes: Iterable[Node]) -> dict[str, Node]:
    rows = {}
    for node in nodes:
        (key,) = table.node_key(node)
        rows[key] = node
    return rows


def _linked(procedure: Node) -> set[str]:
    """The complications a procedure links explicitly."""
    return {link["complication"] for link in procedure.get("complications", [])}


# --- The checks ---------------------------------------------------------------------------------


class Check:
    """One integrity check: `problems()` yields what it finds, each a sentence naming a row."""

    name: ClassVar[str]

    def problems(self, kb: Content) -> Iterator[str]:
        raise NotImplementedError

    def run(self, kb: Content) -> list[str]:
        """The problems found, each prefixed with the check's name."""
        return [f"[{self.name}] {problem}" for problem in self.problems(kb)]


class VocabularyCheck(Check):
    """Every slug of the shared vocabulary has its row."""

    name = "vocabulary"

    def problems(self, kb: Content) -> Iterator[str]:
        if kb.vocabulary is None:
            return
        for table in VOCABULARY_TABLES:
            present = kb.rows(table)
            for row in kb.vocabulary.get(table.section, []):
                if row["slug"] not in present:
                    yield f"{table.describe({'slug': row['slug']})} from the shared vocabulary is missing"


class VocabularyLinksCheck(Check):
    """Every procedure links the complications the shared vocabulary lists for it (cross-cutting
    complications are linked to every procedure anyway)."""

    name = "vocabulary-links"

    def problems(self, kb: Content) -> Iterator[str]:
        if kb.vocabulary is None:
            return
        for row in kb.vocabulary[COMPLICATION.section]:
            complication = kb.complications.get(row["slug"])
            if complication is None or complication.get("cross_cutting"):
                continue
            for slug in (p.strip() for p in row["procedures"].split(";")):
                if slug != "any" and slug in kb.procedures and row["slug"] not in _linked(kb.procedures[slug]):
                    yield (
                        f"{PROCEDURE.describe({'slug': slug})} does not link "
                        f"{COMPLICATION.describe({'slug': row['slug']})} (vocabulary lists it)"
                    )


class TextCheck(Check):
    """Patient text is there in English and in every required language
    (settings.KNOWLEDGE_BASE_REQUIRED_LANGUAGES, unless `languages` is given); optional text is in
    all of them or in none. Text missing in a language not required falls back to English."""

    name = "text"

    def __init__(self, languages: Sequence[str] | None = None) -> None:
        self.languages = languages

    def problems(self, kb: Content) -> Iterator[str]:
        languages = required_languages() if self.languages is None else self.languages
        for table, node, parent in walk((t, kb.rows(t).values()) for t in SECTIONS):
            for text in table.texts:
                for missing in _missing_text(node, text, languages):
                    yield f"{table.describe(node, parent)} has no {missing}"


class SourceCheck(Check):
    """Every source has a title and a valid evidence grade."""

    name = "sources"

    def problems(self, kb: Content) -> Iterator[str]:
        for source, where in kb.each(SOURCE):
            if source.get("grade") not in GRADES:
                yield f"{where} has no valid evidence grade"
            if not (source.get("title") or "").strip():
                yield f"{where} has no title"


class ComplicationCheck(Check):
    """Every complication has a valid default urgency and onset window, cites at least one known
    source, names only known areas, and has at least one warning sign."""

    name = "complications"

    def problems(self, kb: Content) -> Iterator[str]:
        for c, where in kb.each(COMPLICATION):
            if c.get("default_urgency") not in LEVELS:
                yield f"{where} has no valid default urgency"
            if not c.get("sources"):
                yield f"{where} has no source"
            for code in c.get("sources", []):
                if code not in kb.sources:
                    yield f"{where} cites unknown source '{code}'"
            onset = c.get("default_onset_days") or [0, None]
            if onset[1] is not None and onset[0] > onset[1]:
                yield f"{where} default onset starts after it ends"
            for area in c.get("typical_areas", []):
                if area not in kb.areas:
                    yield f"{where} names unknown area '{area}'"
            if not c.get("warning_signs"):
                yield f"{where} has no warning sign"


class WarningSignCheck(Check):
    """Every warning sign names a known symptom, a valid level, a weight in (0, 1], and excepts
    only known procedures."""

    name = "warning-signs"

    def problems(self, kb: Content) -> Iterator[str]:
        for ws, where in kb.each(WARNING_SIGN):
            if ws.get("symptom") not in kb.symptoms:
                yield f"{where} names an unknown symptom"
            if ws.get("urgency") not in LEVELS:
                yield f"{where} has no valid level"
            weight = ws.get("weight")
            if not isinstance(weight, (int, float)) or not 0 < weight <= 1:
                yield f"{where} has a weight outside (0, 1]"
            for p in ws.get("except_procedures", []):
                if p not in kb.procedures:
                    yield f"{where} excepts unknown procedure '{p}'"


class RuleCheck(Check):
    """Every combination rule has a slug of its own, a valid level, clauses that are not empty,
    a known trend and a day window the right way round, and names only known symptoms,
    procedures and areas; a system red flag is urgent or emergency and not limited to some
    procedures."""

    name = "rules"

    def problems(self, kb: Content) -> Iterator[str]:
        seen: set[str] = set()
        for rule, where in kb.each(RULE):
            if rule.get("slug") in seen:
                yield f"{where} repeats a rule slug"
            seen.add(rule.get("slug"))
            if rule.get("urgency") not in LEVELS:
                yield f"{where} has no valid level"
            if not rule.get("clauses") or not all(rule["clauses"]):
                yield f"{where} has an empty clause"
            yield from self._unknown_names(rule, where, kb)
            if rule.get("trend") not in TRENDS:
                yield f"{where} has an unknown trend"
            first, last = rule.get("min_day"), rule.get("max_day")
            if first is not None and last is not None and first > last:
                yield f"{where} has min_day after max_day"
            if rule.get("system_red_flag"):
                # A system red flag reaches every procedure: one limited to some, or below
                # urgent, says two things at once.
                if rule.get("urgency") not in ("urgent", "emergency"):
                    yield f"{where} is a system red flag below urgent"
                if rule.get("procedures"):
                    yield f"{where} is a system red flag limited to some procedures"

    @staticmethod
    def _unknown_names(rule: Node, where: str, kb: Content) -> Iterator[str]:
        for clause in rule.get("clauses", []):
            for symptom in clause:
                if symptom not in kb.symptoms:
                    yield f"{where} names unknown symptom '{symptom}'"
        for p in (*rule.get("procedures", []), *rule.get("except_procedures", [])):
            if p not in kb.procedures:
                yield f"{where} names unknown procedure '{p}'"
        for area in rule.get("areas", []):
            if area not in kb.areas:
                yield f"{where} names unknown area '{area}'"


class ExpectedEffectCheck(Check):
    """Every procedure has expected effects; each names known symptoms, a consistent timeline, a
    valid level after it, and becomes only a complication the procedure links."""

    name = "expected-effects"

    def problems(self, kb: Content) -> Iterator[str]:
        cross_cutting = kb.cross_cutting
        for slug, procedure in kb.procedures.items():
            if not procedure.get("expected_effects"):
                yield f"{PROCEDURE.describe(procedure)} has no expected effects"
            linked = _linked(procedure) | cross_cutting
            for effect in procedure.get("expected_effects", []):
                yield from self._effect(effect, EXPECTED_EFFECT.describe(effect, (slug,)), linked, kb)

    @staticmethod
    def _effect(effect: Node, where: str, linked: set[str], kb: Content) -> Iterator[str]:
        if not effect.get("symptoms"):
            yield f"{where} names no symptom"
        for symptom in effect.get("symptoms", []):
            if symptom not in kb.symptoms:
                yield f"{where} names unknown symptom '{symptom}'"
        if effect.get("worst_by_day", 0) > effect.get("normal_until_day", 0):
            yield f"{where} is at its worst after it should have settled"
        improving = effect.get("improving_until_day")
        if improving is not None and improving < effect.get("normal_until_day", 0):
            yield f"{where} stops being normal when improving before its normal duration ends"
        if effect.get("level_after") not in LEVELS - {scales.LOWEST_LEVEL}:
            yield f"{where} has no valid level after its normal duration"
        if effect.get("becomes") is not None and effect["becomes"] not in linked:
            yield f"{where} becomes '{effect['becomes']}', which the procedure does not link"


class LinkCheck(Check):
    """Every procedure–complication link names a known complication, an onset window the right
    way round, a valid level, evidence grade and frequency band."""

    name = "links"

    def problems(self, kb: Content) -> Iterator[str]:
        for link, where in kb.each(LINK):
            if link.get("complication") not in kb.complications:
                yield f"{where} names an unknown complication"
            last = link.get("onset_max_days")
            if last is not None and link.get("onset_min_days", 0) > last:
                yield f"{where} has its onset window the wrong way round"
            if link.get("urgency") not in LEVELS:
                yield f"{where} has no valid level"
            if link.get("evidence_grade") not in GRADES:
                yield f"{where} has no valid evidence grade"
            if link.get("frequency_band") not in BANDS:
                yield f"{where} has no valid frequency band"


class RiskFactorCheck(Check):
    """Each risk factor's effects name known complications, procedures and sources, and do
    something: raise a level, set a floor, make a complication likelier, or change the fallback."""

    name = "risk-factors"

    def problems(self, kb: Content) -> Iterator[str]:
        for node, where in kb.each(RISK_EFFECT):
            yield from self._refs(kb, node, where)
            steps, floor, weight = (
                node.get("raise_steps") or 0,
                node.get("floor") or "",
                node.get("evidence_weight") or 0,
            )
            if not isinstance(steps, int) or not 0 <= steps <= len(LEVELS) - 1:
                yield f"{where} raises by {steps!r} levels"
            if floor and floor not in LEVELS:
                yield f"{where} has an unknown floor '{floor}'"
            if not isinstance(weight, int | float) or not 0 <= weight <= 1:
                yield f"{where} has an evidence weight outside 0..1"
            if not (steps or floor or weight or node.get("route_fallback")):
                yield f"{where} does nothing (no raise, no floor, no evidence weight, no fallback)"
            if not node.get("sources"):
                yield f"{where} cites no source"

    @staticmethod
    def _refs(kb: Content, node: Node, where: str) -> Iterator[str]:
        for table, name in (
            (kb.complications, "complications"),
            (kb.procedures, "procedures"),
            (kb.sources, "sources"),
        ):
            for slug in node.get(name) or []:
                if slug not in table:
                    yield f"{where} names an unknown {name[:-1]} '{slug}'"
        if not node.get("complications"):
            yield f"{where} names no complication"


DEFAULT_CHECKS: tuple[Check, ...] = (
    RiskFactorCheck(),
    VocabularyCheck(),
    VocabularyLinksCheck(),
    TextCheck(),
    SourceCheck(),
    ComplicationCheck(),
    WarningSignCheck(),
    RuleCheck(),
    ExpectedEffectCheck(),
    LinkCheck(),
)


def check_knowledge_base(
    data: Mapping[str, Any], vocabulary: Vocabulary | None, checks: Sequence[Check] | None = None
) -> list[str]:
    """Every problem that `checks` (DEFAULT_CHECKS unless given) find in `data`."""
    kb = Content.of(data, vocabulary)
    return [problem for check in (DEFAULT_CHECKS if checks is None else checks) for problem in check.run(kb)]
