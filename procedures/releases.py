"""What the next release would contain: reviewed content only, drafts keep their published values.

Staff edit the working copy; patients only ever see releases. A release is built row by row:

- a row whose status is **published** goes in with its current values;
- a row that is **draft** or **in review** goes in with the values it had in the latest release
  (so an edit in progress never reaches patients, and the published version stays live);
- a row that is not published and was never released (new content) is left out;
- a row deleted from the working copy is left out (deleting is for clinical reviewers only).

Rows are matched by natural key (kb_schema: slug, code, or parent slug + slug), which staff
cannot change once a row exists (see admin.LockedKeysForm), so "the same row" in the working copy
and in the latest release is always well defined. A combination rule and its clauses are one unit
(kb_schema: `released_with_parent`): the rule goes in with its current clauses only when the rule
and every clause are published.

`merge_release()` is pure; `release_candidate_data()` feeds it from the database.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db.models import QuerySet

from .kb_schema import SECTIONS, TABLES, Key, Node, Table
from .models import ContentStatus
from .selectors import knowledge_base_data, latest_release

Statuses = dict[str, dict[Key, str]]  # table name -> natural key -> review status
PUBLISHED = ContentStatus.PUBLISHED.value
IN_REVIEW = ContentStatus.IN_REVIEW.value


def content_statuses() -> Statuses:
    """Review status of every content row, by table name and natural key (one query per table).

    A table released with its parent (a rule's clauses) has no statuses of its own: a row of it
    that is not published makes its parent count as not published either.
    """
    statuses: Statuses = {}
    units: list[Table] = []
    for table in TABLES.values():
        if table.released_with_parent:
            units.append(table)
        else:
            statuses[table.name] = {obj.natural_key(): obj.status for obj in _keyed_rows(table)}
    for table in units:
        parent = table.parent
        assert parent is not None, f"{table.name} is released with a parent it does not name"
        for obj in _keyed_rows(table):
            if obj.status != PUBLISHED:
                statuses[parent.to][getattr(obj, parent.name).natural_key()] = obj.status
    return statuses


def _keyed_rows(table: Table) -> QuerySet:
    """The table's rows, with the rows their natural keys name joined."""
    return table.model.objects.select_related(*(name for name in table.foreign_keys if name in table.key))


def _merge(table: Table, working: list[Node], previous: list[Node], statuses: Statuses, parent: Key = ()) -> list[Node]:
    """One list of rows: published rows from the working copy, the others from the last release."""
    released = {table.node_key(node, parent): node for node in previous}
    merged = []
    for node in working:
        key = table.node_key(node, parent)
        old = released.get(key)
        base = node if statuses[table.name].get(key) == PUBLISHED else old
        if base is None:
            continue
        merged.append(_with_children(table, node, old, base, key, statuses))
    return merged


def _with_children(table: Table, now: Node, old: Node | None, base: Node, key: Key, statuses: Statuses) -> Node:
    """`base`, with each list of nested rows reviewed on their own merged row by row."""
    children = [child for child in table.children if not child.table.released_with_parent]
    if not children:
        return base
    old = old or {}
    node = {k: v for k, v in base.items() if k not in {child.name for child in children}}
    for child in children:
        node[child.name] = _merge(child.table, now.get(child.name, []), old.get(child.name, []), statuses, key)
    return node


def merge_release(working: Mapping[str, Any], previous: Mapping[str, Any], statuses: Statuses) -> dict[str, Any]:
    """The release data: `working` where reviewed, `previous` (the latest release) where not."""
    return {
        table.section: _merge(table, working.get(table.section, []), previous.get(table.section, []), statuses)
        for table in SECTIONS
    }


def release_candidate_data(*, approving_in_review: bool = False) -> dict[str, Any]:
    """The knowledge base as the next release would publish it (see the module docstring), or,
    `approving_in_review`, as it would be once every row in review were approved (what the
    review page shows before a reviewer approves)."""
    release = latest_release()
    statuses = content_statuses()
    if approving_in_review:
        statuses = {
            table: {key: PUBLISHED if status == IN_REVIEW else status for key, status in rows.items()}
            for table, rows in statuses.items()
        }
    return merge_release(knowledge_base_data(), release.data if release else {}, statuses)
