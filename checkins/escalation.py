"""Alerts that escalate until someone acts.

An urgent or emergency request in the follow-up queue (from the result page or from a check-in)
must be acknowledged within the clinic's target for its level (procedures/followup.target). When
it is not:

1. the **on-call** step: a text to the on-call line (clinic settings) and an email to the on-call
   address (escalation settings);
2. `lead_after_minutes` later, still unacknowledged: the **clinical lead**, by email and text.

Each step is an `AlertEvent` on the request (its time and whom it told): the audit trail staff
see on the request. Escalating stops as soon as the request is acknowledged. Messages name the
request's number and level, never the patient or a symptom.

Safe on several servers: each request is claimed with `SELECT … FOR UPDATE SKIP LOCKED`, and a
step is recorded once per request (a unique constraint) before anything is sent.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from procedures.clinic import current_clinic
from procedures.followup import target
from procedures.models import ContactRequest, StaffNotification

from .links import absolute
from .models import AlertEvent, EscalationSettings, OutgoingMessage
from .services import BATCH, _each_claimed

ALERT_LEVELS = tuple(settings.CONTACT_NOTIFY_LEVELS)  # the levels that alert staff (scales.alerts_staff)


@dataclass(frozen=True)
class Contacts:
    """Where each escalation step goes."""

    on_call_phone: str
    on_call_email: str
    lead_email: str
    lead_phone: str
    lead_after: timedelta


def escalation_contacts() -> Contacts:
    row = EscalationSettings.objects.filter(pk=EscalationSettings.SINGLETON_PK).first() or EscalationSettings()
    return Contacts(
        on_call_phone=current_clinic().on_call_phone,
        on_call_email=row.on_call_email or settings.CHECKIN_ON_CALL_EMAIL,
        lead_email=row.clinical_lead_email or settings.CHECKIN_CLINICAL_LEAD_EMAIL,
        lead_phone=row.clinical_lead_phone or settings.CHECKIN_CLINICAL_LEAD_PHONE,
        lead_after=timedelta(minutes=row.lead_after_minutes or settings.CHECKIN_LEAD_AFTER_MINUTES),
    )


@dataclass(frozen=True)
class Escalated:
    on_call: int
    clinical_lead: int


def _tell(request: ContactRequest, step: str, phone: str, email: str, now: datetime) -> str:
    """Queue the step's text and email; returns whom they go to, for the audit trail."""
    label = AlertEvent.Step(step).label
    link = absolute(reverse("admin:procedures_contactrequest_change", args=[request.pk]))
    waited = int((now - request.created_at).total_seconds() // 60)
    words = (
        f"[symptomcheck] {label}: {request.get_urgency_display()} request #{request.pk} "
        f"not acknowledged after {waited} min. {link}"
    )
    told = []
    if phone:
        OutgoingMessage.objects.create(
            channel=OutgoingMessage.Channel.SMS, recipient=phone, body=words, next_attempt_at=now
        )
        told.append(f"text {phone}")
    if email:
        StaffNotification.objects.create(
            contact_request=request, subject=words[:200], body=words, recipients=[email], next_attempt_at=now
        )
        told.append(f"email {email}")
    return ", ".join(told) or "nobody: no on-call line or address is set"


def _record_step(request: ContactRequest, step: str, phone: str, email: str, now: datetime) -> bool:
    """Record the step, then send it; False when another server recorded it first."""
    try:
        with transaction.atomic():
            event = AlertEvent.objects.create(contact_request=request, step=step, at=now)
    except IntegrityError:
        return False
    event.sent_to = _tell(request, step, phone, email, now)[:300]
    event.save(update_fields=["sent_to"])
    return True


def _unacknowledged() -> QuerySet[ContactRequest]:
    return ContactRequest.objects.filter(status=ContactRequest.Status.NEW, urgency__in=ALERT_LEVELS)


def escalate_overdue(now: datetime | None = None) -> Escalated:
    """Escalate every unacknowledged urgent or emergency request past its target (run every minute)."""
    now = now or timezone.now()
    contacts = escalation_contacts()
    on_call = lead = 0
    for level in ALERT_LEVELS:
        overdue = _unacknowledged().filter(urgency=level, created_at__lte=now - target(level))
        first = overdue.exclude(alert_events__step=AlertEvent.Step.ON_CALL)
        on_call += _each_claimed(
            first,
            lambda r: _record_step(r, AlertEvent.Step.ON_CALL, contacts.on_call_phone, contacts.on_call_email, now),
            BATCH,
        )
    second = (
        _unacknowledged()
        .filter(alert_events__step=AlertEvent.Step.ON_CALL, alert_events__at__lte=now - contacts.lead_after)
        .exclude(alert_events__step=AlertEvent.Step.CLINICAL_LEAD)
    )
    lead = _each_claimed(
        second,
        lambda r: _record_step(r, AlertEvent.Step.CLINICAL_LEAD, contacts.lead_phone, contacts.lead_email, now),
        BATCH,
    )
    return Escalated(on_call, lead)
