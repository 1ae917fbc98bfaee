"""Writes of the check-ins: enrolment and opt-out, sending what is due, answers, and missed days.

Every function that depends on the time takes `now` (None = the real clock), so tests and the
simulation travel through a patient's twelve weeks without waiting.

Several servers may run `send_due_checkins` at once: each claims one check-in at a time with
`SELECT … FOR UPDATE SKIP LOCKED` and moves it on in the same transaction, so no check-in is
sent, reminded or flagged twice; the messages then leave through the outbox
(procedures.outbox.send_due), claimed the same way.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Max, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from procedures.clinic import current_clinic
from procedures.contact import result_record
from procedures.models import ContactRequest
from procedures.outbox import Sending, send_due
from procedures.services import create_contact_request
from procedures.triage import ENGINE_VERSION, KnowledgeBase
from procedures.triage.scales import SOON, at_least
from procedures.wording import ShownAssessment

from .consent import CONSENT_TEXT_VERSION
from .models import AlertEvent, Checkin, Enrolment, OutgoingMessage
from .schedules import schedule_days
from .sms import sms_backend
from .wording import checkin_message

logger = logging.getLogger(__name__)

BATCH = 50


# --- Enrolment and opt-out -----------------------------------------------------------------------


@dataclass(frozen=True)
class Contact:
    name: str
    email: str
    phone: str = ""
    by_sms: bool = False


def _due_at(treated_on: date, day: int) -> datetime:
    """Check-ins go out at CHECKIN_SEND_HOUR on their day, in the clinic's time zone."""
    zone = current_clinic().time_zone
    return datetime.combine(treated_on + timedelta(days=day), time(settings.CHECKIN_SEND_HOUR), tzinfo=zone)


def enrol(
    kb: KnowledgeBase,
    *,
    procedure: str,
    treated_on: date,
    contact: Contact,
    language: str,
    consent: bool,
    origin: str = Enrolment.Origin.RESULT_PAGE,
    now: datetime | None = None,
) -> Enrolment:
    """Enrol a consenting patient: their check-ins are the treatment's schedule days still ahead.

    Refuses without consent (nothing is stored) and without an email address.
    """
    if not consent:
        raise ValueError("Check-ins are stored only with the patient's consent.")
    if not contact.email:
        raise ValueError("Check-ins need an email address.")
    now = now or timezone.now()
    with transaction.atomic():
        enrolment = Enrolment.objects.create(
            origin=origin,
            procedure=procedure,
            treated_on=treated_on,
            language=language,
            consent_text_version=CONSENT_TEXT_VERSION,
            name=contact.name,
            email=contact.email,
            phone=contact.phone if contact.by_sms else "",
            by_sms=contact.by_sms and bool(contact.phone),
        )
        Checkin.objects.bulk_create(
            Checkin(enrolment=enrolment, day=d.day, high_risk=d.high_risk, due_at=_due_at(treated_on, d.day))
            for d in schedule_days(kb, procedure)
            if _due_at(treated_on, d.day) > now
        )
    return enrolment


def _erase_details(enrolment: Enrolment, now: datetime) -> None:
    """Forget who the patient is: their name and contact details, and every message to them."""
    enrolment.name = enrolment.email = enrolment.phone = ""
    enrolment.by_sms = False
    enrolment.details_erased_at = now
    enrolment.save(update_fields=["name", "email", "phone", "by_sms", "details_erased_at"])
    enrolment.messages.all().delete()


def opt_out(enrolment: Enrolment, now: datetime | None = None) -> bool:
    """One click stops everything: no more check-ins or reminders, and the details are erased.
    Returns False when the patient had already opted out."""
    now = now or timezone.now()
    with transaction.atomic():
        enrolment = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
        if enrolment.opted_out_at is not None:
            return False
        enrolment.opted_out_at = now
        enrolment.save(update_fields=["opted_out_at"])
        enrolment.checkins.filter(status__in=(Checkin.Status.SCHEDULED, Checkin.Status.SENT)).update(
            status=Checkin.Status.CANCELLED
        )
        _erase_details(enrolment, now)
    return True


# --- Sending what is due -------------------------------------------------------------------------


@dataclass(frozen=True)
class Run:
    """What one run of `send_due_checkins` did."""

    sent: int
    reminded: int
    missed: int
    flagged: int
    messages: Sending
    erased: int


def _each_claimed(rows: QuerySet, handle: Callable[[Any], bool | None], limit: int) -> int:
    """Handle rows one at a time, each locked by this process alone (others skip it). `handle`
    must move the row out of `rows`, in the same transaction. Returns how many it handled."""
    handled = 0
    for _attempt in range(limit):
        with transaction.atomic():
            row = rows.select_for_update(skip_locked=True, of=("self",)).order_by("pk").first()
            if row is None:
                break
            if handle(row) is not False:
                handled += 1
    return handled


def _queue(checkin: Checkin, now: datetime, *, reminder: bool) -> None:
    enrolment = checkin.enrolment
    words = checkin_message(checkin, reminder=reminder)
    common = {"enrolment": enrolment, "checkin": checkin, "next_attempt_at": now}
    OutgoingMessage.objects.create(
        channel=OutgoingMessage.Channel.EMAIL,
        recipient=enrolment.email,
        subject=words.subject,
        body=words.email,
        headers=words.headers,
        **common,
    )
    if enrolment.by_sms and enrolment.phone:
        OutgoingMessage.objects.create(
            channel=OutgoingMessage.Channel.SMS, recipient=enrolment.phone, body=words.sms, **common
        )


def _active(rows: QuerySet) -> QuerySet:
    return rows.filter(enrolment__opted_out_at__isnull=True, enrolment__details_erased_at__isnull=True)


def send_first_messages(now: datetime, limit: int = BATCH) -> int:
    """Check-ins whose day has come: their link, by email (and text)."""

    def send(checkin: Checkin) -> None:
        checkin.status = Checkin.Status.SENT
        checkin.sent_at = now
        checkin.link_expires_at = now + timedelta(hours=settings.CHECKIN_LINK_VALID_HOURS)
        checkin.save(update_fields=["status", "sent_at", "link_expires_at"])
        _queue(checkin, now, reminder=False)

    due = _active(Checkin.objects.filter(status=Checkin.Status.SCHEDULED, due_at__lte=now))
    return _each_claimed(due, send, limit)


def send_reminders(now: datetime, limit: int = BATCH) -> int:
    """One reminder, once, for a check-in not answered CHECKIN_REMINDER_AFTER_HOURS after it went."""

    def remind(checkin: Checkin) -> None:
        checkin.reminded_at = now
        checkin.save(update_fields=["reminded_at"])
        _queue(checkin, now, reminder=True)

    after = now - timedelta(hours=settings.CHECKIN_REMINDER_AFTER_HOURS)
    unanswered = Checkin.objects.filter(
        status=Checkin.Status.SENT, reminded_at__isnull=True, sent_at__lte=after, link_expires_at__gt=now
    )
    return _each_claimed(_active(unanswered), remind, limit)


@dataclass(frozen=True)
class Closed:
    missed: int
    flagged: int


def close_missed(now: datetime, limit: int = BATCH) -> Closed:
    """Check-ins whose link expired unanswered are missed; a missed high-risk one puts a line in
    the follow-up queue (a "soon" request: a task for staff, never an alarm), unless the patient
    already has an open one."""
    flagged = 0

    def close(checkin: Checkin) -> None:
        nonlocal flagged
        checkin.status = Checkin.Status.MISSED
        checkin.missed_at = now
        checkin.save(update_fields=["status", "missed_at"])
        if checkin.high_risk and not _open_flag(checkin.enrolment):
            _flag_missed(checkin, now)
            flagged += 1

    expired = Checkin.objects.filter(status=Checkin.Status.SENT, link_expires_at__lte=now)
    missed = _each_claimed(expired, close, limit)
    return Closed(missed, flagged)


def _deliver(message: OutgoingMessage) -> None:
    if message.channel == OutgoingMessage.Channel.SMS:
        sms_backend().send(message.recipient, message.body)
        return
    EmailMessage(message.subject, message.body, None, [message.recipient], headers=message.headers).send()


def send_due_messages(now: datetime | None = None, limit: int = BATCH) -> Sending:
    """The check-ins' outbox, sent with retries (procedures.outbox.send_due)."""
    return send_due(OutgoingMessage.objects.all(), _deliver, limit=limit, now=now)


def erase_finished(now: datetime) -> int:
    """Erase the details of patients whose last check-in is CHECKIN_KEEP_DETAILS_DAYS behind them."""
    cutoff = now - timedelta(days=settings.CHECKIN_KEEP_DETAILS_DAYS)
    open_statuses = (Checkin.Status.SCHEDULED, Checkin.Status.SENT)
    finished = (
        Enrolment.objects.filter(details_erased_at__isnull=True)
        .annotate(last_due=Max("checkins__due_at"))
        .filter(Q(last_due__lte=cutoff) | Q(last_due__isnull=True, created_at__lte=cutoff))
        .exclude(checkins__status__in=open_statuses)
    )

    def erase(enrolment: Enrolment) -> None:
        _erase_details(enrolment, now)

    # Annotated rows cannot be locked (GROUP BY): lock the enrolments by their ids.
    ids = list(finished.values_list("pk", flat=True)[:BATCH])
    rows = Enrolment.objects.filter(pk__in=ids, details_erased_at__isnull=True)
    return _each_claimed(rows, erase, len(ids))


def send_due_checkins(now: datetime | None = None) -> Run:
    """Everything `manage.py send_due_checkins` does, in order. Idempotent: run it every minute."""
    now = now or timezone.now()
    sent = send_first_messages(now)
    reminded = send_reminders(now)
    closed = close_missed(now)
    messages = send_due_messages(now)
    erased = erase_finished(now)
    return Run(sent, reminded, closed.missed, closed.flagged, messages, erased)


# --- Answers ---------------------------------------------------------------------------------------


def days_since_treatment(checkin: Checkin, now: datetime | None = None) -> int:
    today = timezone.localtime(now or timezone.now(), current_clinic().time_zone).date()
    return max((today - checkin.enrolment.treated_on).days, 0)


def record_nothing_new(checkin: Checkin, now: datetime | None = None) -> bool:
    """The patient says nothing is new or worse: no alert. False when the check-in was already closed."""
    return _answer(checkin, Checkin.Answer.NOTHING_NEW, "", now)


def record_change(
    checkin: Checkin, answers: dict[str, Any], shown: ShownAssessment, now: datetime | None = None
) -> bool:
    """The patient reported something new or worse and the engine assessed it. Only a change that
    needs the clinic (soon or more urgent) enters the follow-up queue, at its level; an expected
    course (self-care) is answered on the page and raises nothing."""
    now = now or timezone.now()
    with transaction.atomic():
        if not _answer(checkin, Checkin.Answer.NEW_OR_WORSE, shown.urgency, now):
            return False
        if at_least(shown.urgency, SOON.value):
            request = _queue_line(checkin, answers, result_record(shown), shown.urgency, shown.knowledge_base_version)
            AlertEvent.objects.create(contact_request=request, step=AlertEvent.Step.RAISED, at=now)
    return True


def _answer(checkin: Checkin, answer: str, urgency: str, now: datetime | None) -> bool:
    """Close the check-in with its answer, once (the link is single use)."""
    with transaction.atomic():
        locked = Checkin.objects.select_for_update().get(pk=checkin.pk)
        if locked.status != Checkin.Status.SENT:
            return False
        locked.status = Checkin.Status.ANSWERED
        locked.answered_at = now or timezone.now()
        locked.answer = answer
        locked.urgency = urgency
        locked.save(update_fields=["status", "answered_at", "answer", "urgency"])
        checkin.refresh_from_db()
    return True


def _queue_line(checkin: Checkin, answers: dict, result: dict, urgency: str, kb_version: str) -> ContactRequest:
    """Put the check-in in the follow-up queue through the contact-request service (with the email
    to staff when the level asks for it), and link it to the check-in."""
    enrolment = checkin.enrolment
    request = create_contact_request(
        contact={"name": enrolment.name, "email": enrolment.email, "phone": enrolment.phone, "consent": True},
        consent_text_version=enrolment.consent_text_version,
        answers={**answers, "checkin": {"day": checkin.day, "high_risk": checkin.high_risk}},
        result=result,
        urgency=urgency,
        engine_version=ENGINE_VERSION,
        knowledge_base_version=kb_version,
        language=enrolment.language,
    )
    checkin.contact_request = request
    checkin.save(update_fields=["contact_request"])
    return request


def _open_flag(enrolment: Enrolment) -> bool:
    """Whether staff still have an open line about this patient's missed check-ins: one line until
    they close it, however many check-ins are missed meanwhile (a queue, not a pile of alarms)."""
    return (
        AlertEvent.objects.filter(step=AlertEvent.Step.MISSED, contact_request__checkins__enrolment=enrolment)
        .exclude(contact_request__status=ContactRequest.Status.CLOSED)
        .exists()
    )


def _flag_missed(checkin: Checkin, now: datetime) -> None:
    enrolment = checkin.enrolment
    day = days_since_treatment(checkin, now)
    answers = {"treatment": {"procedure": enrolment.procedure, "days": day, "area": None}}
    result = {
        "urgency": SOON.value,
        "urgency_label": _("Soon"),
        "guidance": _("Missed a check-in while a serious complication can begin: please call the patient."),
        "complications": [],
        "red_flags": [],
        "reasons": [f"Check-in of day {checkin.day} not answered (high-risk window)."],
        "missed_checkin": True,
    }
    request = _queue_line(checkin, answers, result, SOON.value, "missed check-in")
    AlertEvent.objects.create(contact_request=request, step=AlertEvent.Step.MISSED, at=now)
