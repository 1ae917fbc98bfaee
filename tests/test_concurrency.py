"""Concurrent staff and deploys, on PostgreSQL with two real connections at once:

- two reviewers publishing at the same moment both find their change in the live release;
- two `load_knowledge_base` runs on an empty database both end well, with one release.

Skipped on SQLite (one process, and its file lock serializes writers anyway).
"""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

from procedures.models import Complication, ContentStatus, KnowledgeBaseRelease
from procedures.services import publish_content
from tests.concurrency_support import at_once
from tests.factories import UserFactory

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL and two connections"),
    pytest.mark.django_db(transaction=True),
]


def _load() -> str:
    out = StringIO()
    call_command("load_knowledge_base", stdout=out)
    return out.getvalue()


def test_two_loads_on_an_empty_database_both_end_well_with_one_release():
    call_command("flush", interactive=False, verbosity=0)  # a database with no knowledge base at all
    outputs = at_once(_load, _load)
    assert sum("published as release" in out for out in outputs) == 1
    assert sum("already current" in out for out in outputs) == 1
    assert KnowledgeBaseRelease.objects.count() == 1


@pytest.mark.parametrize("round_", [1, 2, 3])
def test_two_reviewers_publishing_at_once_lose_no_change(round_):
    if not KnowledgeBaseRelease.objects.exists():
        _load()
    reviewer_a, reviewer_b = UserFactory(is_superuser=True), UserFactory(is_superuser=True)
    first, second = Complication.objects.order_by("slug")[:2]
    for complication, words in ((first, "first"), (second, "second")):
        complication.summary = f"{complication.summary} Changed by the {words} reviewer, round {round_}."
        complication.status = ContentStatus.IN_REVIEW
        complication.save()
    at_once(
        lambda: publish_content([Complication.objects.get(pk=first.pk)], user=reviewer_a),
        lambda: publish_content([Complication.objects.get(pk=second.pk)], user=reviewer_b),
    )
    live = KnowledgeBaseRelease.objects.order_by("-version").first().data
    summaries = {c["slug"]: c["summary"] for c in live["complications"]}
    assert summaries[first.slug].endswith(f"first reviewer, round {round_}.")
    assert summaries[second.slug].endswith(f"second reviewer, round {round_}.")
