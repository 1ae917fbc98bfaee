"""Browser tests: Playwright driving Debian's Chromium against Django's live server.

Chromium: CHROMIUM_PATH, else `chromium` on PATH, else /usr/bin/chromium. Playwright never
downloads a browser here. Without Chromium (or Playwright) the tests are skipped, unless
REQUIRE_BROWSER=1 (as `.ci/run` sets), when they fail instead.

The knowledge base: tests/conftest.py loads and publishes it once per session, but live-server
tests need a transactional database, which is emptied after each test. Patient pages read only
the published release, so the release row is copied once and put back before each test
(reloading the fixtures would take seconds per test).

Artefacts (screenshots, a PDF of the printed summary, browser-report.json) go to
test-artifacts/ (ARTIFACTS_DIR overrides).
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from unittest import mock

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connections

from procedures.models import KnowledgeBaseRelease

from .support import REPORT, Browser

ARTIFACTS = Path(os.environ.get("ARTIFACTS_DIR", Path(settings.BASE_DIR) / "test-artifacts"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def _chromium() -> str | None:
    candidate = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
    return candidate if Path(candidate).exists() else None


def _unavailable(reason: str):
    if os.environ.get("REQUIRE_BROWSER") == "1":
        pytest.fail(f"{reason} (REQUIRE_BROWSER=1)", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def published_release(django_db_setup, django_db_blocker) -> dict:
    """The release tests/conftest.py published, as field values to put back after each flush."""
    with django_db_blocker.unblock():
        release = KnowledgeBaseRelease.objects.order_by("-version").first()
        if release is None:  # a transactional test ran first and flushed what the session loaded
            call_command("load_knowledge_base", verbosity=0)
            release = KnowledgeBaseRelease.objects.order_by("-version").first()
    assert release is not None, "the knowledge base could not be published"
    return {
        "version": release.version,
        "content_hash": release.content_hash,
        "note": release.note,
        "data": release.data,
    }


@pytest.fixture
def app_url(live_server, published_release) -> str:
    if not KnowledgeBaseRelease.objects.filter(version=published_release["version"]).exists():
        KnowledgeBaseRelease.objects.create(**published_release)
    return live_server.url


@pytest.fixture
def browser(app_url):
    """A fresh Chromium per test: Playwright's event loop lives only while the test runs, so the
    database flush after the test happens outside it (Django refuses ORM calls inside a loop)."""
    executable = _chromium()
    if executable is None:
        _unavailable("Chromium is not installed (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("playwright is not installed (pip install -r requirements-browser.txt)")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            yield Browser(chromium, app_url, ARTIFACTS)
        finally:
            _close_connections_opened_beside_playwright()
            chromium.close()


def _close_connections_opened_beside_playwright() -> None:
    """A test that checks the database while Playwright's loop runs opens connections of that
    loop's context, which the flush after the test never sees: closed here, inside it, or they
    outlive the test database ("being accessed by other users" at teardown)."""
    with mock.patch.dict(os.environ, {"DJANGO_ALLOW_ASYNC_UNSAFE": "true"}):
        connections.close_all()


def pytest_terminal_summary(terminalreporter):
    if not REPORT["pages"] and not REPORT["axe"]:
        return
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "browser-report.json").write_text(json.dumps(REPORT, indent=2, ensure_ascii=False))
    write = terminalreporter.write_line
    terminalreporter.section("patient page weights (KB; cache off; fonts: none loaded)")
    write(f"{'page':<44}{'requests':>9}{'as served':>11}{'production':>12}  (production: static gzip -9 as whitenoise)")
    for row in REPORT["pages"]:
        served, production = row["bytes"] / 1024, row["production_bytes"] / 1024
        write(f"{row['page']:<44}{row['requests']:>9}{served:>10.1f}K{production:>11.1f}K")
    terminalreporter.section("axe-core results (violations by impact)")
    for row in REPORT["axe"]:
        counts = ", ".join(f"{impact} {n}" for impact, n in row["impacts"].items()) or "none"
        write(f"{row['state']:<44} {row['passes']:>3} rules passed; violations: {counts}")
    write(f"report: {ARTIFACTS / 'browser-report.json'}; screenshots: {ARTIFACTS / 'screenshots'}")
