"""Load fixtures/knowledge_base/ into the content tables, idempotently and without trampling
staff edits.

Why not `loaddata`: it overwrites rows silently. Here every row remembers the fingerprint of the
fixture values it was last loaded from (`loaded_hash`). On the next load a row is:

- **created** when it does not exist;
- **unchanged** when its values already equal the fixture's (a second run changes nothing);
- **updated** when staff have not touched it since the last load (its values still match
  `loaded_hash`) and the fixture changed;
- **kept** when staff edited it since (its values match neither): the edit wins and is reported,
  unless `overwrite_edits=True`;
- **removed** when it came from an earlier fixture, is unedited, and the fixture dropped it.
  Rows staff created themselves (no `loaded_hash`) are never removed.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import models, transaction

from .models import (
    Area,
    CombinationRule,
    Complication,
    ContentStatus,
    ExpectedEffect,
    Procedure,
    ProcedureComplication,
    RuleClause,
    Source,
    Symptom,
    WarningSign,
)
from .services import content_hash


@dataclass
class LoadReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: int = 0
    kept_edits: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.removed)


@dataclass(frozen=True)
class Spec:
    """How one model's fixture rows map to its fields."""

    model: type[models.Model]
    key: Callable[[models.Model], tuple]
    scalars: tuple[str, ...]
    fks: dict[str, tuple[type[models.Model], str]] = field(default_factory=dict)
    m2m: dict[str, tuple[type[models.Model], str]] = field(default_factory=dict)
    text_lists: tuple[str, ...] = ()  # list in the fixture, newline-joined text in the model

    def values_of(self, obj: models.Model) -> dict[str, Any]:
        values: dict[str, Any] = {name: getattr(obj, name) for name in self.scalars}
        for name in self.text_lists:
            values[name] = [line for line in getattr(obj, name).splitlines() if line.strip()]
        for name, (_model, attr) in self.fks.items():
            related = getattr(obj, name)
            values[name] = getattr(related, attr) if related is not None else None
        for name, (_model, attr) in self.m2m.items():
            values[name] = sorted(getattr(o, attr) for o in getattr(obj, name).all())
        return values


def _spec(model, key, scalars, fks=None, m2m=None, text_lists=()):
    return Spec(model, key, tuple(scalars), fks or {}, m2m or {}, tuple(text_lists))


SPECS = {
    "source": _spec(Source, lambda o: (o.code,), ["code", "title", "url", "grade"]),
    "area": _spec(Area, lambda o: (o.slug,), ["slug", "name", "name_es", "position"]),
    "symptom": _spec(Symptom, lambda o: (o.slug,), ["slug", "label", "label_es", "group", "position"]),
    "procedure": _spec(
        Procedure,
        lambda o: (o.slug,),
        ["slug", "name", "name_es", "kind", "description", "description_es", "position"],
        text_lists=["aliases"],
    ),
    "complication": _spec(
        Complication,
        lambda o: (o.slug,),
        [
            "slug",
            "name",
            "name_es",
            "summary",
            "summary_es",
            "what_to_do",
            "what_to_do_es",
            "self_care",
            "self_care_es",
            "escalation",
            "escalation_es",
            "evidence_note",
            "evidence_note_es",
            "default_urgency",
            "cross_cutting",
            "default_onset_min_days",
            "default_onset_max_days",
        ],
        m2m={"typical_areas": (Area, "slug"), "sources": (Source, "code")},
    ),
    "warning_sign": _spec(
        WarningSign,
        lambda o: (o.complication.slug, o.symptom.slug),
        ["weight", "urgency"],
        fks={"complication": (Complication, "slug"), "symptom": (Symptom, "slug")},
        m2m={"except_procedures": (Procedure, "slug")},
    ),
    "rule": _spec(
        CombinationRule,
        lambda o: (o.slug,),
        ["slug", "name", "urgency", "explanation", "explanation_es", "min_day", "max_day", "trend"],
        fks={"complication": (Complication, "slug")},
        m2m={"procedures": (Procedure, "slug"), "except_procedures": (Procedure, "slug"), "areas": (Area, "slug")},
    ),
    "clause": _spec(
        RuleClause,
        lambda o: (o.rule.slug, o.position),
        ["position"],
        fks={"rule": (CombinationRule, "slug")},
        m2m={"symptoms": (Symptom, "slug")},
    ),
    "effect": _spec(
        ExpectedEffect,
        lambda o: (o.procedure.slug, o.slug),
        [
            "slug",
            "name",
            "name_es",
            "description",
            "description_es",
            "normal_until_day",
            "worst_by_day",
            "improving_until_day",
            "level_after",
            "position",
        ],
        fks={"procedure": (Procedure, "slug"), "becomes": (Complication, "slug")},
        m2m={"symptoms": (Symptom, "slug"), "sources": (Source, "code")},
    ),
    "link": _spec(
        ProcedureComplication,
        lambda o: (o.procedure.slug, o.complication.slug),
        [
            "onset_min_days",
            "onset_max_days",
            "frequency",
            "frequency_band",
            "evidence_grade",
            "urgency",
            "note",
            "note_es",
        ],
        fks={"procedure": (Procedure, "slug"), "complication": (Complication, "slug")},
    ),
}


COMPLICATION_TEXT = [
    f"{name}{suffix}"
    for name in ("name", "summary", "what_to_do", "self_care", "escalation", "evidence_note")
    for suffix in ("", "_es")
]


def _read(path: Path) -> Any:
    with path.open(encoding="utf-8") as handle:
        return json.load(handle)


def read_fixture_rows(directory: Path) -> dict[str, dict[tuple, dict[str, Any]]]:
    """Flatten the fixture files into rows per spec, keyed by natural key."""
    rows: dict[str, dict[tuple, dict[str, Any]]] = {name: {} for name in SPECS}

    def put(kind: str, key: tuple, values: dict[str, Any]) -> None:
        if key in rows[kind]:
            raise ValueError(f"{kind} {key} appears twice in the fixtures")
        rows[kind][key] = values

    for s in _read(directory / "sources.json"):
        put(
            "source",
            (s["code"],),
            {"code": s["code"], "title": s["title"], "url": s.get("url", ""), "grade": s["grade"]},
        )
    for i, a in enumerate(_read(directory / "areas.json")):
        put("area", (a["slug"],), {"slug": a["slug"], "name": a["name"], "name_es": a["name_es"], "position": i})
    for i, s in enumerate(_read(directory / "symptoms.json")):
        put(
            "symptom",
            (s["slug"],),
            {"slug": s["slug"], "label": s["label"], "label_es": s["label_es"], "group": s["group"], "position": i},
        )
    for path in sorted((directory / "complications").glob("*.json")):
        c = _read(path)
        onset = c.get("default_onset_days") or [0, None]
        put(
            "complication",
            (c["slug"],),
            {
                **{name: c.get(name) or "" for name in COMPLICATION_TEXT},
                "slug": c["slug"],
                "default_urgency": c["default_urgency"],
                "cross_cutting": bool(c.get("cross_cutting", False)),
                "default_onset_min_days": onset[0],
                "default_onset_max_days": onset[1],
                "typical_areas": sorted(c.get("typical_areas") or []),
                "sources": sorted(c.get("sources") or []),
            },
        )
        for ws in c.get("warning_signs", []):
            put(
                "warning_sign",
                (c["slug"], ws["symptom"]),
                {
                    "complication": c["slug"],
                    "symptom": ws["symptom"],
                    "weight": float(ws["weight"]),
                    "urgency": ws["urgency"],
                    "except_procedures": sorted(ws.get("except_procedures") or []),
                },
            )
        for r in c.get("rules", []):
            put(
                "rule",
                (r["slug"],),
                {
                    "slug": r["slug"],
                    "name": r.get("name") or r["slug"],
                    "complication": c["slug"],
                    "urgency": r["urgency"],
                    "explanation": r["explanation"],
                    "explanation_es": r.get("explanation_es", ""),
                    "min_day": r.get("min_day"),
                    "max_day": r.get("max_day"),
                    "trend": r.get("trend") or "",
                    "procedures": sorted(r.get("procedures") or []),
                    "except_procedures": sorted(r.get("except_procedures") or []),
                    "areas": sorted(r.get("areas") or []),
                },
            )
            for position, clause in enumerate(r["clauses"], start=1):
                put(
                    "clause",
                    (r["slug"], position),
                    {"rule": r["slug"], "position": position, "symptoms": sorted(set(clause))},
                )
    for i, path in enumerate(sorted((directory / "procedures").glob("*.json"))):
        p = _read(path)
        put(
            "procedure",
            (p["slug"],),
            {
                "slug": p["slug"],
                "name": p["name"],
                "name_es": p["name_es"],
                "kind": p.get("kind", ""),
                "description": p["description"],
                "description_es": p["description_es"],
                "position": i,
                "aliases": [a.strip() for a in p.get("aliases", []) if a.strip()],
            },
        )
        for position, e in enumerate(p.get("expected_effects", [])):
            put(
                "effect",
                (p["slug"], e["slug"]),
                {
                    "procedure": p["slug"],
                    "slug": e["slug"],
                    "name": e["name"],
                    "name_es": e["name_es"],
                    "description": e["description"],
                    "description_es": e["description_es"],
                    "normal_until_day": e["normal_until_day"],
                    "worst_by_day": e.get("worst_by_day") or 0,
                    "improving_until_day": e.get("improving_until_day"),
                    "level_after": e.get("level_after") or "soon",
                    "position": position,
                    "becomes": e.get("becomes"),
                    "symptoms": sorted(e.get("symptoms") or []),
                    "sources": sorted(e.get("sources") or []),
                },
            )
        for link in p.get("complications", []):
            put(
                "link",
                (p["slug"], link["complication"]),
                {
                    "procedure": p["slug"],
                    "complication": link["complication"],
                    "onset_min_days": link["onset_min_days"],
                    "onset_max_days": link.get("onset_max_days"),
                    "frequency": link.get("frequency", ""),
                    "frequency_band": link.get("frequency_band", "unknown"),
                    "evidence_grade": link["evidence_grade"],
                    "urgency": link["urgency"],
                    "note": link.get("note", ""),
                    "note_es": link.get("note_es", ""),
                },
            )
    return rows


# Parents before children, so that foreign keys resolve.
LOAD_ORDER = [
    "source",
    "area",
    "symptom",
    "procedure",
    "complication",
    "warning_sign",
    "rule",
    "clause",
    "effect",
    "link",
]


def fingerprint(values: dict[str, Any]) -> str:
    """Hash of a row's values, blind to empty ones, so that adding an optional field to the
    schema does not make every existing row look edited."""
    return content_hash({k: v for k, v in values.items() if v not in (None, "", [])})


def _label(kind: str, key: tuple) -> str:
    return f"{kind} {'/'.join(str(k) for k in key)}"


def _apply(spec: Spec, obj: models.Model, values: dict[str, Any]) -> None:
    for name in spec.scalars:
        setattr(obj, name, values[name])
    for name in spec.text_lists:
        setattr(obj, name, "\n".join(values[name]))
    for name, (model, attr) in spec.fks.items():
        slug = values[name]
        if slug is None:
            setattr(obj, name, None)
            continue
        try:
            setattr(obj, name, model.objects.get(**{attr: slug}))
        except model.DoesNotExist:
            raise ValueError(f"{spec.model.__name__} {name}: unknown '{slug}'") from None


def _apply_m2m(spec: Spec, obj: models.Model, values: dict[str, Any]) -> None:
    for name, (model, attr) in spec.m2m.items():
        wanted = values[name]
        related = list(model.objects.filter(**{f"{attr}__in": wanted}))
        missing = set(wanted) - {getattr(r, attr) for r in related}
        if missing:
            raise ValueError(f"{spec.model.__name__} {name}: unknown {sorted(missing)}")
        getattr(obj, name).set(related)


@transaction.atomic
def load_knowledge_base(directory: Path, *, overwrite_edits: bool = False) -> LoadReport:
    """Bring the content tables in line with the fixture files (see the module docstring)."""
    wanted = read_fixture_rows(directory)
    report = LoadReport()
    for kind in LOAD_ORDER:
        spec = SPECS[kind]
        existing = {spec.key(obj): obj for obj in spec.model.objects.all()}
        for key, values in wanted[kind].items():
            target_hash = fingerprint(values)
            obj = existing.get(key)
            if obj is not None:
                current_hash = fingerprint(spec.values_of(obj))
                if current_hash == target_hash:
                    if obj.loaded_hash != target_hash:
                        obj.loaded_hash = target_hash
                        obj.save(update_fields=["loaded_hash"])
                    report.unchanged += 1
                    continue
                if current_hash != obj.loaded_hash and not overwrite_edits:
                    report.kept_edits.append(_label(kind, key))
                    continue
                report.updated.append(_label(kind, key))
            else:
                obj = spec.model()
                report.created.append(_label(kind, key))
            _apply(spec, obj, values)
            obj.status = ContentStatus.PUBLISHED
            obj.loaded_hash = target_hash
            obj.full_clean(exclude=[*spec.m2m, "reviewed_by"], validate_unique=False)
            obj.save()
            _apply_m2m(spec, obj, values)
    # Remove, children first, fixture rows that the fixtures no longer have and staff never edited.
    for kind in reversed(LOAD_ORDER):
        spec = SPECS[kind]
        for obj in spec.model.objects.exclude(loaded_hash=""):
            key = spec.key(obj)
            if key in wanted[kind]:
                continue
            if fingerprint(spec.values_of(obj)) == obj.loaded_hash:
                obj.delete()
                report.removed.append(_label(kind, key))
            else:
                report.kept_edits.append(_label(kind, key) + " (no longer in fixtures)")
    return report
