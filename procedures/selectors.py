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

from .kb_schema import SECTIONS, Table
from .models import ContentStatus, KnowledgeBaseRelease
from .triage import KnowledgeBase

# Queries made by knowledge_base_data(): one per table and one per many-to-many relation of
# kb_schema. Sources, areas, symptoms; complications + typical areas + sources + warning signs +
# their exceptions + rules + rule procedures + rule exceptions + rule areas + clauses + clause
# symptoms; procedures + expected effects + effect symptoms + effect sources + links.
KNOWLEDGE_BASE_QUERIES = 24  # + risk factors, their effects and the effects' three lists


def knowledge_base_data(statuses: tuple[str, ...] | None = None) -> dict[str, Any]:
    """The working copy as fixture-format data, in KNOWLEDGE_BASE_QUERIES queries.

    `statuses` limits every table to rows in those review states (None = every row), so a
    preview can include drafts while a release includes only reviewed content.
    """
    return {table.section: [table.export(obj) for obj in _rows(table, statuses)] for table in SECTIONS}


def _rows(table: Table, statuses: tuple[str, ...] | None) -> QuerySet:
    """A table's rows in release order, with everything `Table.export()` reads prefetched: its
    references joined, its many-to-many relations and nested tables one query each."""
    rows = table.model.objects.order_by(*table.order_by) if table.order_by else table.model.objects.all()
    if statuses is not None:
        rows = rows.filter(status__in=statuses)
    if table.references:
        rows = rows.select_related(*(ref.name for ref in table.references))
    lookups: list[str | Prefetch] = [m.name for m in table.many_to_many]
    lookups += [Prefetch(child.accessor, queryset=_rows(child.table, statuses)) for child in table.children]
    return rows.prefetch_related(*lookups) if lookups else rows


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
