"""The knowledge base's tables, each described once.

A `Table` describes one content model: where its rows live in the fixture files and in release
data, its natural key, and its members in the order release data lists them: plain fields,
patient text in English and its translations (`Text`), references to other tables by natural key
(`Ref`, `Refs`), and the rows of other tables nested in it (`Children`: a complication's warning
signs and rules, a rule's clauses, a procedure's expected effects and complication links).

The same content has three shapes, and each member knows how its value moves between them:

- **data**: nested JSON, the format of fixtures/knowledge_base/ and of a release (described for
  authors in docs/knowledge-base.md);
- **rows**: one flat dict per model row, keyed by model field (translations by their data key,
  `label_es`), with parents and references given by natural key: what the loader fingerprints
  and compares;
- **model instances**.

The loader (kb_loader), the selector (selectors.knowledge_base_data), the release merge
(releases) and the integrity checks (integrity) read these descriptions and keep no list of
fields or keys of their own. Natural keys of model instances come from the models'
`natural_key()`; `Table.key` names the same fields for data and rows (tests check both agree).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Final

from django.db import models

from .languages import translation_languages
from .models import (
    Area,
    CombinationRule,
    Complication,
    ExpectedEffect,
    Procedure,
    ProcedureComplication,
    RiskFactor,
    RiskFactorEffect,
    RuleClause,
    Source,
    Symptom,
    WarningSign,
)

Node = dict[str, Any]  # one row in fixture or release data
Row = dict[str, Any]  # one row as flat values per model field (translations per data key)
Key = tuple[Any, ...]  # a natural key, as Model.natural_key() returns it


class _Marker:
    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return self.name


REQUIRED: Final = _Marker("REQUIRED")
"""The default of a value that fixtures must always give (reading one without it is an error)."""


def key_value(obj: models.Model) -> Any:
    """The natural key of a row that others refer to by a single value (a slug or a code)."""
    (value,) = obj.natural_key()
    return value


def _given(node: Mapping[str, Any], name: str, default: Any, or_default: bool) -> Any:
    """A fixture's value: `default` when it is left out (and when empty, with `or_default`)."""
    if default is REQUIRED:
        return node[name]
    if or_default:
        return node.get(name) or default
    return node.get(name, default)


# --- Members: the parts of a table ------------------------------------------------------------


@dataclass(frozen=True)
class Member:
    """One part of a table. `name` is its key in the data; the base contributes nothing."""

    name: str

    @property
    def columns(self) -> tuple[str, ...]:
        """The model fields it fills, which are also the keys of its values in a row (but for
        `Text`, whose translations share one field and have a key each in a row)."""
        return ()

    def read(self, node: Mapping[str, Any], position: int, parent: Key) -> Row:
        """Its values in a row, from a fixture node (the `position`-th of its list, under `parent`)."""
        return {}

    def export(self, obj: models.Model) -> Node:
        """Its values in release data, from a model instance."""
        return {}

    def values_of(self, obj: models.Model) -> Row:
        """Its values in a row, from a model instance (the loader compares them with `read()`)."""
        return {}

    def apply(self, obj: models.Model, row: Row) -> None:
        """Set the instance's fields from a row, before it is saved."""

    def apply_related(self, obj: models.Model, row: Row) -> None:
        """Set what can only be set on a saved instance (many-to-many relations)."""


@dataclass(frozen=True)
class _Column(Member):
    """A member stored in one model field of the same name."""

    @property
    def columns(self) -> tuple[str, ...]:
        return (self.name,)

    def export(self, obj: models.Model) -> Node:
        return {self.name: getattr(obj, self.name)}

    def values_of(self, obj: models.Model) -> Row:
        return {self.name: getattr(obj, self.name)}

    def apply(self, obj: models.Model, row: Row) -> None:
        setattr(obj, self.name, row[self.name])


@dataclass(frozen=True)
class Field(_Column):
    """A model field, the same value in the data."""

    default: Any = REQUIRED  # when a fixture leaves it out
    or_default: bool = False  # also when a fixture gives an empty value (null, "", 0, [])
    fallback: str | None = None  # when left out or empty, the value of this other field
    convert: Callable[[Any], Any] | None = None  # applied to a fixture's value (float, bool)

    def read(self, node: Mapping[str, Any], position: int, parent: Key) -> Row:
        if self.fallback is not None:
            value = node.get(self.name) or node[self.fallback]
        else:
            value = _given(node, self.name, self.default, self.or_default)
        return {self.name: value if self.convert is None else self.convert(value)}


TRANSLATIONS: Final = "translations"
"""The model field of every content model that holds its text in the translation languages:
`{"es": {"label": "..."}, "fr": {...}}` (languages.py). The source language has columns of its own."""


@dataclass(frozen=True)
class Text(Member):
    """Patient text: `<name>` in the source language (English), a column of its own, and for each
    translation language of settings.LANGUAGES `<name>_<code>` in the data (`label_es`), kept in
    the model's `translations` JSON field, which every Text member of a model shares.

    A translation the data leaves out (or gives empty) is empty: the integrity checks decide which
    languages must be there (KNOWLEDGE_BASE_REQUIRED_LANGUAGES); patients get English meanwhile.
    Rows carry translations under their data keys too, so a row's fingerprint does not depend on
    how they are stored, and empty ones (a language just added) leave it unchanged.
    """

    optional: bool = False  # may be empty, but then in every required language (see integrity)
    default: Any = REQUIRED  # as for Field, for the source language
    or_default: bool = False

    @property
    def columns(self) -> tuple[str, ...]:
        return (self.name, TRANSLATIONS)

    def key(self, language: str) -> str:
        """Its key in the data and in rows for a translation language: `label_es`."""
        return f"{self.name}_{language}"

    def read(self, node: Mapping[str, Any], position: int, parent: Key) -> Row:
        row = Field(self.name, self.default, self.or_default).read(node, position, parent)
        for language in translation_languages():
            row[self.key(language)] = node.get(self.key(language)) or ""
        return row

    def export(self, obj: models.Model) -> Node:
        translations = getattr(obj, TRANSLATIONS) or {}
        node = {self.name: getattr(obj, self.name)}
        for language in translation_languages():
            node[self.key(language)] = translations.get(language, {}).get(self.name, "")
        return node

    def values_of(self, obj: models.Model) -> Row:
        return self.export(obj)

    def apply(self, obj: models.Model, row: Row) -> None:
        setattr(obj, self.name, row[self.name])
        setattr(obj, TRANSLATIONS, self.translated(getattr(obj, TRANSLATIONS), row))

    def translated(self, translations: Mapping[str, Any] | None, values: Mapping[str, Any]) -> dict[str, Any]:
        """`translations` with this text's translations replaced by those `values` gives under
        their data keys; other text and languages not configured are kept, empty text is dropped."""
        merged = {language: dict(texts) for language, texts in (translations or {}).items()}
        for language in translation_languages():
            if self.key(language) not in values:
                continue
            value = values[self.key(language)]
            texts = merged.setdefault(language, {})
            if value:
                texts[self.name] = value
            else:
                texts.pop(self.name, None)
            if not texts:
                del merged[language]
        return merged


@dataclass(frozen=True)
class DayWindow(Member):
    """A `[first, last]` pair of days in the data, two fields in the model (last None = open)."""

    first: str
    last: str
    default: tuple[int, int | None] = (0, None)  # when a fixture leaves it out or empty

    @property
    def columns(self) -> tuple[str, ...]:
        return (self.first, self.last)

    def read(self, node: Mapping[str, Any], position: int, parent: Key) -> Row:
        days = node.get(self.name) or self.default
        return {self.first: days[0], self.last: days[1]}

    def export(self, obj: models.Model) -> Node:
        return {self.name: [getattr(obj, self.first), getattr(obj, self.last)]}

    def values_of(self, obj: models.Model) -> Row:
        return {name: getattr(obj, name) for name in self.columns}

    def apply(self, obj: models.Model, row: Row) -> None:
        for name in self.columns:
            setattr(obj, name, row[name])


@dataclass(frozen=True)
class Lines(_Column):
    """A list of strings in the data, one per line of a text field in the model (aliases)."""

    def read(self, node: Mapping[str, Any], position: int, parent: Key) -> Row:
        return {self.name: [line.strip() for line in node.get(self.name, []) if line.strip()]}

    def export(self, obj: models.Model) -> Node:
        return {self.name: [line.strip() for line in getattr(obj, self.name).splitlines() if line.strip()]}

    def values_of(self, obj: models.Model) -> Row:
        # As stored, spaces included: a line whose spaces staff changed counts as an edit.
        return {self.name: [line for line in getattr(obj, self.name).splitlines() if line.strip()]}

    def apply(self, obj: models.Model, row: Row) -> None:
        setattr(obj, self.name, "\n".join(row[self.name]))


@dataclass(frozen=True)
class Position(_Column):
    """A row's place in its list: fixtures give it by order, counting from `start`."""

    name: str = "position"
    start: int = 0
    exported: bool = True  # whether release data shows it (otherwise the order of the list does)

    def read(self, node: Mapping[str, Any], position: int, parent: Key) -> Row:
        return {self.name: position + self.start}

    def export(self, obj: models.Model) -> Node:
        return {self.name: getattr(obj, self.name)} if self.exported else {}


@dataclass(frozen=True)
class Ref(_Column):
    """A foreign key, written as the natural key (slug or code) of the row of table `to`."""

    to: str
    default: Any = REQUIRED  # as for Field; None = points nowhere

    @property
    def target(self) -> Table:
        return TABLES[self.to]

    def read(self, node: Mapping[str, Any], position: int, parent: Key) -> Row:
        return {self.name: _given(node, self.name, self.default, False)}

    def export(self, obj: models.Model) -> Node:
        related = getattr(obj, self.name)
        return {self.name: None if related is None else key_value(related)}

    def values_of(self, obj: models.Model) -> Row:
        return self.export(obj)

    def apply(self, obj: models.Model, row: Row) -> None:
        value = row[self.name]
        if value is None:
            setattr(obj, self.name, None)
            return
        model = self.target.model
        try:
            setattr(obj, self.name, model.objects.get_by_natural_key(value))
        except model.DoesNotExist:
            raise ValueError(f"{type(obj).__name__} {self.name}: unknown '{value}'") from None


@dataclass(frozen=True)
class Parent(Ref):
    """The foreign key to the row this one is nested in: the data says it by nesting."""

    def read(self, node: Mapping[str, Any], position: int, parent: Key) -> Row:
        (value,) = parent
        return {self.name: value}

    def export(self, obj: models.Model) -> Node:
        return {}

    def values_of(self, obj: models.Model) -> Row:
        return {self.name: key_value(getattr(obj, self.name))}


@dataclass(frozen=True)
class Refs(Member):
    """A many-to-many relation, written as a list of natural keys of rows of table `to`."""

    to: str
    required: bool = False  # fixtures must give it (otherwise left out or null = none)
    unique: bool = False  # a key a fixture repeats counts once

    @property
    def target(self) -> Table:
        return TABLES[self.to]

    @property
    def columns(self) -> tuple[str, ...]:
        return (self.name,)

    def read(self, node: Mapping[str, Any], position: int, parent: Key) -> Row:
        keys = node[self.name] if self.required else node.get(self.name) or []
        return {self.name: sorted(set(keys)) if self.unique else sorted(keys)}

    def export(self, obj: models.Model) -> Node:
        return {self.name: [key_value(related) for related in getattr(obj, self.name).all()]}

    def values_of(self, obj: models.Model) -> Row:
        return {self.name: sorted(key_value(related) for related in getattr(obj, self.name).all())}

    def apply_related(self, obj: models.Model, row: Row) -> None:
        wanted = row[self.name]
        target = self.target
        (key,) = target.key
        related = list(target.model.objects.filter(**{f"{key}__in": wanted}))
        missing = set(wanted) - {key_value(r) for r in related}
        if missing:
            raise ValueError(f"{type(obj).__name__} {self.name}: unknown {sorted(missing)}")
        getattr(obj, self.name).set(related)


@dataclass(frozen=True)
class Children(Member):
    """The rows of another table nested in this row's data (a complication's warning signs...)."""

    table: Table
    related_name: str = ""  # the model's reverse accessor, when it is not `name`
    required: bool = False  # fixtures must give the list (otherwise left out = empty)

    @property
    def accessor(self) -> str:
        return self.related_name or self.name

    def nodes(self, node: Mapping[str, Any]) -> list[Any]:
        """The nested rows of a fixture node."""
        return node[self.name] if self.required else node.get(self.name, [])

    def export(self, obj: models.Model) -> Node:
        return {self.name: [self.table.export(child) for child in getattr(obj, self.accessor).all()]}


# --- Tables -------------------------------------------------------------------------------------


class _Blank(dict):
    """Values for a label: a value the data lacks shows as None."""

    def __missing__(self, key: str) -> None:
        return None


@dataclass(frozen=True)
class Table:
    """One content model as the knowledge base sees it."""

    name: str  # names its rows in the loader's report and its statuses in a release
    model: type[models.Model]
    key: tuple[str, ...]  # the row fields that make up model.natural_key(), in its order
    members: tuple[Member, ...]  # in the order release data lists them
    label: str  # how integrity problems name a row: formatted with its data and its parent's key
    section: str | None = None  # its list in release data, for a table not nested in another
    fixture: str | None = None  # its file, or glob of one-row files, in fixtures/knowledge_base/
    order_by: tuple[str, ...] = ()  # the order of its list in release data, if not the model's
    bare: str | None = None  # in the data a row is only this member's value (a clause: its symptoms)
    released_with_parent: bool = False  # reviewed as part of its parent: released with it or not at all
    in_vocabulary: bool = False  # shared/vocabulary/<section>.csv lists every slug it must have

    def __post_init__(self) -> None:
        missing = set(self.key) - set(self.columns)
        if missing:
            raise ValueError(f"{self.name}: key {sorted(missing)} is not among its members")

    @property
    def parent(self) -> Parent | None:
        return next((m for m in self.members if isinstance(m, Parent)), None)

    @property
    def references(self) -> tuple[Ref, ...]:
        """Foreign keys to other tables, the parent excepted."""
        return tuple(m for m in self.members if isinstance(m, Ref) and not isinstance(m, Parent))

    @property
    def foreign_keys(self) -> tuple[str, ...]:
        """Every foreign key, the parent included."""
        return tuple(m.name for m in self.members if isinstance(m, Ref))

    @property
    def many_to_many(self) -> tuple[Refs, ...]:
        return tuple(m for m in self.members if isinstance(m, Refs))

    @property
    def children(self) -> tuple[Children, ...]:
        return tuple(m for m in self.members if isinstance(m, Children))

    @property
    def texts(self) -> tuple[Text, ...]:
        return tuple(m for m in self.members if isinstance(m, Text))

    @property
    def columns(self) -> tuple[str, ...]:
        """The model fields its members fill (the `translations` field once, however many texts)."""
        return tuple(dict.fromkeys(column for m in self.members for column in m.columns))

    def row_key(self, row: Mapping[str, Any]) -> Key:
        """The natural key of a row (equal to natural_key() of the model instance it describes)."""
        return tuple(row[column] for column in self.key)

    def node_key(self, node: Mapping[str, Any], parent: Key = ()) -> Key:
        """The natural key of a node of release data nested under the row with key `parent`."""
        return self.row_key(self._with_parent(node, parent))

    def describe(self, node: Mapping[str, Any], parent: Key = ()) -> str:
        """The row as integrity problems name it, e.g. "rule 'x' of 'sepsis'"."""
        return self.label.format_map(_Blank(self._with_parent(node, parent)))

    def _with_parent(self, node: Mapping[str, Any], parent: Key) -> Mapping[str, Any]:
        if self.parent is None:
            return node
        (value,) = parent
        return {**node, self.parent.name: value}

    def read(self, node: Any, position: int = 0, parent: Key = ()) -> Row:
        """A row from a fixture node (children not included: they are rows of their own)."""
        if self.bare is not None:
            node = {self.bare: node}
        row: Row = {}
        for member in self.members:
            row.update(member.read(node, position, parent))
        return row

    def export(self, obj: models.Model) -> Any:
        """Release data of a model instance, nested rows included."""
        node: Node = {}
        for member in self.members:
            node.update(member.export(obj))
        return node[self.bare] if self.bare is not None else node

    def values_of(self, obj: models.Model) -> Row:
        """The row of a model instance, to compare with the row read from the fixtures."""
        row: Row = {}
        for member in self.members:
            row.update(member.values_of(obj))
        return row

    def apply(self, obj: models.Model, row: Row) -> None:
        for member in self.members:
            member.apply(obj, row)

    def apply_related(self, obj: models.Model, row: Row) -> None:
        for member in self.members:
            member.apply_related(obj, row)


SOURCE = Table(
    "source",
    Source,
    key=("code",),
    label="source '{code}'",
    section="sources",
    fixture="sources.json",
    order_by=("id",),  # in the order the fixture lists them, not by code
    members=(Field("code"), Field("title"), Field("url", default=""), Field("grade")),
)
AREA = Table(
    "area",
    Area,
    key=("slug",),
    label="area '{slug}'",
    section="areas",
    fixture="areas.json",
    in_vocabulary=True,
    # `within` points to an area listed before it (broader areas come first in the fixture).
    members=(Field("slug"), Text("name"), Ref("within", "area", default=None), Position()),
)
SYMPTOM = Table(
    "symptom",
    Symptom,
    key=("slug",),
    label="symptom '{slug}'",
    section="symptoms",
    fixture="symptoms.json",
    in_vocabulary=True,
    members=(Field("slug"), Text("label"), Field("group"), Position()),
)
WARNING_SIGN = Table(
    "warning_sign",
    WarningSign,
    key=("complication", "symptom"),
    label="warning sign '{symptom}' of '{complication}'",
    members=(
        Parent("complication", "complication"),
        Ref("symptom", "symptom"),
        Field("weight", convert=float),
        Field("urgency"),
        Refs("except_procedures", "procedure"),
    ),
)
CLAUSE = Table(
    "clause",
    RuleClause,
    key=("rule", "position"),
    label="clause {position} of rule '{rule}'",
    bare="symptoms",
    released_with_parent=True,
    members=(
        Parent("rule", "rule"),
        Position(start=1, exported=False),
        Refs("symptoms", "symptom", required=True, unique=True),
    ),
)
RULE = Table(
    "rule",
    CombinationRule,
    key=("slug",),
    label="rule '{slug}' of '{complication}'",
    members=(
        Parent("complication", "complication"),
        Field("slug"),
        Field("name", fallback="slug"),
        Field("urgency"),
        Text("explanation"),
        Children("clauses", CLAUSE, required=True),
        Refs("procedures", "procedure"),
        Refs("except_procedures", "procedure"),
        Refs("areas", "area"),
        Field("min_day", default=None),
        Field("max_day", default=None),
        Field("trend", default="", or_default=True),
        Field("route", default="", or_default=True),
        Text("route_fallback", optional=True, default=""),
        Field("system_red_flag", default=False, convert=bool),
    ),
)
COMPLICATION = Table(
    "complication",
    Complication,
    key=("slug",),
    label="complication '{slug}'",
    section="complications",
    fixture="complications/*.json",
    in_vocabulary=True,
    members=(
        Field("slug"),
        Text("name", default="", or_default=True),
        Text("summary", default="", or_default=True),
        Text("what_to_do", default="", or_default=True),
        Text("self_care", optional=True, default="", or_default=True),
        Text("escalation", default="", or_default=True),
        Text("evidence_note", optional=True, default="", or_default=True),
        Field("default_urgency"),
        Field("cross_cutting", default=False, convert=bool),
        DayWindow("default_onset_days", "default_onset_min_days", "default_onset_max_days"),
        Refs("typical_areas", "area"),
        Refs("sources", "source"),
        Children("warning_signs", WARNING_SIGN),
        Children("rules", RULE),
    ),
)
EXPECTED_EFFECT = Table(
    "effect",
    ExpectedEffect,
    key=("procedure", "slug"),
    label="expected effect '{slug}' of '{procedure}'",
    members=(
        Parent("procedure", "procedure"),
        Field("slug"),
        Text("name"),
        Text("description"),
        Refs("symptoms", "symptom"),
        Field("normal_until_day"),
        Field("worst_by_day", default=0, or_default=True),
        Field("improving_until_day", default=None),
        Field("level_after", default="soon", or_default=True),
        Ref("becomes", "complication", default=None),
        Field("onset_by_day", default=1, or_default=False),
        Refs("sources", "source"),
        Position(exported=False),
    ),
)
LINK = Table(
    "link",
    ProcedureComplication,
    key=("procedure", "complication"),
    label="link '{procedure}' → '{complication}'",
    members=(
        Parent("procedure", "procedure"),
        Ref("complication", "complication"),
        Field("onset_min_days"),
        Field("onset_max_days", default=None),
        Field("frequency", default=""),
        Field("frequency_band", default="unknown"),
        Field("evidence_grade"),
        Field("urgency"),
        Text("note", optional=True, default=""),
        Field("emergency_route", default="", or_default=True),
        Text("emergency_route_fallback", optional=True, default=""),
    ),
)
PROCEDURE = Table(
    "procedure",
    Procedure,
    key=("slug",),
    label="procedure '{slug}'",
    section="procedures",
    fixture="procedures/*.json",
    in_vocabulary=True,
    members=(
        Field("slug"),
        Text("name"),
        Lines("aliases"),
        Field("kind", default=""),
        Text("description"),
        Position(),
        Children("expected_effects", EXPECTED_EFFECT),
        Children("complications", LINK, related_name="links"),
    ),
)

RISK_EFFECT = Table(
    "risk_effect",
    RiskFactorEffect,
    key=("risk_factor", "slug"),
    label="effect '{slug}' of risk factor '{risk_factor}'",
    members=(
        Parent("risk_factor", "risk_factor"),
        Field("slug"),
        Position(exported=False),
        Refs("complications", "complication", required=True),
        Refs("procedures", "procedure"),
        Field("raise_steps", default=0, or_default=True),
        Field("floor", default="", or_default=True),
        Field("evidence_weight", default=0.0, or_default=True, convert=float),
        Text("route_fallback", optional=True, default=""),
        Refs("sources", "source"),
    ),
)
RISK_FACTOR = Table(
    "risk_factor",
    RiskFactor,
    key=("slug",),
    label="risk factor '{slug}'",
    section="risk_factors",
    fixture="risk_factors.json",
    in_vocabulary=True,
    members=(
        Field("slug"),
        Text("label"),
        Field("group"),
        Text("meaning", optional=True, default=""),
        Position(),
        Children("effects", RISK_EFFECT),
    ),
)

TABLES: Final[Mapping[str, Table]] = {
    table.name: table
    for table in (
        # Load order: every table after the tables it refers to.
        SOURCE,
        AREA,
        SYMPTOM,
        PROCEDURE,
        COMPLICATION,
        WARNING_SIGN,
        RULE,
        CLAUSE,
        EXPECTED_EFFECT,
        LINK,
        RISK_FACTOR,
        RISK_EFFECT,
    )
}
"""Every content table by name, in load order."""

SECTIONS: Final[tuple[Table, ...]] = (SOURCE, AREA, SYMPTOM, COMPLICATION, PROCEDURE, RISK_FACTOR)
"""The tables not nested in another, in the order release data lists them."""


def table_of(model: type[models.Model]) -> Table | None:
    """The table that describes a model (None for a model that is not knowledge-base content)."""
    return next((table for table in TABLES.values() if table.model is model), None)


def walk(sections: Iterable[tuple[Table, Iterable[Node]]]) -> Iterable[tuple[Table, Node, Key]]:
    """Every row of release data, nested ones included, as (table, node, key of its parent).

    `sections` gives each top-level table with its nodes. Bare rows (a rule's clauses) are not
    visited: they have no fields to name.
    """
    for table, nodes in sections:
        yield from _walk(table, nodes, ())


def _walk(table: Table, nodes: Iterable[Node], parent: Key) -> Iterable[tuple[Table, Node, Key]]:
    nested = [child for child in table.children if child.table.bare is None]
    for node in nodes:
        yield table, node, parent
        if nested:
            key = table.node_key(node, parent)
            for child in nested:
                yield from _walk(child.table, node.get(child.name, []), key)
