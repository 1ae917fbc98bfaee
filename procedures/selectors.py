"""Database reads: the knowledge base as plain data, and the in-process snapshot of it.

`knowledge_base_data()` reads the working copy in a fixed number of queries (whatever the size
of the content) and returns it in the fixture format. Publishing stores that data as a
`KnowledgeBaseRelease`; `published_knowledge_base()` keeps the newest release in memory as an
immutable engine snapshot, which the process's release watcher (procedures/freshness.py) keeps
current without a query per request: a release made by any process, on any server, reaches every
process within about a second.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import DatabaseError
from django.db.models import Prefetch, QuerySet

from . import freshness
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


logger = logging.getLogger(__name__)


class KnowledgeBaseUnavailable(RuntimeError):
    """Neither the database nor any earlier copy can give a published knowledge base."""


def published_knowledge_base() -> KnowledgeBase:
    """The newest published release as an engine snapshot.

    While this process's release watcher runs (procedures/freshness.py), no query: the watcher
    swaps in each new release's snapshot within about a second of its publication. Without a
    watcher (tests, one-off commands), one query (the newest version number) per call, and one
    more to load a new release. Returns an empty snapshot when nothing is published yet.

    With the database down, patients keep being answered from the last release this process
    held, or else from the copy on local disk (settings.KNOWLEDGE_BASE_FALLBACK_FILE, written
    whenever a release is loaded); a warning says so. Only with neither does it raise
    KnowledgeBaseUnavailable.
    """
    cached = _cache
    if cached is not None and freshness.watching():
        return cached.snapshot
    try:
        snapshot = refresh_published_snapshot()
    except DatabaseError as error:
        return _last_known_snapshot(error)
    freshness.start_watching()
    return snapshot if snapshot is not None else _EMPTY


def refresh_published_snapshot() -> KnowledgeBase | None:
    """The newest release's snapshot, built (once, under a lock) when it is not the one held.

    One query when the held snapshot is current. None when nothing is published. Raises
    DatabaseError when the database does not answer (the caller decides what to serve)."""
    global _cache
    newest = KnowledgeBaseRelease.objects.order_by("-version").values_list("version", "content_hash").first()
    if newest is None:
        return None
    cached = _cache
    if cached is not None and cached.stamp == newest:
        return cached.snapshot
    with _lock:
        cached = _cache
        if cached is not None and cached.stamp == newest:
            return cached.snapshot
        release = KnowledgeBaseRelease.objects.get(version=newest[0])
        snapshot = prepared(KnowledgeBase.from_dict(release.data, version=release.label))
        _cache = _Cached((release.version, release.content_hash), snapshot)
        _keep_on_disk(release.label, release.data)
        return snapshot


def prepared(snapshot: KnowledgeBase) -> KnowledgeBase:
    """`snapshot` with everything worked out once per snapshot already worked out (its indexes and
    lists), so that no patient's request pays for it."""
    snapshot.prepare()
    return snapshot


def _last_known_snapshot(error: DatabaseError) -> KnowledgeBase:
    global _cache
    cached = _cache
    if cached is not None:
        logger.warning(
            "Database unavailable (%s): answering from release %s held in memory",
            type(error).__name__,
            cached.snapshot.version,
        )
        return cached.snapshot
    saved = _read_from_disk()
    if saved is not None:
        logger.warning(
            "Database unavailable (%s): answering from release %s kept on disk", type(error).__name__, saved.version
        )
        _cache = _Cached((-1, "disk"), prepared(saved))
        return saved
    logger.error("Database unavailable (%s) and no release kept anywhere", type(error).__name__)
    raise KnowledgeBaseUnavailable("no published knowledge base can be read") from error


def _fallback_file() -> Path | None:
    configured = getattr(settings, "KNOWLEDGE_BASE_FALLBACK_FILE", None)
    return Path(configured) if configured else None


def _keep_on_disk(label: str, data: dict[str, Any]) -> None:
    """Write the release beside the app (atomically), for a process that starts during an outage."""
    path = _fallback_file()
    if path is None:
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("w", dir=path.parent, delete=False, encoding="utf-8") as handle:
            json.dump({"label": label, "data": data}, handle)
        os.replace(handle.name, path)
    except OSError:
        logger.warning("Could not keep the published release on disk at %s", path, exc_info=True)


def _read_from_disk() -> KnowledgeBase | None:
    path = _fallback_file()
    if path is None or not path.is_file():
        return None
    try:
        saved = json.loads(path.read_text(encoding="utf-8"))
        return KnowledgeBase.from_dict(saved["data"], version=saved["label"])
    except (OSError, ValueError, KeyError):
        logger.warning("The release kept on disk at %s cannot be read", path, exc_info=True)
        return None


def forget_cached_knowledge_base() -> None:
    """Drop the in-process snapshot (tests use it to start cold)."""
    global _cache
    _cache = None


def latest_release() -> KnowledgeBaseRelease | None:
    return KnowledgeBaseRelease.objects.order_by("-version").first()
