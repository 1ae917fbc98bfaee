"""Sessions travel encrypted in the patient's cookie (procedures/sessions.py): nothing is stored in
the database, and the cookie cannot be read or altered without the secret key."""

import base64
import time

import pytest
from django.conf import settings

from procedures.sessions import SessionStore

ANSWERS = {"check": {"symptoms": {"symptoms": ["skin-blanching", "severe-pain"]}}}


def _cookie(values) -> str:
    store = SessionStore()
    store.update(values)
    store.save()
    return store.session_key


def test_the_cookie_does_not_reveal_the_answers():
    cookie = _cookie(ANSWERS)
    raw = base64.urlsafe_b64decode(cookie + "=" * (-len(cookie) % 4))
    assert b"skin" not in raw and b"blanching" not in raw and b"check" not in raw
    assert SessionStore(cookie).load() == ANSWERS


def test_a_cookie_altered_by_one_character_opens_an_empty_session():
    cookie = _cookie(ANSWERS)
    altered = cookie[:40] + ("A" if cookie[40] != "A" else "B") + cookie[41:]
    assert SessionStore(altered).load() == {}


def test_another_secret_key_cannot_open_it_but_a_rotated_one_still_does(settings):
    cookie = _cookie(ANSWERS)
    old = settings.SECRET_KEY
    settings.SECRET_KEY = "a-completely-different-secret-key-for-this-test-0123456789"
    assert SessionStore(cookie).load() == {}
    settings.SECRET_KEY_FALLBACKS = [old]
    assert SessionStore(cookie).load() == ANSWERS


def test_an_expired_cookie_opens_an_empty_session(settings, monkeypatch):
    cookie = _cookie(ANSWERS)
    later = time.time() + settings.SESSION_COOKIE_AGE + 60
    monkeypatch.setattr(time, "time", lambda: later)
    assert SessionStore(cookie).load() == {}


@pytest.mark.django_db
def test_the_questionnaire_stores_nothing_in_the_database(client):
    from django.contrib.sessions.models import Session

    client.post("/check/", {"none_of_these": "on"})
    client.post("/check/treatment/", {"procedure": "dermal-filler", "days_ago": "0", "area": "lips"})
    assert Session.objects.count() == 0
    assert settings.SESSION_COOKIE_NAME in client.cookies
