"""Shared test set-up.

The real knowledge base (fixtures/knowledge_base/) is loaded and published once per test
session into the test database; each test then runs inside a transaction that is rolled back.
Engine tests that need no database build small knowledge bases in code (tests/kb_builders.py).
"""

import pytest
from django.core.management import call_command

from procedures import freshness
from procedures.clinic import default_clinic, forget_cached_clinic, remember_clinic
from procedures.selectors import forget_cached_knowledge_base


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        call_command("load_knowledge_base", verbosity=0)


@pytest.fixture(autouse=True)
def _cold_snapshot_cache(settings):
    """Each test starts without a cached snapshot, and with the clinic as the environment describes
    it (no settings row), so one test's release or clinic settings cannot leak into another.

    No release watcher runs (tests/test_freshness.py starts its own): a test's release lives in its
    rolled-back transaction, which a watcher's own connection could not see, so each read checks
    the database on the test's connection instead."""
    settings.KNOWLEDGE_BASE_WATCH_SECONDS = 0
    # Pages are rendered by their views (tests read response.context); tests/test_page_memo.py
    # checks that a memoised page is the very page the view renders.
    settings.PAGE_HTML_MEMO_SIZE = 0
    forget_cached_knowledge_base()
    remember_clinic(default_clinic())
    yield
    freshness.stop_watching()
    forget_cached_knowledge_base()
    forget_cached_clinic()


@pytest.fixture
def kb(db):
    """The published real knowledge base, as the engine sees it."""
    from procedures.selectors import published_knowledge_base

    return published_knowledge_base()


@pytest.fixture(autouse=True)
def _outbox_in_a_temporary_folder(settings, tmp_path):
    """No test parks a contact request where a developer's real outbox is."""
    settings.CONTACT_OUTBOX_DIR = str(tmp_path / "contact-outbox")
