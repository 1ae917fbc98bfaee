"""Questionnaire pages served again from the memo (procedures/page_memo.py) are the very pages the
views render, with a fresh CSRF token that still works, and never another patient's page."""

import re

import pytest
from django.test import Client

from .patient_stories import EXPECTED_REDNESS, INFECTION, walk

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
PAGES = ("/check/", "/check/treatment/", "/check/symptoms/", "/check/result/")


def _without_tokens(html: str) -> str:
    return TOKEN.sub('name="csrfmiddlewaretoken" value=""', html)


@pytest.fixture
def memo_on(settings):
    settings.PAGE_HTML_MEMO_SIZE = 64


@pytest.mark.django_db
@pytest.mark.parametrize("story", [EXPECTED_REDNESS, INFECTION], ids=["self-care", "urgent"])
def test_a_memoised_page_is_the_page_the_view_renders(client, settings, story, memo_on):
    walk(client, story)
    for path in PAGES:
        settings.PAGE_HTML_MEMO_SIZE = 0
        rendered = client.get(path)
        settings.PAGE_HTML_MEMO_SIZE = 64
        first, again = client.get(path), client.get(path)
        assert again.context is None, f"{path} was rendered again instead of served from the memo"
        assert rendered.status_code == first.status_code == again.status_code == 200
        expected = _without_tokens(rendered.content.decode())
        assert _without_tokens(first.content.decode()) == expected
        assert _without_tokens(again.content.decode()) == expected
        assert again["Cache-Control"] == rendered["Cache-Control"]


@pytest.mark.django_db
def test_each_memoised_page_carries_a_fresh_token_that_works(memo_on):
    patient = Client(enforce_csrf_checks=True)
    patient.get("/check/")
    page = patient.get("/check/").content.decode()
    tokens = set(TOKEN.findall(page))
    assert len(tokens) == 1 and "csrf" not in next(iter(tokens))
    again = set(TOKEN.findall(patient.get("/check/").content.decode()))
    assert again != tokens  # masked anew, as Django does for every response
    answered = patient.post("/check/", {"none_of_these": "on", "csrfmiddlewaretoken": again.pop()})
    assert answered.status_code == 302


@pytest.mark.django_db
def test_patients_with_other_answers_get_their_own_pages(memo_on):
    first, second = Client(), Client()
    walk(first, EXPECTED_REDNESS)
    walk(second, INFECTION)
    for _ in range(2):
        one, two = first.get("/check/result/").content.decode(), second.get("/check/result/").content.decode()
        assert "truSculpt iD" in one and "truSculpt iD" not in two
        assert "RF microneedling" in two and "RF microneedling" not in one


@pytest.mark.django_db
def test_a_page_with_something_to_show_once_is_rendered_by_its_view(client, memo_on):
    """A refused contact form's typed values are shown once, then forgotten: never from the memo."""
    walk(client, INFECTION)
    client.get("/check/result/")
    client.post("/check/contact/", {"name": "Ana", "phone": "", "consent": ""})
    shown = client.get("/check/result/")
    assert shown.context is not None
    assert 'value="Ana"' in shown.content.decode()
    assert 'value="Ana"' not in client.get("/check/result/").content.decode()


@pytest.mark.django_db
def test_a_change_of_language_or_clinic_is_never_served_from_an_old_page(client, settings, memo_on):
    walk(client, EXPECTED_REDNESS)
    english = client.get("/check/result/").content.decode()
    spanish = client.get("/check/result/", HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert 'lang="es"' in spanish and 'lang="en"' in english
    settings.EMERGENCY_NUMBER = "112"
    assert 'href="tel:112"' in client.get("/check/result/").content.decode()
