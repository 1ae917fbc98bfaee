"""The clinic as patients meet it: its name and phones, its opening hours, how fast it answers,
and where to go when it is closed.

Staff edit these facts in the admin (models.ClinicSettings); a blank field falls back to the
environment's default (settings.CLINIC_*). Every patient page and message reads them through
`current_clinic()`, which keeps a frozen copy in memory, read again every CLINIC_SETTINGS_TTL
seconds by the process's watcher (procedures/freshness.py) and at once after a save in this
process, so showing a result costs no query, and a database outage still shows the last known
facts, or the defaults.
"""

from __future__ import annotations

import logging
import threading
import time as clock
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from types import MappingProxyType
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.core.signals import setting_changed
from django.db import DatabaseError
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext as _

from . import freshness
from .triage.scales import SELF_CARE, SOON, URGENT

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class OpeningPeriod:
    weekday: int  # Monday is 0
    opens: time
    closes: time


@dataclass(frozen=True)
class UrgentCare:
    name: str
    phone: str
    address: str


@dataclass(frozen=True)
class Clinic:
    name: str  # blank: a translated "your treatment clinic"
    daytime_phone: str
    on_call_phone: str
    emergency_number: str
    time_zone: ZoneInfo
    answer_minutes: int
    callback_minutes: Mapping[str, int]
    hours: tuple[OpeningPeriod, ...] = ()
    urgent_care: UrgentCare | None = None

    @property
    def display_name(self) -> str:
        """The clinic's name in the active language (a set name is a proper noun and stays as it is)."""
        return self.name or _("your treatment clinic")

    def is_open(self, at: datetime) -> bool | None:
        """Whether the clinic is open at `at`; None when its hours are not known."""
        if not self.hours:
            return None
        local = at.astimezone(self.time_zone)
        return any(p.weekday == local.weekday() and p.opens <= local.time() < p.closes for p in self.hours)

    def next_opening(self, at: datetime) -> datetime | None:
        """When the clinic next opens after `at` (in its own time zone); None when hours are not known."""
        if not self.hours:
            return None
        local = at.astimezone(self.time_zone)
        for ahead in range(8):
            day = local.date() + timedelta(days=ahead)
            for period in sorted((p for p in self.hours if p.weekday == day.weekday()), key=lambda p: p.opens):
                opening = datetime.combine(day, period.opens, tzinfo=self.time_zone)
                if opening > local:
                    return opening
        return None

    def callback_for(self, level: str) -> int:
        return self.callback_minutes.get(level, self.callback_minutes[SOON.value])


def default_clinic() -> Clinic:
    """The clinic as the environment describes it, before staff have set anything."""
    return Clinic(
        name="" if settings.CLINIC_NAME == settings.DEFAULT_CLINIC_NAME else settings.CLINIC_NAME,
        daytime_phone=settings.CLINIC_PHONE,
        on_call_phone=settings.CLINIC_ON_CALL_PHONE,
        emergency_number=settings.EMERGENCY_NUMBER,
        time_zone=_zone(settings.TIME_ZONE),
        answer_minutes=settings.CLINIC_ANSWER_MINUTES,
        callback_minutes=MappingProxyType(dict(settings.CONTACT_TARGET_MINUTES)),
        urgent_care=_urgent_care(settings.URGENT_CARE_NAME, settings.URGENT_CARE_PHONE, settings.URGENT_CARE_ADDRESS),
    )


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def _urgent_care(name: str, phone: str, address: str) -> UrgentCare | None:
    return UrgentCare(name, phone, address) if (name or phone or address) else None


def clinic_from_row(row, defaults: Clinic) -> Clinic:
    """The staff's settings over the defaults: a blank field keeps the default."""
    callbacks = dict(defaults.callback_minutes)
    for level, minutes in (
        (URGENT.value, row.callback_minutes_urgent),
        (SOON.value, row.callback_minutes_soon),
        (SELF_CARE.value, row.callback_minutes_self_care),
    ):
        if minutes:
            callbacks[level] = minutes
    urgent_care = _urgent_care(row.urgent_care_name, row.urgent_care_phone, row.urgent_care_address)
    return Clinic(
        name=row.name or defaults.name,
        daytime_phone=row.daytime_phone or defaults.daytime_phone,
        on_call_phone=row.on_call_phone or defaults.on_call_phone,
        emergency_number=row.emergency_number or defaults.emergency_number,
        time_zone=_zone(row.time_zone) if row.time_zone else defaults.time_zone,
        answer_minutes=row.answer_minutes or defaults.answer_minutes,
        callback_minutes=MappingProxyType(callbacks),
        hours=tuple(OpeningPeriod(h.weekday, h.opens, h.closes) for h in row.opening_hours.all()),
        urgent_care=urgent_care or defaults.urgent_care,
    )


_lock = threading.Lock()
_cached: tuple[float, Clinic] | None = None


def current_clinic() -> Clinic:
    """The clinic's facts now: from memory when fresh (always, while this process's watcher keeps
    them fresh: procedures/freshness.py), else from the database, else the last known or the
    defaults (the database may be down; a patient still gets a number to call)."""
    cached = _cached
    if cached is not None and (freshness.watching() or clock.monotonic() - cached[0] < settings.CLINIC_SETTINGS_TTL):
        return cached[1]
    try:
        return read_clinic()
    except DatabaseError:
        logger.warning("Clinic settings unreadable; showing the last known or default clinic facts")
        return cached[1] if cached is not None else default_clinic()


def read_clinic() -> Clinic:
    """The clinic's facts from the database, kept as the current ones. Raises DatabaseError."""
    from .models import ClinicSettings

    defaults = default_clinic()
    row = ClinicSettings.objects.prefetch_related("opening_hours").filter(pk=ClinicSettings.SINGLETON_PK).first()
    return remember_clinic(clinic_from_row(row, defaults) if row is not None else defaults)


def refresh_clinic_if_older_than(seconds: float) -> None:
    """The watcher's part: read the clinic again once the copy in memory is `seconds` old."""
    cached = _cached
    if cached is None or clock.monotonic() - cached[0] >= seconds:
        read_clinic()


def remember_clinic(clinic: Clinic) -> Clinic:
    """Keep `clinic` as the current facts until the next save or TTL (tests start from the defaults).

    Facts read again unchanged keep the object already held: what was worked out for patients
    with it (procedures/snapshot_memo.py: keyed by the very object) stays valid."""
    global _cached
    with _lock:
        if _cached is not None and _cached[1] == clinic:
            clinic = _cached[1]
        _cached = (clock.monotonic(), clinic)
    return clinic


def forget_cached_clinic(**_kwargs) -> None:
    global _cached
    with _lock:
        _cached = None


def connect_signals() -> None:
    from .models import ClinicSettings, OpeningHours

    for model in (ClinicSettings, OpeningHours):
        post_save.connect(forget_cached_clinic, sender=model, dispatch_uid=f"clinic-saved-{model.__name__}")
        post_delete.connect(forget_cached_clinic, sender=model, dispatch_uid=f"clinic-deleted-{model.__name__}")
    setting_changed.connect(_clinic_default_changed, dispatch_uid="clinic-setting-changed")


_DEFAULT_SETTINGS = frozenset(
    {
        "CLINIC_NAME",
        "CLINIC_PHONE",
        "CLINIC_ON_CALL_PHONE",
        "EMERGENCY_NUMBER",
        "CLINIC_ANSWER_MINUTES",
        "URGENT_CARE_NAME",
        "URGENT_CARE_PHONE",
        "URGENT_CARE_ADDRESS",
        "CONTACT_TARGET_MINUTES",
        "TIME_ZONE",
    }
)


def _clinic_default_changed(setting: str, **_kwargs) -> None:
    """A default changed (tests override settings): the defaults apply again at once."""
    if setting in _DEFAULT_SETTINGS:
        remember_clinic(default_clinic())
