"""Two outboxes, so that a patient's request is never lost and never waits on a mail server.

- **Contact outbox** (files). When the database cannot store a contact request, it is parked in
  CONTACT_OUTBOX_DIR: one file per request, encrypted (procedures/encryption.py), written with
  fsync and an atomic rename. `replay_parked_requests()` stores each one when the database is
  back; the file's id is kept on the request (`ContactRequest.outbox_id`, unique), so a replay
  interrupted halfway and run again stores nothing twice.
- **Mail outbox** (table `StaffNotification`). Emails to staff are saved in the same transaction
  as their request and sent by `send_due_notifications()`, with retries and backoff. Several
  servers may run it at once: each claims its rows with `SELECT … FOR UPDATE SKIP LOCKED`.
  `send_due()` is that loop for any outbox table (checkins/ sends patients' messages with it).

Both run from `manage.py process_outboxes` (docs/operations.md: a systemd timer or cron, every
minute).
"""

from __future__ import annotations

import json
import logging
import os
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import DatabaseError, transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from .clinic import current_clinic
from .encryption import InvalidToken, decrypt, encrypt
from .models import ContactRequest, StaffNotification

logger = logging.getLogger(__name__)

_PURPOSE = "contact-outbox"
_SUFFIX = ".request"
MAX_BACKOFF = timedelta(hours=1)
BATCH = 20


# --- Contact outbox ------------------------------------------------------------------------------


def _outbox_dir() -> Path:
    return Path(settings.CONTACT_OUTBOX_DIR)


def park_contact_request(fields: dict[str, Any]) -> uuid.UUID:
    """Keep a request the database could not store, durably, until it can. Raises OSError when
    even the local disk refuses (the caller then tells the patient to call instead)."""
    outbox_id = uuid.uuid4()
    folder = _outbox_dir()
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    token = encrypt(_PURPOSE, json.dumps({**fields, "outbox_id": str(outbox_id)}).encode())
    temporary = folder / f".{outbox_id}.tmp"
    with open(temporary, "wb") as handle:
        handle.write(token)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, folder / f"{outbox_id}{_SUFFIX}")
    directory = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(directory)  # the rename itself survives a crash
    finally:
        os.close(directory)
    logger.warning("Contact request parked in the local outbox during a database outage")
    return outbox_id


def parked_count() -> int:
    folder = _outbox_dir()
    return len(list(folder.glob(f"*{_SUFFIX}"))) if folder.is_dir() else 0


@dataclass(frozen=True)
class Replay:
    stored: int
    already_stored: int
    left: int


def replay_parked_requests() -> Replay:
    """Store every parked request; a file is removed only after its request is committed."""
    from vigilance.forms import ReportedProduct
    from vigilance.services import record_reported_product_safely

    from .services import create_contact_request  # services imports this module

    stored = already = left = 0
    folder = _outbox_dir()
    for path in sorted(folder.glob(f"*{_SUFFIX}")) if folder.is_dir() else ():
        try:
            fields = json.loads(decrypt(_PURPOSE, path.read_bytes()))
        except (InvalidToken, ValueError):
            logger.error("Outbox file %s cannot be read (altered, or written under a retired key)", path.name)
            left += 1
            continue
        outbox_id = uuid.UUID(fields.pop("outbox_id"))
        reported = ReportedProduct(**fields.pop("reported_product", {}))
        try:
            if ContactRequest.objects.filter(outbox_id=outbox_id).exists():
                already += 1
            else:
                request = create_contact_request(**fields, outbox_id=outbox_id)
                record_reported_product_safely(request, reported)
                stored += 1
        except DatabaseError:
            logger.warning("Database still unavailable; %s stays in the outbox", path.name)
            left += 1
            continue
        path.unlink()
    return Replay(stored, already, left)


# --- Mail outbox ---------------------------------------------------------------------------------


def queue_staff_notification(request: ContactRequest) -> StaffNotification | None:
    """Save the email about `request` for the worker (inside the caller's transaction)."""
    recipients = list(settings.CONTACT_NOTIFY_EMAILS)
    if not recipients:
        logger.error("Contact request %s is %s but CONTACT_NOTIFY_EMAILS is empty", request.pk, request.urgency)
        return None
    target = current_clinic().callback_for(request.urgency)
    # Absolute, from SITE_URL: the email is read in a mail program, far from the site.
    link = settings.SITE_URL + reverse("admin:procedures_contactrequest_change", args=[request.pk])
    return StaffNotification.objects.create(
        contact_request=request,
        subject=f"[symptomcheck] {request.get_urgency_display()} contact request #{request.pk}",
        body=(
            f"A patient asked the clinic to contact them. Their result was: {request.get_urgency_display()}.\n"
            f"Target: contact within {target} minutes.\n\n"
            f"Open request #{request.pk} in the staff admin: {link}\n"
        ),
        recipients=recipients,
        next_attempt_at=timezone.now(),
    )


def backoff(attempts: int) -> timedelta:
    """1, 2, 4, 8 … minutes after each failure, at most an hour."""
    return min(timedelta(minutes=2 ** max(attempts - 1, 0)), MAX_BACKOFF)


@dataclass(frozen=True)
class Sending:
    sent: int
    failed: int


def send_due(
    outbox: QuerySet, deliver: Callable[[Any], None], *, limit: int = BATCH, now: datetime | None = None
) -> Sending:
    """Deliver the due rows of a mail-outbox table, each claimed by this process alone while it
    sends (`SELECT … FOR UPDATE SKIP LOCKED`: other servers skip it rather than wait or send it
    twice). A failure is retried with `backoff()` and its error kept on the row.

    Any table with `attempts`, `next_attempt_at`, `sent_at` and `last_error` is an outbox:
    `StaffNotification` here, the patients' check-in messages in checkins/. `now` is the clock
    (tests travel in time; None = the real one).
    """
    sent = failed = 0
    for _ in range(limit):
        moment = now or timezone.now()
        with transaction.atomic():
            row = (
                outbox.select_for_update(skip_locked=True)
                .filter(sent_at__isnull=True, next_attempt_at__lte=moment)
                .order_by("next_attempt_at", "pk")
                .first()
            )
            if row is None:
                break
            row.attempts += 1
            try:
                deliver(row)
            except Exception as error:  # any delivery failure: retry later, and say so in the admin
                row.next_attempt_at = moment + backoff(row.attempts)
                row.last_error = f"{type(error).__name__}: {error}"[:300]
                row.save(update_fields=["attempts", "next_attempt_at", "last_error"])
                logger.warning("%s %s failed (attempt %s)", type(row).__name__, row.pk, row.attempts)
                failed += 1
                continue
            row.sent_at = moment
            row.last_error = ""
            row.save(update_fields=["attempts", "sent_at", "last_error"])
            sent += 1
    return Sending(sent, failed)


def _email_staff(notification: StaffNotification) -> None:
    send_mail(notification.subject, notification.body, None, notification.recipients)


def send_due_notifications(limit: int = BATCH, now: datetime | None = None) -> Sending:
    """Send the staff emails that are due (see `send_due`)."""
    return send_due(StaffNotification.objects.all(), _email_staff, limit=limit, now=now)


def failing_notifications() -> int:
    """Notifications that have failed at least once and are still unsent: shown to staff."""
    return StaffNotification.objects.filter(sent_at__isnull=True, attempts__gt=0).count()
