"""With the database down, patients still get answers and the emergency number, never a bare 500.

The outage is made with Django's own query hook (`connection.execute_wrapper`): every query the
app sends fails as PostgreSQL's would when the server is gone (OperationalError).
"""

import json
from contextlib import contextmanager

import pytest
from django.db import OperationalError, connection

from procedures import selectors

BODY = {"procedure": "dermal-filler", "days_since_treatment": 0, "symptoms": ["skin-blanching", "severe-pain"]}


@contextmanager
def database_down():
    def refuse(execute, sql, params, many, context):
        raise OperationalError("could not connect to server: Connection refused")

    with connection.execute_wrapper(refuse):
        yield


def ask(client):
    return client.post("/api/v1/assessments", json.dumps(BODY), content_type="application/json")


@pytest.fixture
def fallback_file(settings, tmp_path):
    settings.KNOWLEDGE_BASE_FALLBACK_FILE = str(tmp_path / "release.json")
    return tmp_path / "release.json"


@pytest.mark.django_db
def test_the_api_keeps_answering_from_the_release_in_memory(client, fallback_file, caplog):
    assert ask(client).status_code == 200  # warms this process's snapshot
    with database_down():
        response = ask(client)
    assert response.status_code == 200
    assert response.json()["urgency"] == "emergency"
    assert "answering from release" in caplog.text


@pytest.mark.django_db
def test_a_process_started_during_the_outage_answers_from_the_copy_on_disk(client, fallback_file):
    assert ask(client).status_code == 200
    assert fallback_file.is_file()
    selectors.forget_cached_knowledge_base()  # as a new worker would start
    with database_down():
        response = ask(client)
    assert response.status_code == 200
    assert response.json()["urgency"] == "emergency"


@pytest.mark.django_db
def test_with_no_release_anywhere_the_api_answers_503_json(client, fallback_file):
    with database_down():
        response = ask(client)
    assert response.status_code == 503
    assert response["Content-Type"] == "application/json"
    assert "service" in response.json()["errors"]


@pytest.mark.django_db
def test_the_emergency_screen_renders_during_the_outage(client, fallback_file, settings):
    settings.EMERGENCY_NUMBER = "112"
    ask(client)
    with database_down():
        response = client.get("/check/")
    assert response.status_code == 200
    assert 'href="tel:112"' in response.content.decode()


@pytest.mark.django_db
def test_the_whole_questionnaire_completes_during_the_outage(client, fallback_file, settings):
    """Sessions travel encrypted in the cookie (procedures/sessions.py): no step needs the database."""
    settings.EMERGENCY_NUMBER = "112"
    ask(client)  # this process holds the release in memory
    with database_down():
        assert client.post("/check/", {"none_of_these": "on"})["Location"] == "/check/treatment/"
        step = client.post("/check/treatment/", {"procedure": "dermal-filler", "days_ago": "0", "area": "lips"})
        assert step["Location"] == "/check/symptoms/"
        step = client.post("/check/symptoms/", {"symptoms": ["skin-blanching", "severe-pain"]})
        assert step.status_code == 302
        if step["Location"] == "/check/more/":
            assert client.post("/check/more/", {}).status_code == 302
        result = client.get("/check/result/")
    assert result.status_code == 200
    assert result.context["level"].value == "emergency"
    assert 'href="tel:' in result.content.decode()


@pytest.mark.django_db
def test_a_page_that_needs_the_database_answers_the_emergency_page_not_a_bare_500(client, fallback_file, settings):
    settings.EMERGENCY_NUMBER = "112"
    settings.CLINIC_PHONE = "+1 555 0100"
    client.raise_request_exception = False
    with database_down():
        response = client.post("/admin/login/", {"username": "rosa", "password": "wrong"})  # reads the users table
    assert response.status_code in (500, 503)
    page = response.content.decode()
    assert 'href="tel:112"' in page and "+1 555 0100" in page
    assert "Server Error" not in page


def test_an_unexpected_error_still_shows_the_emergency_number(rf, settings):
    from procedures.outage import server_error

    settings.EMERGENCY_NUMBER = "112"
    page = server_error(rf.get("/check/result/"))
    assert page.status_code == 500 and 'href="tel:112"' in page.content.decode()
    api = server_error(rf.get("/api/v1/assessments"))
    assert api.status_code == 500 and api["Content-Type"] == "application/json"


@pytest.mark.django_db
def test_health_says_ok_then_degraded_with_a_reason_in_the_log(client, fallback_file, caplog):
    assert client.get("/health/").json()["status"] == "ok"
    with database_down():
        response = client.get("/health/")
    assert response.status_code == 200  # the safety path still works: keep sending traffic
    body = response.json()
    assert body["status"] == "degraded" and "database unreachable" in body["reasons"][0]
    assert "Health degraded: database unreachable" in caplog.text


@pytest.mark.django_db
def test_health_is_down_without_any_knowledge_base(client, fallback_file):
    with database_down():
        response = client.get("/health/")
    assert response.status_code == 503 and response.json()["status"] == "down"
