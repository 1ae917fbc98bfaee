"""A contact request is never lost, and mail never waits on the patient's request.

- During a database outage the request is parked, encrypted, in the local outbox, and the patient
  is told so with the clinic's phone; replaying stores it once, even if replayed twice.
- Staff emails leave through the mail outbox, sent by a worker against a real local SMTP server
  (aiosmtpd), one that refuses connections and one that accepts and never answers.
- Several workers at once send each email once (PostgreSQL's SKIP LOCKED; skipped on SQLite).
"""

from __future__ import annotations

import shutil
import socket
import threading
from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller
from django.db import connection
from django.utils import timezone

from procedures.models import ContactRequest, StaffNotification
from procedures.outbox import (
    backoff,
    failing_notifications,
    parked_count,
    replay_parked_requests,
    send_due_notifications,
)

from .session_support import store_in_session
from .test_contact import CONTACT, DETAILS, URGENT
from .test_outage import database_down


@pytest.fixture
def outbox(settings, tmp_path):
    settings.CONTACT_OUTBOX_DIR = str(tmp_path / "outbox")
    return tmp_path / "outbox"


@pytest.fixture
def patient(client):
    store_in_session(client, check=URGENT)
    return client


# --- Contact outbox ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_request_sent_during_an_outage_is_parked_told_and_stored_once_when_the_database_returns(
    patient, outbox, settings
):
    settings.CLINIC_PHONE = "+1 213 555 0100"
    patient.get("/check/result/")  # this process holds the release in memory
    with database_down():
        response = patient.post(CONTACT, DETAILS)
    assert response.status_code == 202
    page = response.content.decode()
    assert "Your request is saved, but the clinic does not have it yet" in page
    assert 'href="tel:+1 213 555 0100"' in page
    assert ContactRequest.objects.count() == 0 and parked_count() == 1
    parked = next(outbox.glob("*.request"))
    assert b"Alice" not in parked.read_bytes() and b"555 0199" not in parked.read_bytes()  # encrypted at rest

    kept = outbox / "copy"
    shutil.copy(parked, kept)  # as if the worker died after storing it, before removing the file
    assert replay_parked_requests().stored == 1
    shutil.move(kept, parked)
    again = replay_parked_requests()
    assert (again.stored, again.already_stored, again.left) == (0, 1, 0)
    request = ContactRequest.objects.get()
    assert (request.name, request.urgency, request.phone) == ("Alice", "urgent", "+1 213 555 0199")
    assert request.notifications.count() == 1  # staff are told about it like any other
    assert parked_count() == 0


@pytest.mark.django_db
def test_the_product_a_patient_named_waits_in_the_outbox_with_the_request(patient, outbox):
    from vigilance.models import TreatmentLink

    patient.get("/check/result/")
    named = {"product_name": "Radiesse", "product_kind": "other_filler", "product_lot": "RX-2291"}
    with database_down():
        assert patient.post(CONTACT, {**DETAILS, **named}).status_code == 202
    assert b"RX-2291" not in next(outbox.glob("*.request")).read_bytes()  # encrypted at rest

    assert replay_parked_requests().stored == 1

    link = TreatmentLink.objects.select_related("treatment").get()
    assert link.contact_request == ContactRequest.objects.get()
    assert (link.treatment.product_name, link.treatment.lot_number) == ("Radiesse", "RX-2291")


@pytest.mark.django_db
def test_replay_while_the_database_is_still_down_keeps_the_file(patient, outbox):
    patient.get("/check/result/")
    with database_down():
        patient.post(CONTACT, DETAILS)
        replay = replay_parked_requests()
    assert replay.left == 1 and parked_count() == 1


@pytest.mark.django_db
def test_when_even_the_disk_refuses_the_patient_is_told_to_call(patient, outbox, settings):
    outbox.parent.mkdir(parents=True, exist_ok=True)
    outbox.write_text("not a folder")  # the outbox cannot be created
    patient.get("/check/result/")
    with database_down():
        response = patient.post(CONTACT, DETAILS)
    assert response.status_code == 503
    assert b"your request was not sent" in response.content


def _due_notification() -> StaffNotification:
    from tests.factories import ContactRequestFactory

    return StaffNotification.objects.create(
        contact_request=ContactRequestFactory(),
        subject="s",
        body="b",
        recipients=["nurse@clinic.example"],
        next_attempt_at=timezone.now(),
    )


# --- Mail outbox against real SMTP servers --------------------------------------------------------


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(envelope)
        return "250 OK"


def _free_port() -> int:
    with socket.create_server(("127.0.0.1", 0)) as probe:
        return probe.getsockname()[1]


@pytest.fixture
def smtp_server(settings):
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", controller.port
    settings.EMAIL_USE_TLS = False
    yield inbox
    controller.stop()


@pytest.fixture
def hung_smtp_server(settings):
    """Accepts connections and never says a word: the worst mail server there is."""
    listener = socket.create_server(("127.0.0.1", 0))
    accepted = []

    def accept():
        while True:
            try:
                accepted.append(listener.accept()[0])
            except OSError:
                return

    threading.Thread(target=accept, daemon=True).start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", listener.getsockname()[1]
    settings.EMAIL_TIMEOUT = 1
    yield accepted
    listener.close()
    for connection_ in accepted:
        connection_.close()


@pytest.fixture
def refusing_smtp_server(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", _free_port()  # nothing listens there


@pytest.mark.django_db
def test_the_worker_sends_through_a_real_smtp_server(patient, smtp_server, settings):
    settings.CONTACT_NOTIFY_EMAILS = ["nurse@clinic.example"]
    patient.post(CONTACT, DETAILS)
    assert smtp_server.messages == []  # the patient's request sent nothing
    assert send_due_notifications().sent == 1
    (message,) = smtp_server.messages
    assert message.rcpt_tos == ["nurse@clinic.example"]
    assert b"Alice" not in message.content  # no identity by email
    assert send_due_notifications().sent == 0  # sent once


@pytest.mark.django_db
def test_a_hung_mail_server_costs_the_patient_nothing_and_the_worker_retries_later(patient, hung_smtp_server, settings):
    settings.CONTACT_NOTIFY_EMAILS = ["nurse@clinic.example"]
    response = patient.post(CONTACT, DETAILS)
    assert response.status_code == 302 and hung_smtp_server == []  # no connection on the request path
    assert send_due_notifications().failed == 1
    notification = StaffNotification.objects.get()
    assert notification.sent_at is None and notification.attempts == 1
    assert "timed out" in notification.last_error.lower() or "timeout" in notification.last_error.lower()
    assert notification.next_attempt_at > timezone.now()
    assert failing_notifications() == 1


@pytest.mark.django_db
def test_a_refusing_mail_server_is_retried_with_backoff_and_shown_to_staff(patient, refusing_smtp_server, settings):
    settings.CONTACT_NOTIFY_EMAILS = ["nurse@clinic.example"]
    patient.post(CONTACT, DETAILS)
    assert send_due_notifications().failed == 1
    notification = StaffNotification.objects.get()
    assert "ConnectionRefused" in notification.last_error
    assert send_due_notifications().failed == 0  # not due again yet
    assert [backoff(n) for n in (1, 2, 3, 10)] == [
        timedelta(minutes=1),
        timedelta(minutes=2),
        timedelta(minutes=4),
        timedelta(hours=1),
    ]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SKIP LOCKED needs PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_send_each_email_once(smtp_server, settings):

    settings.CONTACT_NOTIFY_EMAILS = ["nurse@clinic.example"]
    for _ in range(12):
        _due_notification()
    results, start = [], threading.Barrier(2)

    def worker():
        from django.db import connections

        start.wait()
        try:
            results.append(send_due_notifications(limit=50).sent)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(results) == 12
    assert len(smtp_server.messages) == 12
    assert StaffNotification.objects.filter(sent_at__isnull=True).count() == 0


@pytest.mark.django_db
def test_staff_see_failing_emails_on_the_follow_up_queue(client, refusing_smtp_server, settings):
    from django.urls import reverse

    from tests.factories import staff_user

    _due_notification()
    send_due_notifications()
    client.force_login(staff_user("Front desk"))
    page = client.get(reverse("admin:procedures_contactrequest_changelist")).content.decode()
    assert "1 email to staff is failing and will be retried" in page
    assert client.get(reverse("admin:procedures_staffnotification_changelist")).status_code == 200


@pytest.mark.django_db
def test_the_staff_email_links_to_the_request_absolutely(settings):
    """A mail program opens links against nothing: the link carries SITE_URL."""
    from procedures.outbox import queue_staff_notification

    from .factories import ContactRequestFactory

    settings.SITE_URL = "https://clinic.example"
    settings.CONTACT_NOTIFY_EMAILS = ["nurse@clinic.example"]
    request = ContactRequestFactory(urgency="urgent")
    notification = queue_staff_notification(request)
    assert f"https://clinic.example/admin/procedures/contactrequest/{request.pk}/change/" in notification.body
