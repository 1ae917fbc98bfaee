"""A check-in answered from the emailed link, in a real browser on a phone: every page checked by
axe-core with no violation of any impact, and the answer reaching the follow-up queue."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from checkins.services import Contact, enrol, send_due_checkins
from procedures.models import ContactRequest
from procedures.selectors import published_knowledge_base

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_check_in_is_answered_from_the_emailed_link_on_a_phone(browser, app_url, settings, monkeypatch):
    # Playwright's event loop runs in this thread; the ORM calls below are plain synchronous ones.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    settings.CHECKIN_SITE_URL = app_url
    settings.CHECKIN_SMS_BACKEND = "checkins.sms.LocmemSmsBackend"
    kb = published_knowledge_base()
    treated = timezone.localdate() - timedelta(days=13)
    contact = Contact("Alice", "alice@example.com")
    enrolment = enrol(kb, procedure="dermal-filler", treated_on=treated, contact=contact, language="en", consent=True)
    send_due_checkins(now=enrolment.checkins.get(day=14).due_at)
    link = re.search(r"(https?://\S+/checkins/c/\S+/)", mail.outbox[-1].body).group(1)

    patient = browser.open("phone")
    patient.page.goto(link)
    patient.page.wait_for_url("**/checkins/answer/")
    patient.shown("check-in: anything new or worse?", strict=True)
    patient.tap("label[for='id_answer_1']")
    patient.submit()
    patient.page.wait_for_url("**/checkins/answer/emergency/")
    patient.shown("check-in: emergency check", strict=True)
    patient.tap("label[for='id_none_of_these']")
    patient.submit()
    patient.page.wait_for_url("**/checkins/answer/symptoms/")
    patient.shown("check-in: symptoms", strict=True)
    for slug in ("spreading-redness", "pus-or-drainage", "warmth"):
        box = patient.page.locator(f"#symptom-{slug}")
        if not box.is_visible():
            patient.tap("details.more-symptoms > summary")
        patient.tap(f"label[for='symptom-{slug}']")
    patient.tap("input[name=trend][value='worsening'] + label")
    patient.submit()
    patient.page.wait_for_url("**/checkins/answer/result/")
    patient.shown("check-in: result", strict=True)
    assert "We have passed your answers to the clinic" in patient.page.content()
    assert ContactRequest.objects.get().urgency == "urgent"

    patient.page.goto(link)  # the link works once
    patient.shown("check-in: link already used", strict=True)
    assert "already been answered" in patient.page.content()
