"""Content integrity checks over knowledge-base data (the fixture/release format).

Pure functions: they take the data and the shared vocabulary and return a list of problems,
each a plain sentence naming the row. An empty list means the content is whole.
"""

from __future__ import annotations

import csv
from collections.abc import Mapping
from pathlib import Path
from typing import Any

LEVELS = {"self_care", "soon", "urgent", "emergency"}
GRADES = {"A", "B", "C", "D"}
BANDS = {"common", "uncommon", "rare", "very_rare", "unknown"}

COMPLICATION_TEXT = ("name", "summary", "what_to_do", "escalation")
COMPLICATION_OPTIONAL_TEXT = ("self_care", "evidence_note")


def read_vocabulary(directory: Path) -> dict[str, list[dict[str, str]]]:
    """The canonical slugs from shared/vocabulary/*.csv."""
    vocabulary = {}
    for name in ("procedures", "symptoms", "areas", "complications"):
        with (directory / f"{name}.csv").open(encoding="utf-8", newline="") as handle:
            vocabulary[name] = list(csv.DictReader(handle))
    return vocabulary


def shared_vocabulary(directory: Path) -> dict[str, list[dict[str, str]]] | None:
    """The shared vocabulary, or None when the shared folder is not beside the repo (checks then
    run without it rather than fail)."""
    return read_vocabulary(directory) if directory.is_dir() else None


def _missing_text(row: Mapping[str, Any], field: str, optional: bool = False) -> list[str]:
    """Names of the language variants of `field` that are empty when they should not be."""
    en, es = (row.get(field) or "").strip(), (row.get(f"{field}_es") or "").strip()
    if optional:
        # Optional text may be absent, but never in one language only.
        if bool(en) != bool(es):
            return [f"{field}_es" if en else field]
        return []
    return [name for name, value in ((field, en), (f"{field}_es", es)) if not value]


def check_knowledge_base(data: Mapping[str, Any], vocabulary: Mapping[str, list[dict[str, str]]] | None) -> list[str]:
    problems: list[str] = []
    add = problems.append

    symptoms = {s["slug"]: s for s in data.get("symptoms", [])}
    areas = {a["slug"]: a for a in data.get("areas", [])}
    sources = {s["code"]: s for s in data.get("sources", [])}
    complications = {c["slug"]: c for c in data.get("complications", [])}
    procedures = {p["slug"]: p for p in data.get("procedures", [])}

    if vocabulary is not None:
        for kind, present in (
            ("procedures", procedures),
            ("symptoms", symptoms),
            ("areas", areas),
            ("complications", complications),
        ):
            for row in vocabulary[kind]:
                if row["slug"] not in present:
                    add(f"{kind[:-1]} '{row['slug']}' from the shared vocabulary is missing")
        for row in vocabulary["complications"]:
            comp = complications.get(row["slug"])
            if comp is None or comp.get("cross_cutting"):
                continue
            for slug in (p.strip() for p in row["procedures"].split(";")):
                if slug == "any" or slug not in procedures:
                    continue
                linked = {link["complication"] for link in procedures[slug].get("complications", [])}
                if row["slug"] not in linked:
                    add(f"procedure '{slug}' does not link complication '{row['slug']}' (vocabulary lists it)")

    for slug, s in symptoms.items():
        for name in _missing_text(s, "label"):
            add(f"symptom '{slug}' has no {name}")
    for slug, a in areas.items():
        for name in _missing_text(a, "name"):
            add(f"area '{slug}' has no {name}")
    for code, s in sources.items():
        if s.get("grade") not in GRADES:
            add(f"source '{code}' has no valid evidence grade")
        if not (s.get("title") or "").strip():
            add(f"source '{code}' has no title")

    rule_slugs: set[str] = set()
    for slug, c in complications.items():
        for field in COMPLICATION_TEXT:
            for name in _missing_text(c, field):
                add(f"complication '{slug}' has no {name}")
        for field in COMPLICATION_OPTIONAL_TEXT:
            for name in _missing_text(c, field, optional=True):
                add(f"complication '{slug}' has no {name}")
        if c.get("default_urgency") not in LEVELS:
            add(f"complication '{slug}' has no valid default urgency")
        if not c.get("sources"):
            add(f"complication '{slug}' has no source")
        for code in c.get("sources", []):
            if code not in sources:
                add(f"complication '{slug}' cites unknown source '{code}'")
        onset = c.get("default_onset_days") or [0, None]
        if onset[1] is not None and onset[0] > onset[1]:
            add(f"complication '{slug}' default onset starts after it ends")
        for area in c.get("typical_areas", []):
            if area not in areas:
                add(f"complication '{slug}' names unknown area '{area}'")
        if not c.get("warning_signs"):
            add(f"complication '{slug}' has no warning sign")
        for ws in c.get("warning_signs", []):
            where = f"warning sign '{ws.get('symptom')}' of '{slug}'"
            if ws.get("symptom") not in symptoms:
                add(f"{where} names an unknown symptom")
            if ws.get("urgency") not in LEVELS:
                add(f"{where} has no valid level")
            weight = ws.get("weight")
            if not isinstance(weight, (int, float)) or not 0 < weight <= 1:
                add(f"{where} has a weight outside (0, 1]")
            for p in ws.get("except_procedures", []):
                if p not in procedures:
                    add(f"{where} excepts unknown procedure '{p}'")
        for rule in c.get("rules", []):
            where = f"rule '{rule.get('slug')}' of '{slug}'"
            if rule.get("slug") in rule_slugs:
                add(f"{where} repeats a rule slug")
            rule_slugs.add(rule.get("slug"))
            if rule.get("urgency") not in LEVELS:
                add(f"{where} has no valid level")
            if not rule.get("clauses") or not all(rule["clauses"]):
                add(f"{where} has an empty clause")
            for clause in rule.get("clauses", []):
                for symptom in clause:
                    if symptom not in symptoms:
                        add(f"{where} names unknown symptom '{symptom}'")
            for key in ("procedures", "except_procedures"):
                for p in rule.get(key, []):
                    if p not in procedures:
                        add(f"{where} names unknown procedure '{p}'")
            for area in rule.get("areas", []):
                if area not in areas:
                    add(f"{where} names unknown area '{area}'")
            if rule.get("trend") not in (None, "", "improving", "unchanged", "worsening"):
                add(f"{where} has an unknown trend")
            lo, hi = rule.get("min_day"), rule.get("max_day")
            if lo is not None and hi is not None and lo > hi:
                add(f"{where} has min_day after max_day")
            for name in _missing_text(rule, "explanation"):
                add(f"{where} has no {name}")

    for slug, p in procedures.items():
        for field in ("name", "description"):
            for name in _missing_text(p, field):
                add(f"procedure '{slug}' has no {name}")
        if not p.get("expected_effects"):
            add(f"procedure '{slug}' has no expected effects")
        linked = {link["complication"] for link in p.get("complications", [])}
        linked |= {c for c, comp in complications.items() if comp.get("cross_cutting")}
        for e in p.get("expected_effects", []):
            where = f"expected effect '{e.get('slug')}' of '{slug}'"
            for field in ("name", "description"):
                for name in _missing_text(e, field):
                    add(f"{where} has no {name}")
            if not e.get("symptoms"):
                add(f"{where} names no symptom")
            for symptom in e.get("symptoms", []):
                if symptom not in symptoms:
                    add(f"{where} names unknown symptom '{symptom}'")
            if e.get("worst_by_day", 0) > e.get("normal_until_day", 0):
                add(f"{where} is at its worst after it should have settled")
            improving = e.get("improving_until_day")
            if improving is not None and improving < e.get("normal_until_day", 0):
                add(f"{where} stops being normal when improving before its normal duration ends")
            if e.get("level_after") not in LEVELS - {"self_care"}:
                add(f"{where} has no valid level after its normal duration")
            if e.get("becomes") is not None and e["becomes"] not in linked:
                add(f"{where} becomes '{e['becomes']}', which the procedure does not link")
        for link in p.get("complications", []):
            where = f"link '{slug}' → '{link.get('complication')}'"
            if link.get("complication") not in complications:
                add(f"{where} names an unknown complication")
            hi = link.get("onset_max_days")
            if hi is not None and link.get("onset_min_days", 0) > hi:
                add(f"{where} has its onset window the wrong way round")
            if link.get("urgency") not in LEVELS:
                add(f"{where} has no valid level")
            if link.get("evidence_grade") not in GRADES:
                add(f"{where} has no valid evidence grade")
            if link.get("frequency_band") not in BANDS:
                add(f"{where} has no valid frequency band")
            for name in _missing_text(link, "note", optional=True):
                add(f"{where} has no {name}")
    return problems
