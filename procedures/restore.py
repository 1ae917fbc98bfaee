"""Restoring a content row to an earlier version together with the rows edited on its page.

django-simple-history's "Revert" puts back a row's own fields. A row's admin page edits more than
that: a complication's warning signs and rules (and each rule's clauses), a procedure's expected
effects and complication links, a risk factor's effects, a rule's clauses (the table's `Children`
in kb_schema), and relations shown as inline lists (a complication's sources). `restore_parts()`
puts those back as they were with the version restored:

- **When.** A version in the history list stands for the row from its date until the row's next
  history entry: saving a page records the row, then its inline rows, then the row again, and a
  fixture load records a complication before its signs. The parts come back as they were just
  before that next entry (for the newest version: as they are now).
- **What.** A part changed since is put back; one deleted since is re-created with the same natural
  key (and its old id, so its history continues); one added since is removed; a rule's clauses
  likewise. A part with no history at all is left alone (nobody knows when it appeared).
- **Review.** Every row put back becomes a draft, and its history names the user and the version
  ("Restored to the version of …"), so a restore goes through review, the release's impact diff
  and the two-person rule like any edit.

Nothing is written when the restore cannot be complete (a symptom or source the version names no
longer exists) or would delete rows the user may not delete: `RestoreRefused` says why, before any
write. The admin hooks are in procedures/admin/releases.py (ReviewedContentAdmin).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from typing import Any

from django.db import models
from django.utils.translation import gettext as _

from .kb_schema import Table, table_of
from .models import ContentStatus

# Bookkeeping, not content: a restore neither compares nor copies these.
NOT_CONTENT = frozenset({"status", "reviewed_by", "reviewed_at", "updated_at", "loaded_hash"})

Ids = dict[str, set[Any]]  # many-to-many field name -> ids of the rows it points to


class RestoreRefused(Exception):
    """The restore would be incomplete or would delete what the user may not delete."""


def version_of(obj: models.Model | None) -> models.Model | None:
    """The historical record an instance was built from (the history page's "Revert" form edits
    one), or None for an ordinary instance."""
    return getattr(obj, "_history", None)


def reason(version: models.Model) -> str:
    """What the history says about a restored row (kept in English, as the history is)."""
    return f"Restored to the version of {version.history_date:%Y-%m-%d %H:%M:%S %Z}"


def many_to_many_at(version: models.Model) -> Ids:
    """The history-tracked many-to-many relations of a row as this version recorded them."""
    return {
        relation.name: set(
            getattr(version, relation.name).values_list(relation.m2m_reverse_field_name() + "_id", flat=True)
        )
        for relation in type(version)._history_m2m_fields
    }


def _current_many_to_many(obj: models.Model, names: Iterable[str]) -> Ids:
    return {name: set(getattr(obj, name).values_list("pk", flat=True)) for name in names}


def _content_fields(model: type[models.Model]) -> list[models.Field]:
    return [f for f in model._meta.concrete_fields if not f.primary_key and f.name not in NOT_CONTENT]


def _end_of(version: models.Model) -> datetime | None:
    """The date of the row's next history entry after `version` (None: it is the newest)."""
    history = type(version).objects
    pk_name = version.instance_type._meta.pk.attname
    return (
        history.filter(**{pk_name: getattr(version, pk_name)}, history_date__gt=version.history_date)
        .order_by("history_date")
        .values_list("history_date", flat=True)
        .first()
    )


# --- The plan: what would change, read before anything is written ------------------------------


@dataclass
class Part:
    """One row edited on a page: as it was (`then`, None when added since) and as it is (`now`,
    None when deleted since), with its own parts (a rule's clauses)."""

    table: Table
    then: models.Model | None
    now: models.Model | None
    then_m2m: Ids = field(default_factory=dict)
    parts: list[Part] = field(default_factory=list)

    @cached_property
    def changed(self) -> bool:
        if self.then is None or self.now is None:
            return True
        model = self.table.model
        if any(getattr(self.then, f.attname) != getattr(self.now, f.attname) for f in _content_fields(model)):
            return True
        return _current_many_to_many(self.now, self.then_m2m) != self.then_m2m

    def describe(self) -> str:
        row = self.now if self.then is None else self.then
        return f"{self.table.model._meta.verbose_name} {row}"

    def walk(self) -> Iterable[Part]:
        yield self
        for part in self.parts:
            yield from part.walk()


@dataclass
class Plan:
    row: models.Model
    version: models.Model
    parts: list[Part]
    problems: list[str]

    def all_parts(self) -> list[Part]:
        return [p for part in self.parts for p in part.walk()]

    @property
    def removals(self) -> list[Part]:
        return [p for p in self.all_parts() if p.then is None]

    @property
    def changes(self) -> list[Part]:
        return [p for p in self.all_parts() if p.then is not None and p.changed]


def plan_restore(row: models.Model, version: models.Model) -> Plan:
    """What restoring `row` to `version` would do to the rows edited on its page (reads only)."""
    table = table_of(type(row))
    until = _end_of(version)
    parts = _parts_of(table, row.pk, until) if table is not None else []
    problems = [problem for part in parts for p in part.walk() for problem in _missing_references(p)]
    return Plan(row, version, parts, problems)


def _parts_of(table: Table, parent_pk: Any, until: datetime | None) -> list[Part]:
    """Each child table's rows under the parent: as they were before `until` and as they are."""
    found: list[Part] = []
    for child in table.children:
        model = child.table.model
        parent_field = model._meta.get_field(child.table.parent.name).attname
        key_fields = [model._meta.get_field(n).attname for n in child.table.key if n != child.table.parent.name]

        def key(obj: models.Model, key_fields: list[str] = key_fields) -> tuple:
            return tuple(getattr(obj, name) for name in key_fields)

        history = model.history.filter(**{parent_field: parent_pk})
        if until is not None:
            history = history.filter(history_date__lt=until)
        then = {key(record): record for record in history.latest_of_each() if record.history_type != "-"}
        now = {key(obj): obj for obj in model.objects.filter(**{parent_field: parent_pk})}
        with_history = set(model.history.filter(id__in=[obj.pk for obj in now.values()]).values_list("id", flat=True))
        for k, record in then.items():
            current = now.get(k)
            nested = _parts_of(child.table, current.pk if current else record.id, until)
            found.append(Part(child.table, record.instance, current, many_to_many_at(record), nested))
        for k, current in now.items():
            if k not in then and current.pk in with_history:
                found.append(Part(child.table, None, current, parts=_all_removed(child.table, current.pk)))
    return found


def _all_removed(table: Table, parent_pk: Any) -> list[Part]:
    """The parts of a row that is removed go with it."""
    found = []
    for child in table.children:
        model = child.table.model
        parent_field = model._meta.get_field(child.table.parent.name).attname
        for current in model.objects.filter(**{parent_field: parent_pk}):
            found.append(Part(child.table, None, current, parts=_all_removed(child.table, current.pk)))
    return found


def _missing_references(part: Part) -> list[str]:
    """What a part put back would point to that no longer exists (a deleted symptom or source)."""
    if part.then is None or not part.changed:
        return []
    model = part.table.model
    parent_name = part.table.parent.name if part.table.parent else None
    missing = []
    for f in _content_fields(model):
        value = getattr(part.then, f.attname)
        refers = f.is_relation and f.name != parent_name and value is not None
        if refers and not f.related_model._default_manager.filter(pk=value).exists():
            missing.append(f"{f.verbose_name} #{value}")
    for name, ids in part.then_m2m.items():
        target = model._meta.get_field(name).related_model
        gone = ids - set(target._default_manager.filter(pk__in=ids).values_list("pk", flat=True))
        missing += [f"{target._meta.verbose_name} #{pk}" for pk in sorted(gone)]
    if not missing:
        return []
    return [
        _("%(row)s cannot be put back: %(missing)s no longer exists.")
        % {"row": part.describe(), "missing": ", ".join(missing)}
    ]


# --- Applying it ---------------------------------------------------------------------------------


def restore_parts(
    row: models.Model, version: models.Model, *, user: Any, may_remove: bool, keep: Collection[str] = ()
) -> Plan:
    """Put back the rows edited on `row`'s page, and its history-tracked many-to-many relations
    other than `keep` (those the page's own form saves), as they were with `version`.

    `row` has been saved with the version's own fields already (the history page does that).
    Raises RestoreRefused, writing nothing, when a part cannot be put back or when parts would be
    removed and not `may_remove` (deleting content is for clinical reviewers).
    """
    plan = plan_restore(row, version)
    if plan.problems:
        raise RestoreRefused(" ".join(plan.problems))
    if plan.removals and not may_remove:
        raise RestoreRefused(
            _("Restoring this version would delete %(rows)s; only a clinical reviewer may delete content.")
            % {"rows": ", ".join(part.describe() for part in plan.removals)}
        )
    note = reason(version)
    for part in plan.parts:
        _apply(part, row.pk, user, note)
    own = {name: ids for name, ids in many_to_many_at(version).items() if name not in keep}
    if own and _current_many_to_many(row, own) != own:
        _stamp(row, user, note)
        for name, ids in own.items():
            getattr(row, name).set(ids)
    return plan


def _stamp(obj: models.Model, user: Any, note: str) -> None:
    obj._history_user = user
    obj._change_reason = note


def _apply(part: Part, parent_pk: Any, user: Any, note: str) -> None:
    if part.then is None:
        _remove(part, user, note)
        return
    obj = part.now
    if part.changed:
        model = part.table.model
        if obj is None:
            obj = model()
            if not model._default_manager.filter(pk=part.then.pk).exists():
                obj.pk = part.then.pk  # re-created with its old id: its history continues
        for f in _content_fields(model):
            setattr(obj, f.attname, getattr(part.then, f.attname))
        setattr(obj, model._meta.get_field(part.table.parent.name).attname, parent_pk)
        obj.status = ContentStatus.DRAFT
        _stamp(obj, user, note)
        obj.save()
        for name, ids in part.then_m2m.items():
            getattr(obj, name).set(ids)
    for nested in part.parts:
        _apply(nested, obj.pk, user, note)


def _remove(part: Part, user: Any, note: str) -> None:
    for nested in part.parts:
        _remove(nested, user, note)
    _stamp(part.now, user, note)
    part.now.delete()
