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

Which files hold which rows, and how a fixture's values map to model fields, is described once in
kb_schema; this module only reads the files and writes the rows.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import models, transaction

from .hashing import content_hash
from .kb_schema import SECTIONS, TABLES, Key, Node, Row, Table
from .models import ContentStatus


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


def _read(path: Path) -> Any:
    with path.open(encoding="utf-8") as handle:
        return json.load(handle)


def _fixture_nodes(directory: Path, table: Table) -> Iterator[Node]:
    """The rows of a top-level table as its fixture file(s) give them, in order."""
    assert table.fixture is not None, f"{table.name} has no fixture file of its own"
    if "*" in table.fixture:
        for path in sorted(directory.glob(table.fixture)):
            yield _read(path)
    else:
        yield from _read(directory / table.fixture)


def read_fixture_rows(directory: Path) -> dict[str, dict[Key, Row]]:
    """Flatten the fixture files into rows per table (see kb_schema), keyed by natural key."""
    return rows_from_data({table.section: _fixture_nodes(directory, table) for table in SECTIONS})


def rows_from_data(data: Mapping[str, Iterable[Any]]) -> dict[str, dict[Key, Row]]:
    """Flatten fixture-format data (the nodes of each top-level section) into rows per table."""
    rows: dict[str, dict[Key, Row]] = {name: {} for name in TABLES}

    def put(table: Table, nodes: Iterable[Any], parent: Key) -> None:
        for position, node in enumerate(nodes):
            row = table.read(node, position, parent)
            key = table.row_key(row)
            if key in rows[table.name]:
                raise ValueError(f"{table.name} {key} appears twice in the fixtures")
            rows[table.name][key] = row
            for child in table.children:
                put(child.table, child.nodes(node), key)

    for table in SECTIONS:
        put(table, data[table.section], ())
    return rows


def fingerprint(values: dict[str, Any]) -> str:
    """Hash of a row's values, blind to empty ones, so that adding an optional field to the
    schema does not make every existing row look edited."""
    return content_hash({k: v for k, v in values.items() if v not in (None, "", [])})


def _label(table: Table, key: Key) -> str:
    return f"{table.name} {'/'.join(str(k) for k in key)}"


def _rows_of(table: Table) -> models.QuerySet:
    """The table's rows with what `Table.values_of()` reads, in a fixed number of queries."""
    return table.model.objects.select_related(*table.foreign_keys).prefetch_related(
        *(m.name for m in table.many_to_many)
    )


def _is_current(table: Table, obj: models.Model, target_hash: str, report: LoadReport, overwrite: bool) -> bool:
    """Whether an existing row stays as it is: it equals the fixture already, or staff edited it."""
    label = _label(table, obj.natural_key())
    current_hash = fingerprint(table.values_of(obj))
    if current_hash == target_hash:
        if obj.loaded_hash != target_hash:
            obj.loaded_hash = target_hash
            obj.save(update_fields=["loaded_hash"])
        report.unchanged += 1
        return True
    if current_hash != obj.loaded_hash and not overwrite:
        report.kept_edits.append(label)
        return True
    report.updated.append(label)
    return False


def _save(table: Table, obj: models.Model, values: Row, target_hash: str) -> None:
    table.apply(obj, values)
    obj.status = ContentStatus.PUBLISHED
    obj.loaded_hash = target_hash
    obj.full_clean(exclude=[*(m.name for m in table.many_to_many), "reviewed_by"], validate_unique=False)
    obj.save()
    table.apply_related(obj, values)


def _load_table(table: Table, wanted: dict[Key, Row], report: LoadReport, overwrite_edits: bool) -> None:
    existing = {obj.natural_key(): obj for obj in _rows_of(table)}
    for key, values in wanted.items():
        target_hash = fingerprint(values)
        obj = existing.get(key)
        if obj is None:
            obj = table.model()
            report.created.append(_label(table, key))
        elif _is_current(table, obj, target_hash, report, overwrite_edits):
            continue
        _save(table, obj, values, target_hash)


def _remove_dropped(table: Table, wanted: dict[Key, Row], report: LoadReport) -> None:
    """Remove the table's fixture rows that the fixtures no longer have and staff never edited."""
    for obj in _rows_of(table).exclude(loaded_hash=""):
        key = obj.natural_key()
        if key in wanted:
            continue
        if fingerprint(table.values_of(obj)) == obj.loaded_hash:
            obj.delete()
            report.removed.append(_label(table, key))
        else:
            report.kept_edits.append(_label(table, key) + " (no longer in fixtures)")


@transaction.atomic
def load_knowledge_base(directory: Path, *, overwrite_edits: bool = False) -> LoadReport:
    """Bring the content tables in line with the fixture files (see the module docstring)."""
    wanted = read_fixture_rows(directory)
    report = LoadReport()
    for table in TABLES.values():  # parents before children, so that foreign keys resolve
        _load_table(table, wanted[table.name], report, overwrite_edits)
    for table in reversed(TABLES.values()):  # children first
        _remove_dropped(table, wanted[table.name], report)
    return report
