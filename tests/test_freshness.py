"""The release watcher (procedures/freshness.py): no query per request, new releases within 2 s.

These tests run a real watcher thread on its own database connection, so their data must be
committed (transactional tests), as another worker's or server's would be.
"""

import json
import threading
import time

import pytest
from django.core.management import call_command
from django.db import connections

from procedures import freshness, selectors
from procedures.models import Complication
from procedures.services import publish_knowledge_base

BODY = {"procedure": "dermal-filler", "days_since_treatment": 0, "symptoms": ["skin-blanching", "severe-pain"]}
WITHIN_SECONDS = 2.0


@pytest.fixture
def watched(settings, transactional_db):
    """A committed knowledge base and a running watcher, as in a served worker."""
    call_command("load_knowledge_base", verbosity=0)
    settings.KNOWLEDGE_BASE_WATCH_SECONDS = 0.2
    freshness.warm_up()
    assert freshness.watching()
    yield
    freshness.stop_watching()


def _publish_elsewhere(name: str) -> None:
    """Publish through another connection, as another worker or server would."""

    def publish():
        try:
            Complication.objects.filter(slug="thermal-burn").update(name=name)
            publish_knowledge_base(note="from elsewhere")
        finally:
            connections.close_all()

    worker = threading.Thread(target=publish)
    worker.start()
    worker.join()


def _wait_for(version_other_than: str) -> float:
    started = time.monotonic()
    while time.monotonic() - started < 5:
        if selectors.published_knowledge_base().version != version_other_than:
            return time.monotonic() - started
        time.sleep(0.02)
    return float("inf")


def test_an_api_assessment_makes_no_query_while_the_watcher_runs(watched, client, django_assert_num_queries):
    client.post("/api/v1/assessments", json.dumps(BODY), content_type="application/json")
    with django_assert_num_queries(0):  # not even the connection's health check
        response = client.post("/api/v1/assessments", json.dumps(BODY), content_type="application/json")
    assert response.status_code == 200
    assert response.json()["urgency"] == "emergency"


def test_the_whole_questionnaire_makes_no_query_while_the_watcher_runs(watched, client, django_assert_num_queries):
    client.get("/check/")  # a first visit sets the cookies
    with django_assert_num_queries(0):
        assert client.post("/check/", {"none_of_these": "on"}).status_code == 302
        assert client.get("/check/treatment/").status_code == 200
        answer = {"procedure": "dermal-filler", "days_ago": 0, "area": ""}
        assert client.post("/check/treatment/", answer).status_code == 302
        assert client.get("/check/symptoms/").status_code == 200
        chosen = {"symptoms": ["swelling"], "trend": "", "nothing_to_report": ""}
        assert client.post("/check/symptoms/", chosen).status_code == 302
        assert client.get("/check/result/").status_code == 200


def test_a_release_made_elsewhere_is_served_within_two_seconds(watched, client):
    before = selectors.published_knowledge_base().version
    _publish_elsewhere("Burn from elsewhere")
    took = _wait_for(before)
    assert took < WITHIN_SECONDS, f"the new release took {took:.2f} s to be served"
    answer = client.get("/api/v1/symptoms")
    assert answer.json()["knowledge_base_version"] != before


def test_the_snapshot_is_built_by_the_watcher_not_by_the_request(watched):
    """The request only ever reads what is in memory: it never builds a snapshot."""
    held = selectors.published_knowledge_base()
    built = []
    original = selectors.prepared

    def counting(snapshot):
        built.append(threading.current_thread().name)
        return original(snapshot)

    selectors.prepared = counting
    try:
        _publish_elsewhere("Renamed for the build test")
        _wait_for(held.version)
    finally:
        selectors.prepared = original
    assert built == ["release-watcher"]


def test_without_a_watcher_each_read_checks_the_database(settings, db, django_assert_num_queries):
    settings.KNOWLEDGE_BASE_WATCH_SECONDS = 0
    first = selectors.published_knowledge_base()
    with django_assert_num_queries(1):
        assert selectors.published_knowledge_base() is first
    assert not freshness.watching()
