"""The schema of the knowledge base (procedures/kb_schema.py) agrees with the models and the fixtures."""

import pytest
from django.conf import settings

from procedures.kb_loader import read_fixture_rows, rows_from_data
from procedures.kb_schema import SECTIONS, TABLES, Children, Parent, Ref, Refs
from procedures.selectors import knowledge_base_data

# Review state and provenance (procedures.models.ReviewedContent): not content, not in the data.
BOOKKEEPING = {"id", "status", "reviewed_by", "reviewed_at", "updated_at", "loaded_hash"}


@pytest.mark.parametrize("table", TABLES.values(), ids=lambda table: table.name)
def test_the_schema_describes_every_field_of_the_model(table):
    fields = {f.name for f in table.model._meta.get_fields() if f.concrete} - BOOKKEEPING
    assert set(table.columns) == fields


@pytest.mark.parametrize("table", TABLES.values(), ids=lambda table: table.name)
def test_tables_load_after_the_tables_they_refer_to(table):
    order = list(TABLES)
    for member in table.members:
        if isinstance(member, (Ref, Refs)) and member.to != table.name:  # an area within an area: rows in order
            assert order.index(member.to) < order.index(table.name), member.name


def test_every_table_is_in_the_data_once():
    nested = [m.table.name for t in TABLES.values() for m in t.members if isinstance(m, Children)]
    top = [t.name for t in SECTIONS]
    assert sorted(nested + top) == sorted(TABLES)
    for table in TABLES.values():
        assert (table.name in top) == (table.parent is None) == (table.fixture is not None)
        assert table.parent is None or isinstance(table.parent, Parent)


@pytest.mark.django_db
@pytest.mark.parametrize("table", TABLES.values(), ids=lambda table: table.name)
def test_the_schema_key_is_the_models_natural_key(table):
    rows = list(table.model.objects.all())
    assert rows
    for obj in rows:
        assert table.row_key(table.values_of(obj)) == obj.natural_key()


@pytest.mark.django_db
def test_release_data_reads_back_as_the_fixture_rows():
    """The release format is the fixture format: flattening what the selector exports gives the
    rows the loader read from the fixtures."""
    assert rows_from_data(knowledge_base_data()) == read_fixture_rows(settings.KNOWLEDGE_BASE_DIR)
