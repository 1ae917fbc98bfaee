"""Text messages through a pluggable backend, as Django sends email.

A backend is a class with `send(to: str, body: str) -> None` that raises on failure (the outbox
then retries). settings.CHECKIN_SMS_BACKEND names it. Only backends that send nothing ship here:
a real provider is plugged in by writing such a class, never by changing the callers.
"""

from __future__ import annotations

import sys
import threading
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string


class SmsBackend(Protocol):
    def send(self, to: str, body: str) -> None: ...


class ConsoleSmsBackend:
    """Writes each text to standard output (development), like Django's console email backend.
    Not to the log: a check-in text carries a link that opens the patient's check-in."""

    _lock = threading.Lock()

    def send(self, to: str, body: str) -> None:
        with self._lock:
            sys.stdout.write(f"SMS to {to}\n{body}\n{'-' * 40}\n")
            sys.stdout.flush()


sent: list[tuple[str, str]] = []  # what LocmemSmsBackend sent, as django.core.mail.outbox


class LocmemSmsBackend:
    """Keeps each text in `checkins.sms.sent` (tests)."""

    def send(self, to: str, body: str) -> None:
        sent.append((to, body))


def sms_backend() -> SmsBackend:
    return import_string(settings.CHECKIN_SMS_BACKEND)()
