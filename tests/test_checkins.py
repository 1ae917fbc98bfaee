"""Check-ins after the visit (issue 14), end to end.

A patient enrols after a result; time travels to each check-in day (`now` passed to the services);
the check-in email arrives at a real local SMTP server (aiosmtpd); its link opens the check-in; a
worse answer lands in the follow-up queue at the engine's level; an unacknowledged urgent request
escalates on time (on-call, then the clinical lead); a missed high-risk check-in is reminded once,
then flagged as a queue line; opting out stops everything. Several servers at once send and
escalate each item once (PostgreSQL, SKIP LOCKED; skipped on SQLite).
"""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta
from urllib.parse import urlsplit

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from checkins import sms
from checkins.escalation import escalate_overdue
from checkins.links import checkin_token, enrolment_id_from, opt_out_url
from checkins.metrics import week_of
from checkins.models import AlertEvent, AlertVerdict, Checkin, CheckinSchedule, Enrolment, OutgoingMessage
from checkins.schedule import derive_schedule
from checkins.schedules import seed_schedules
from checkins.services import Contact, enrol, send_due_checkins
from procedures.clinic import current_clinic
from procedures.models import ContactRequest, StaffNotification
from procedures.outbox import send_due_notifications
from procedures.triage import Answers, assess
from tests.factories import staff_user

from .concurrency_support import at_once
from .session_support import store_in_session
from .test_outboxes import Inbox, smtp_server  # noqa: F401  (the fixture: a real local SMTP server)

WORSE = {"symptoms": ["spreading-redness", "pus-or-drainage", "warmth"], "trend": "worsening"}


@pytest.fixture(autouse=True)
def _texts_kept(settings):
    settings.CHECKIN_SMS_BACKEND = "checkins.sms.LocmemSmsBackend"
    settings.CHECKIN_SITE_URL = "https://check.example"
    settings.CONTACT_NOTIFY_EMAILS = ["nurse@clinic.example"]
    settings.CLINIC_ON_CALL_PHONE = "+1 213 555 0111"
    settings.CHECKIN_ON_CALL_EMAIL = "oncall@clinic.example"
    settings.CHECKIN_CLINICAL_LEAD_EMAIL = "lead@clinic.example"
    settings.CHECKIN_CLINICAL_LEAD_PHONE = "+1 213 555 0122"
    sms.sent.clear()
    yield
    sms.sent.clear()


def on_day(enrolment: Enrolment, day: int, hour: int = 10, minute: int = 5) -> datetime:
    zone = current_clinic().time_zone
    return datetime.combine(enrolment.treated_on + timedelta(days=day), time(hour, minute), tzinfo=zone)


def alice(kb, procedure="dermal-filler", treated_on=None, by_sms=True) -> Enrolment:
    treated_on = treated_on or timezone.localdate()
    contact = Contact("Alice", "alice@example.com", "+1 213 555 0199", by_sms)
    return enrol(kb, procedure=procedure, treated_on=treated_on, contact=contact, language="en", consent=True)


def link_path(message) -> str:
    """The check-in link of an email received by the SMTP server, as a path."""
    text = message.content.decode()
    url = re.search(r"https://check\.example(/checkins/c/\S+/)", text)
    assert url, text
    return url.group(1)


# --- Schedules from the knowledge base ------------------------------------------------------------


def test_schedules_come_from_onset_windows_and_expected_durations(kb):
    days = {slug: derive_schedule(p, 84) for slug, p in kb.procedures.items()}
    filler = [d.day for d in days["dermal-filler"]]
    assert {1, 3, 14, 28} <= set(filler)  # the example: a blocked vessel early, nodules late
    assert {7, 14, 28, 56, 84} <= {d.day for d in days["mesotherapy"]}  # mycobacteria, weeks 1-12
    toxin = {d.day: d for d in days["botulinum-toxin"]}
    assert toxin[28].high_risk and "distant-toxin-spread" in toxin[28].reason  # spread up to 4 weeks
    assert 84 in {d.day for d in days["cryolipolysis"]}  # paradoxical hyperplasia from 2 months
    for slug, derived in days.items():
        assert derived, slug
        assert all(d.reasons for d in derived), slug
        assert [d.day for d in derived] == sorted({d.day for d in derived})


@pytest.mark.django_db
def test_seeding_keeps_the_schedules_staff_adjusted(kb):
    seed_schedules(kb)
    schedule = CheckinSchedule.objects.get(procedure="dermal-filler")
    schedule.days.filter(day=84).delete()
    report = seed_schedules(kb)
    assert report.created == [] and "dermal-filler" in report.kept
    assert not schedule.days.filter(day=84).exists()
    seed_schedules(kb, reset=("dermal-filler",))
    assert schedule.days.filter(day=84).exists()


# --- Enrolment with consent ------------------------------------------------------------------------

SELF_CARE_FILLER = {
    "screen": {"red_flags": [], "none": True},
    "treatment": {"procedure": "dermal-filler", "days": 0, "days_ago": 0, "treatment_date": None, "area": None},
    "symptoms": {"symptoms": ["swelling"], "trend": "improving"},
}
ENROL = {"name": "Alice", "email": "alice@example.com", "phone": "", "consent": "on"}


@pytest.mark.django_db
def test_the_result_page_offers_check_ins_and_nothing_is_kept_without_consent(client, kb):
    store_in_session(client, check=SELF_CARE_FILLER)
    page = client.get(reverse("procedures:result")).content.decode()
    assert 'action="/checkins/enrol/"' in page and 'name="consent"' in page
    refused = client.post(reverse("checkins:enrol"), {**ENROL, "consent": ""})
    assert refused.status_code == 400 and b"Without it we keep nothing" in refused.content
    assert Enrolment.objects.count() == 0
    response = client.post(reverse("checkins:enrol"), ENROL)
    assert response.status_code == 302 and response.url == reverse("checkins:enrolled")
    enrolment = Enrolment.objects.get()
    assert enrolment.consent_text_version == "checkins-2025-01"
    assert enrolment.procedure == "dermal-filler" and enrolment.treated_on == timezone.localdate()
    days = list(enrolment.checkins.values_list("day", flat=True))
    assert days == [d.day for d in derive_schedule(kb.procedures["dermal-filler"], 84)]
    assert b"We will email alice@example.com" in client.get(reverse("checkins:enrolled")).content


@pytest.mark.django_db
def test_the_clinic_records_a_treatment_and_enrols_a_consenting_patient(client):
    client.force_login(staff_user("Front desk"))
    form = {
        "procedure": "mesotherapy",
        "treated_on": timezone.localdate().isoformat(),
        "language": "es",
        "name": "Bea",
        "email": "bea@example.com",
        "phone": "",
    }
    url = reverse("admin:checkins_enrolment_record")
    assert client.post(url, form).status_code == 200  # no consent ticked: nothing saved
    assert Enrolment.objects.count() == 0
    assert client.post(url, {**form, "consent": "on"}).status_code == 302
    enrolment = Enrolment.objects.get()
    assert (enrolment.origin, enrolment.language) == ("clinic", "es")
    assert 84 in enrolment.checkins.values_list("day", flat=True)


# --- End to end: time travel, real SMTP, the link, the queue --------------------------------------


@pytest.mark.django_db
def test_each_due_day_sends_one_email_whose_link_opens_the_check_in(kb, client, smtp_server):  # noqa: F811
    enrolment = alice(kb)
    days = list(enrolment.checkins.values_list("day", flat=True))
    for day in days:
        before = len(smtp_server.messages)
        assert send_due_checkins(now=on_day(enrolment, day, 9, 55)).sent == 0  # not yet: sent at 10:00
        run = send_due_checkins(now=on_day(enrolment, day))
        assert (run.sent, run.messages.sent) == (1, 2)  # the email and the text
        assert send_due_checkins(now=on_day(enrolment, day, 10, 6)).sent == 0  # idempotent
        (message,) = smtp_server.messages[before:]
        assert message.rcpt_tos == ["alice@example.com"]
        body = message.content.decode()
        assert f"day {day} after your treatment" in body
        assert "filler" not in body.lower()  # no health data in an email others may read
        path = link_path(message)
        assert "filler" not in path and "@" not in path
        response = client.get(path)
        assert response.status_code == 302 and response.url == reverse("checkins:answer")
        page = client.get(response.url)
        assert page.status_code == 200 and b"Is anything new or worse?" in page.content
        client.post(reverse("checkins:answer"), {"answer": "nothing_new"})
        assert client.get(path).status_code == 410  # single use
    assert ContactRequest.objects.count() == 0  # an unchanged course raises nothing
    assert len(sms.sent) == len(days)


def answer_worse(client, path: str, symptoms=WORSE, red_flags=()):
    client.get(path)
    client.post(reverse("checkins:answer"), {"answer": "new_or_worse"})
    screen = {"red_flags": list(red_flags)} if red_flags else {"none_of_these": "on"}
    response = client.post(reverse("checkins:emergency"), screen)
    if not red_flags:
        response = client.post(reverse("checkins:symptoms"), symptoms)
    assert response.status_code == 302 and response.url == reverse("checkins:result")
    return client.get(response.url)


@pytest.mark.django_db
def test_a_worse_answer_lands_in_the_queue_at_the_engines_level(kb, client, smtp_server):  # noqa: F811
    enrolment = alice(kb)
    send_due_checkins(now=on_day(enrolment, 14))
    page = answer_worse(client, link_path(smtp_server.messages[-1]))
    request = ContactRequest.objects.get()
    day = (timezone.localdate() - enrolment.treated_on).days
    expected = assess(kb, Answers("dermal-filler", day, frozenset(WORSE["symptoms"]), "worsening")).urgency
    assert request.urgency == expected == "urgent"
    assert request.answers["checkin"]["day"] == 14 and request.email == "alice@example.com"
    assert request.consent_text_version == "checkins-2025-01"
    assert AlertEvent.objects.get(contact_request=request).step == "raised"
    assert request.notifications.count() == 1  # urgent: staff are emailed as for any request
    assert b"We have passed your answers to the clinic" in page.content
    assert Checkin.objects.get(day=14).urgency == "urgent"


@pytest.mark.django_db
def test_a_red_flag_in_a_check_in_is_an_emergency_in_the_queue(kb, client, smtp_server):  # noqa: F811
    enrolment = alice(kb)
    send_due_checkins(now=on_day(enrolment, 1))
    flag = kb.emergency_screen_symptoms[0]
    page = answer_worse(client, link_path(smtp_server.messages[-1]), red_flags=[flag])
    assert ContactRequest.objects.get().urgency == "emergency"
    assert b'href="tel:911"' in page.content


@pytest.mark.django_db
def test_new_symptoms_that_are_expected_raise_no_alert(kb, client, smtp_server):  # noqa: F811
    enrolment = alice(kb)
    send_due_checkins(now=on_day(enrolment, 1))
    page = answer_worse(client, link_path(smtp_server.messages[-1]), {"symptoms": ["swelling"], "trend": "improving"})
    assert ContactRequest.objects.count() == 0
    assert Checkin.objects.get(day=1).answer == "new_or_worse"
    assert b"we have not asked the clinic to call you" in page.content


# --- Escalation ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_unacknowledged_urgent_item_escalates_on_time_on_call_then_the_lead(kb, client, smtp_server):  # noqa: F811
    enrolment = alice(kb)
    send_due_checkins(now=on_day(enrolment, 14))
    answer_worse(client, link_path(smtp_server.messages[-1]))
    request = ContactRequest.objects.get()
    raised = request.created_at
    assert escalate_overdue(now=raised + timedelta(minutes=59)).on_call == 0  # urgent target: 60 minutes
    assert escalate_overdue(now=raised + timedelta(minutes=61)).on_call == 1
    assert escalate_overdue(now=raised + timedelta(minutes=62)).on_call == 0  # once
    send_due_notifications(now=raised + timedelta(minutes=61))
    assert any(m.rcpt_tos == ["oncall@clinic.example"] for m in smtp_server.messages)
    send_due_checkins(now=raised + timedelta(minutes=61))
    assert any(to == "+1 213 555 0111" and f"#{request.pk}" in body for to, body in sms.sent)
    assert escalate_overdue(now=raised + timedelta(minutes=70)).clinical_lead == 0  # lead after 15 more
    assert escalate_overdue(now=raised + timedelta(minutes=77)).clinical_lead == 1
    trail = list(request.alert_events.values_list("step", "at"))
    assert [step for step, _at in trail] == ["raised", "on_call", "clinical_lead"]
    assert trail[1][1] == raised + timedelta(minutes=61) and trail[2][1] == raised + timedelta(minutes=77)
    lead_mail = StaffNotification.objects.get(recipients=["lead@clinic.example"])
    assert "Alice" not in lead_mail.body and "redness" not in lead_mail.body  # the number, not the patient


@pytest.mark.django_db
def test_an_acknowledged_request_does_not_escalate(kb):
    from tests.factories import ContactRequestFactory

    request = ContactRequestFactory(urgency="emergency")
    request.status = ContactRequest.Status.ACKNOWLEDGED
    request.acknowledged_at = request.created_at + timedelta(minutes=5)
    request.save()
    assert escalate_overdue(now=request.created_at + timedelta(hours=3)).on_call == 0
    assert not AlertEvent.objects.exists()


# --- Missed check-ins ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_missed_check_in_is_reminded_once_then_a_high_risk_one_is_flagged(kb, smtp_server):  # noqa: F811
    enrolment = alice(kb, by_sms=False)
    checkin = enrolment.checkins.get(day=1)
    assert checkin.high_risk
    send_due_checkins(now=on_day(enrolment, 1))
    assert send_due_checkins(now=on_day(enrolment, 1, 20)).reminded == 0
    assert send_due_checkins(now=on_day(enrolment, 2, 10, 6)).reminded == 1
    assert send_due_checkins(now=on_day(enrolment, 2, 12)).reminded == 0  # one reminder only
    assert [m.content.decode().count("Reminder") > 0 for m in smtp_server.messages] == [False, True]
    run = send_due_checkins(now=on_day(enrolment, 3, 10, 6))
    assert (run.missed, run.flagged) == (1, 1)
    line = ContactRequest.objects.get()
    assert line.urgency == "soon" and line.result["missed_checkin"]
    assert line.notifications.count() == 0  # a line in the queue, not an alarm
    assert AlertEvent.objects.get(contact_request=line).step == "missed"
    assert escalate_overdue(now=on_day(enrolment, 10)).on_call == 0


@pytest.mark.django_db
def test_a_missed_low_risk_check_in_is_not_flagged(kb):
    enrolment = alice(kb, procedure="ipl")
    low = enrolment.checkins.filter(high_risk=False).first()
    enrolment.checkins.exclude(pk=low.pk).delete()
    send_due_checkins(now=low.due_at)
    run = send_due_checkins(now=low.due_at + timedelta(hours=49))
    assert run.flagged == 0 and ContactRequest.objects.count() == 0


# --- Links and opting out ------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_tampered_or_expired_link_is_refused_with_the_phone_numbers(kb, client, settings):
    settings.CLINIC_PHONE = "+1 213 555 0100"
    enrolment = alice(kb)
    checkin = enrolment.checkins.get(day=1)
    send_due_checkins(now=on_day(enrolment, 1))
    token = checkin_token(checkin.pk)
    tampered = client.get(reverse("checkins:open", args=[token[:-2] + ("A" if token[-2] != "A" else "B") + token[-1]]))
    assert tampered.status_code == 404
    for response in (tampered,):
        page = response.content.decode()
        assert "This link cannot be used" in page
        assert 'href="tel:+1 213 555 0100"' in page and 'href="tel:911"' in page
    Checkin.objects.filter(pk=checkin.pk).update(link_expires_at=timezone.now() - timedelta(minutes=1))
    expired = client.get(reverse("checkins:open", args=[token]))
    assert expired.status_code == 410 and b"has run out" in expired.content


@pytest.mark.django_db
def test_opting_out_stops_everything_and_erases_the_details(kb, client, smtp_server):  # noqa: F811
    enrolment = alice(kb)
    send_due_checkins(now=on_day(enrolment, 1))
    path = link_path(smtp_server.messages[-1])
    stop = urlsplit(opt_out_url(enrolment.pk)).path
    assert stop in smtp_server.messages[-1].content.decode()
    assert client.get(stop).status_code == 200  # asks: a link checker opening it stops nothing
    assert Enrolment.objects.get().opted_out_at is None
    assert b"Check-ins stopped" in client.post(stop).content
    enrolment.refresh_from_db()
    assert enrolment.opted_out_at and (enrolment.name, enrolment.email, enrolment.phone) == ("", "", "")
    assert not OutgoingMessage.objects.exists()
    sent = len(smtp_server.messages)
    for day in (3, 14, 28, 84):
        run = send_due_checkins(now=on_day(enrolment, day) + timedelta(hours=50))
        assert (run.sent, run.reminded, run.flagged) == (0, 0, 0)
    assert len(smtp_server.messages) == sent and ContactRequest.objects.count() == 0
    assert client.get(path).status_code == 410  # the old link is refused too


@pytest.mark.django_db
def test_a_mail_program_can_unsubscribe_in_one_click(kb, client):
    enrolment = alice(kb)
    send_due_checkins(now=on_day(enrolment, 1))
    message = OutgoingMessage.objects.get(channel="email")
    assert message.headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    # The link is signed with the second it was made in: compare what it opens, not its text.
    header = message.headers["List-Unsubscribe"]
    link = header.removeprefix("<").removesuffix(">")
    assert header == f"<{link}>" and urlsplit(link)[:2] == urlsplit(opt_out_url(enrolment.pk))[:2]
    assert enrolment_id_from(urlsplit(link).path.rstrip("/").rsplit("/", 1)[-1]) == enrolment.pk
    response = client.post(urlsplit(link).path, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200 and Enrolment.objects.get().opted_out_at


@pytest.mark.django_db
def test_details_are_erased_after_the_last_check_in(kb):
    enrolment = alice(kb, procedure="trusculpt-flex")
    last = enrolment.checkins.order_by("-due_at").first()
    for checkin in enrolment.checkins.all():
        send_due_checkins(now=checkin.due_at)
    run = send_due_checkins(now=last.due_at + timedelta(days=15))
    assert run.erased == 1
    enrolment.refresh_from_db()
    assert enrolment.email == "" and enrolment.details_erased_at


# --- Staff: roles and the weekly measures ---------------------------------------------------------


@pytest.mark.django_db
def test_front_desk_works_enrolments_but_only_reviewers_change_schedules(client, kb):
    seed_schedules(kb)
    schedule = CheckinSchedule.objects.get(procedure="dermal-filler")
    change = reverse("admin:checkins_checkinschedule_change", args=[schedule.pk])
    client.force_login(staff_user("Front desk"))
    assert client.get(reverse("admin:checkins_enrolment_changelist")).status_code == 200
    assert client.get(reverse("admin:checkins_enrolment_record")).status_code == 200
    assert client.get(change).status_code == 200
    page = client.get(change).content.decode()
    assert 'name="days-0-day"' not in page  # read only
    assert client.get(reverse("admin:checkins_escalationsettings_changelist")).status_code in (200, 302)
    client.force_login(staff_user("Clinical reviewer"))
    assert 'name="days-0-day"' in client.get(change).content.decode()
    assert client.get(reverse("admin:checkins_escalationsettings_changelist")).status_code == 302
    client.force_login(staff_user("Content editor"))
    assert client.get(reverse("admin:checkins_enrolment_changelist")).status_code == 403
    assert client.get(reverse("admin:checkins_enrolment_record")).status_code == 403


@pytest.mark.django_db
def test_the_queue_shows_the_trail_the_verdict_and_the_weekly_measures(kb, client, smtp_server):  # noqa: F811
    enrolment = alice(kb, treated_on=timezone.localdate() - timedelta(days=13))
    send_due_checkins(now=on_day(enrolment, 14))
    answer_worse(client, link_path(smtp_server.messages[-1]))
    request = ContactRequest.objects.get()
    reviewer = staff_user("Clinical reviewer")
    client.force_login(reviewer)
    queue = client.get(reverse("admin:procedures_contactrequest_changelist")).content.decode()
    assert reverse("admin:procedures_contactrequest_checkin_weeks") in queue
    change = reverse("admin:procedures_contactrequest_change", args=[request.pk])
    assert "Raised by a check-in" in client.get(change).content.decode()
    form = {
        "status": "acknowledged",
        "outcome": "",
        "outcome_note": "",
        "clinician_urgency": "",
        "alert_necessary": "yes",
    }
    response = client.post(change, form)
    assert response.status_code == 302, response.content.decode()[:3000]
    verdict = AlertVerdict.objects.get()
    assert verdict.necessary and verdict.by == reviewer
    today = timezone.localdate()
    week = week_of(today - timedelta(days=today.weekday()))
    assert (week.alerts, week.acknowledged_in_time, week.necessary, week.with_verdict) == (1, 1, 1, 1)
    assert (week.checkins_due, week.checkins_answered) == (1, 1)
    weeks = client.get(reverse("admin:procedures_contactrequest_checkin_weeks")).content.decode()
    assert "Acknowledged within target" in weeks and "100%" in weeks
    client.force_login(staff_user("Front desk"))  # reads the verdict, does not give it
    client.post(change, {**form, "status": "contacted", "alert_necessary": "no"})
    assert AlertVerdict.objects.get().necessary


# --- Spanish --------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_check_in_is_asked_in_spanish(kb, client):
    enrolment = alice(kb)
    send_due_checkins(now=on_day(enrolment, 1))
    client.cookies["django_language"] = "es"
    client.get(reverse("checkins:open", args=[checkin_token(enrolment.checkins.get(day=1).pk)]))
    page = client.get(reverse("checkins:answer"), HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "¿Hay algo nuevo o peor?" in page


# --- Several servers at once (PostgreSQL) ---------------------------------------------------------


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SKIP LOCKED needs PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_two_servers_at_once_send_each_check_in_and_escalate_each_request_once(smtp_server):  # noqa: F811
    from django.core.management import call_command

    from procedures.selectors import forget_cached_knowledge_base, published_knowledge_base
    from tests.factories import ContactRequestFactory

    call_command("load_knowledge_base", verbosity=0)  # the transactional test emptied the database
    forget_cached_knowledge_base()
    kb = published_knowledge_base()
    treated = timezone.localdate()
    patients = [alice(kb, treated_on=treated) for _ in range(12)]
    moment = on_day(patients[0], 1)
    runs = at_once(lambda: send_due_checkins(now=moment), lambda: send_due_checkins(now=moment))
    assert sum(run.sent for run in runs) == 12
    assert sum(run.messages.sent for run in runs) == 24  # 12 emails and 12 texts, each once
    assert len(smtp_server.messages) == 12 and len(sms.sent) == 12
    requests = [ContactRequestFactory(urgency="urgent") for _ in range(10)]
    later = max(r.created_at for r in requests) + timedelta(hours=2)
    done = at_once(lambda: escalate_overdue(now=later), lambda: escalate_overdue(now=later))
    assert sum(d.on_call for d in done) == 10
    assert AlertEvent.objects.filter(step="on_call").count() == 10
    assert StaffNotification.objects.filter(recipients=["oncall@clinic.example"]).count() == 10


# --- The simulation -------------------------------------------------------------------------------


def test_the_simulation_raises_alerts_only_on_changes(kb):
    from pathlib import Path

    from django.conf import settings

    from checkins.schedule import derive_all
    from checkins.simulation import simulate, stories

    suite = stories([Path(settings.BASE_DIR) / "tests" / "vignettes" / "suite.json"])
    schedules = derive_all(kb, 84)
    tally = simulate(kb, schedules, suite)
    assert tally.patients == len(suite)
    assert 0 < tally.alerts < tally.every_answer  # one alert per change, not one per answer
    normal = [story for story in suite if "normal" in story.get("tags", [])]
    assert simulate(kb, schedules, normal).per_100(simulate(kb, schedules, normal).alerts) < 15
    assert simulate(kb, schedules, suite, answer_rate=0.8).flags > 0


# --- Plain words ---------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "es"])
def test_check_in_messages_read_at_age_twelve_or_below(kb, language):
    """The email and the text a patient gets, without their links (procedures/readability.py)."""
    from checkins.wording import checkin_message
    from procedures.readability import TARGET_READING_AGE, reading_age

    enrolment = alice(kb)
    Enrolment.objects.filter(pk=enrolment.pk).update(language=language)
    checkin = Checkin.objects.filter(enrolment=enrolment).order_by("day").first()
    checkin.enrolment.refresh_from_db()
    for reminder in (False, True):
        wording = checkin_message(checkin, reminder=reminder)
        words = re.sub(r"https?://\S+", "", wording.email)
        assert reading_age(words, language) <= TARGET_READING_AGE, words
