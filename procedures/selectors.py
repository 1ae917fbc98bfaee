"""Database reads: the knowledge base as plain data, and the in-process snapshot of it.

`knowledge_base_data()` reads the working copy in a fixed number of queries (whatever the size
of the content) and returns it in the fixture format. Publishing stores that data as a
`KnowledgeBaseRelease`; `published_knowledge_base()` keeps the newest release in memory as an
immutable engine snapshot and pays one cheap query per call to know whether it is still the
newest. A release made by any process, on any server, is therefore picked up by every process
at its next assessment.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, QuerySet

from .models import (
    Area,
    CombinationRule,
    Complication,
    ContentStatus,
    ExpectedEffect,
    KnowledgeBaseRelease,
    Procedure,
    ProcedureComplication,
    RuleClause,
    Source,
    Symptom,
    WarningSign,
)
from .triage import KnowledgeBase

# Queries made by knowledge_base_data(): sources, areas, symptoms; complications + typical
# areas + sources + warning signs + their exceptions + rules + rule procedures + rule
# exceptions + rule areas + clauses + clause symptoms; procedures + expected effects + effect
# symptoms + effect sources + links.
KNOWLEDGE_BASE_QUERIES = 19


def _slugs(manager) -> list[str]:
    return [obj.slug for obj in manager.all()]


def knowledge_base_data(statuses: tuple[str, ...] | None = None) -> dict[str, Any]:
    """The working copy as fixture-format data, in KNOWLEDGE_BASE_QUERIES queries.

    `statuses` limits every table to rows in those review states (None = every row), so a
    preview can include drafts while a release includes only reviewed content.
    """

    def rows(qs: QuerySet) -> QuerySet:
        return qs if statuses is None else qs.filter(status__in=statuses)

    sources = [
        {"code": s.code, "title": s.title, "url": s.url, "grade": s.grade} for s in rows(Source.objects.order_by("id"))
    ]
    areas = [
        {"slug": a.slug, "name": a.name, "name_es": a.name_es, "position": a.position} for a in rows(Area.objects.all())
    ]
    symptoms = [
        {"slug": s.slug, "label": s.label, "label_es": s.label_es, "group": s.group, "position": s.position}
        for s in rows(Symptom.objects.all())
    ]
    complications_qs = rows(Complication.objects.all()).prefetch_related(
        "typical_areas",
        "sources",
        Prefetch(
            "warning_signs",
            queryset=rows(WarningSign.objects.select_related("symptom")).prefetch_related("except_procedures"),
        ),
        Prefetch(
            "rules",
            queryset=rows(CombinationRule.objects.all()).prefetch_related(
                "procedures",
                "except_procedures",
                "areas",
                Prefetch("clauses", queryset=rows(RuleClause.objects.all()).prefetch_related("symptoms")),
            ),
        ),
    )
    complications = []
    for c in complications_qs:
        complications.append(
            {
                "slug": c.slug,
                "name": c.name,
                "name_es": c.name_es,
                "summary": c.summary,
                "summary_es": c.summary_es,
                "what_to_do": c.what_to_do,
                "what_to_do_es": c.what_to_do_es,
                "self_care": c.self_care,
                "self_care_es": c.self_care_es,
                "escalation": c.escalation,
                "escalation_es": c.escalation_es,
                "evidence_note": c.evidence_note,
                "evidence_note_es": c.evidence_note_es,
                "default_urgency": c.default_urgency,
                "cross_cutting": c.cross_cutting,
                "default_onset_days": [c.default_onset_min_days, c.default_onset_max_days],
                "typical_areas": _slugs(c.typical_areas),
                "sources": [s.code for s in c.sources.all()],
                "warning_signs": [
                    {
                        "symptom": ws.symptom.slug,
                        "weight": ws.weight,
                        "urgency": ws.urgency,
                        "except_procedures": _slugs(ws.except_procedures),
                    }
                    for ws in c.warning_signs.all()
                ],
                "rules": [
                    {
                        "slug": r.slug,
                        "name": r.name,
                        "urgency": r.urgency,
                        "explanation": r.explanation,
                        "explanation_es": r.explanation_es,
                        "clauses": [_slugs(clause.symptoms) for clause in r.clauses.all()],
                        "procedures": _slugs(r.procedures),
                        "except_procedures": _slugs(r.except_procedures),
                        "areas": _slugs(r.areas),
                        "min_day": r.min_day,
                        "max_day": r.max_day,
                        "trend": r.trend,
                    }
                    for r in c.rules.all()
                ],
            }
        )
    procedures_qs = rows(Procedure.objects.all()).prefetch_related(
        Prefetch(
            "expected_effects",
            queryset=rows(ExpectedEffect.objects.select_related("becomes")).prefetch_related("symptoms", "sources"),
        ),
        Prefetch(
            "links",
            queryset=rows(ProcedureComplication.objects.select_related("complication")),
        ),
    )
    procedures = []
    for p in procedures_qs:
        procedures.append(
            {
                "slug": p.slug,
                "name": p.name,
                "name_es": p.name_es,
                "aliases": p.alias_list,
                "kind": p.kind,
                "description": p.description,
                "description_es": p.description_es,
                "position": p.position,
                "expected_effects": [
                    {
                        "slug": e.slug,
                        "name": e.name,
                        "name_es": e.name_es,
                        "description": e.description,
                        "description_es": e.description_es,
                        "symptoms": _slugs(e.symptoms),
                        "normal_until_day": e.normal_until_day,
                        "worst_by_day": e.worst_by_day,
                        "improving_until_day": e.improving_until_day,
                        "level_after": e.level_after,
                        "becomes": e.becomes.slug if e.becomes else None,
                        "sources": [s.code for s in e.sources.all()],
                    }
                    for e in p.expected_effects.all()
                ],
                "complications": [
                    {
                        "complication": link.complication.slug,
                        "onset_min_days": link.onset_min_days,
                        "onset_max_days": link.onset_max_days,
                        "frequency": link.frequency,
                        "frequency_band": link.frequency_band,
                        "evidence_grade": link.evidence_grade,
                        "urgency": link.urgency,
                        "note": link.note,
                        "note_es": link.note_es,
                    }
                    for link in p.links.all()
                ],
            }
        )
    return {
        "sources": sources,
        "areas": areas,
        "symptoms": symptoms,
        "complications": complications,
        "procedures": procedures,
    }


def draft_knowledge_base() -> KnowledgeBase:
    """The working copy, drafts included, as a snapshot: for previews, never for patients."""
    return KnowledgeBase.from_dict(knowledge_base_data(), version="draft")


def reviewed_knowledge_base_data() -> dict[str, Any]:
    return knowledge_base_data(statuses=(ContentStatus.PUBLISHED, ContentStatus.IN_REVIEW))


@dataclass(frozen=True)
class _Cached:
    stamp: tuple[int, str]  # (version, content hash): a rolled-back and re-made version differs
    snapshot: KnowledgeBase


_EMPTY = KnowledgeBase.from_dict({}, version="none")
_cache: _Cached | None = None
_lock = threading.Lock()


def published_knowledge_base() -> KnowledgeBase:
    """The newest published release as an engine snapshot.

    One query (the newest version number) when the cached snapshot is current; one more to
    load the release when it is not. Returns an empty snapshot when nothing is published yet.
    """
    global _cache
    newest = KnowledgeBaseRelease.objects.order_by("-version").values_list("version", "content_hash").first()
    if newest is None:
        return _EMPTY
    cached = _cache
    if cached is not None and cached.stamp == newest:
        return cached.snapshot
    with _lock:
        cached = _cache
        if cached is not None and cached.stamp == newest:
            return cached.snapshot
        release = KnowledgeBaseRelease.objects.get(version=newest[0])
        snapshot = KnowledgeBase.from_dict(release.data, version=release.label)
        _cache = _Cached((release.version, release.content_hash), snapshot)
        return snapshot


def forget_cached_knowledge_base() -> None:
    """Drop the in-process snapshot (tests use it to start cold)."""
    global _cache
    _cache = None


def latest_release() -> KnowledgeBaseRelease | None:
    return KnowledgeBaseRelease.objects.order_by("-version").first()
