"""Abuse: floods of contact requests are limited per address and per phone number, and behind our
reverse proxy an attacker can neither pick their address nor lock a named staff member out."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from procedures.client_address import client_ip
from procedures.models import ContactRequest
from tests.factories import UserFactory

from .session_support import store_in_session
from .test_contact import CONTACT, DETAILS, URGENT

PROXY = "10.0.0.2"  # our reverse proxy, as Django sees it
LOGIN = reverse("admin:login")
PASSWORD = "correct horse battery staple"


def patient_at(address: str) -> Client:
    client = Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=address)
    store_in_session(client, check=URGENT)
    return client


@pytest.fixture
def behind_one_proxy(settings):
    settings.TRUSTED_PROXY_COUNT = 1


# --- The client's address -------------------------------------------------------------------------


def test_behind_one_proxy_the_address_is_what_the_proxy_appended(rf, behind_one_proxy):
    assert client_ip(rf.get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="81.2.69.160")) == "81.2.69.160"
    # A forged header (the proxy appends the real address after it) is never believed: the chain is
    # longer than our one proxy explains, so the request counts under the proxy's own address,
    # with every other forger's, and never under the address the attacker chose.
    forged = rf.get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="6.6.6.6, 81.2.69.160")
    assert client_ip(forged) == PROXY


def test_without_a_proxy_a_forwarding_header_is_ignored(rf, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(rf.get("/", REMOTE_ADDR="81.2.69.160", HTTP_X_FORWARDED_FOR="6.6.6.6")) == "81.2.69.160"


# --- Contact-request floods -----------------------------------------------------------------------


@pytest.mark.django_db
def test_one_address_is_limited_and_told_to_call(behind_one_proxy, settings):
    settings.CONTACT_LIMIT_PER_ADDRESS_PER_HOUR = 3
    settings.CLINIC_PHONE = "+1 213 555 0100"
    flooder = patient_at("81.2.69.160")
    for n in range(3):
        assert flooder.post(CONTACT, {**DETAILS, "phone": f"+1 213 555 01{n:02}"}).status_code == 302
    refused = flooder.post(CONTACT, {**DETAILS, "phone": "+1 213 555 0150"})
    assert refused.status_code == 429
    assert 'href="tel:+1 213 555 0100"' in refused.content.decode()
    assert ContactRequest.objects.count() == 3
    # Another patient behind the same proxy is counted on their own address.
    assert patient_at("81.2.69.161").post(CONTACT, {**DETAILS, "phone": "+1 213 555 0160"}).status_code == 302


@pytest.mark.django_db
def test_one_phone_number_is_limited_whatever_the_address(behind_one_proxy, settings):
    settings.CONTACT_LIMIT_PER_PHONE_PER_HOUR = 2
    for n, phone in enumerate(("+1 213 555 0199", "1 (213) 555-0199")):
        assert patient_at(f"81.2.69.{n}").post(CONTACT, {**DETAILS, "phone": phone}).status_code == 302
    assert patient_at("81.2.69.9").post(CONTACT, {**DETAILS, "phone": "+12135550199"}).status_code == 429
    assert ContactRequest.objects.count() == 2


# --- Admin lockout behind the proxy ---------------------------------------------------------------


@pytest.mark.django_db
def test_an_attacker_cannot_lock_a_named_staff_member_out(behind_one_proxy, settings):
    UserFactory(username="nurse", is_superuser=True)
    attacker = Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="6.6.6.6")
    for _ in range(settings.AXES_FAILURE_LIMIT + 2):
        attacker.post(LOGIN, {"username": "nurse", "password": "wrong", "next": "/admin/"})
    assert attacker.post(LOGIN, {"username": "nurse", "password": PASSWORD}).status_code in (403, 429)
    nurse = Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="81.2.69.160")
    ok = nurse.post(LOGIN, {"username": "nurse", "password": PASSWORD, "next": "/admin/"})
    assert ok.status_code == 302 and ok.url == "/admin/"


@pytest.mark.django_db
def test_every_page_forbids_inline_script(client):
    for path in ("/", "/check/", "/admin/login/"):
        policy = client.get(path)["Content-Security-Policy"]
        directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
        assert directives["script-src"] == "'self'", path
        assert "unsafe-inline" not in directives["style-src"] and directives["object-src"] == "'none'"
