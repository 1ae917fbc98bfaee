"""The stored schedules staff see and adjust: seeded from the knowledge base, read at enrolment."""

from __future__ import annotations

from contextlib import suppress
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction

from procedures.triage import KnowledgeBase

from .models import CheckinSchedule, ScheduledDay
from .schedule import derive_schedule


@dataclass(frozen=True)
class Seeded:
    created: list[str]
    kept: list[str]
    reset: list[str]


def seed_schedule(kb: KnowledgeBase, procedure: str, *, reset: bool = False) -> bool:
    """Store the derived days of one treatment. An existing schedule is staff's to keep: it is
    replaced only with `reset`. Returns whether days were written."""
    with transaction.atomic():
        schedule, created = CheckinSchedule.objects.get_or_create(procedure=procedure)
        if not (created or reset):
            return False
        schedule.days.all().delete()
        ScheduledDay.objects.bulk_create(
            ScheduledDay(schedule=schedule, day=d.day, high_risk=d.high_risk, reason=d.reason)
            for d in derive_schedule(kb.procedures[procedure], settings.CHECKIN_HORIZON_DAYS)
        )
        schedule.derived_from = kb.version[:40]
        schedule.save(update_fields=["derived_from", "updated_at"])
    return True


def seed_schedules(kb: KnowledgeBase, *, reset: tuple[str, ...] = ()) -> Seeded:
    """A schedule for every treatment of the knowledge base that has none (and for `reset`)."""
    report = Seeded([], [], [])
    for slug in kb.procedures:
        existed = CheckinSchedule.objects.filter(procedure=slug).exists()
        if seed_schedule(kb, slug, reset=slug in reset):
            (report.reset if existed else report.created).append(slug)
        else:
            report.kept.append(slug)
    return report


def schedule_days(kb: KnowledgeBase, procedure: str) -> list[ScheduledDay]:
    """The treatment's check-in days, seeding its schedule first if nobody has yet."""
    if not CheckinSchedule.objects.filter(procedure=procedure).exists() and procedure in kb.procedures:
        with suppress(IntegrityError):  # another request seeded it at the same moment
            seed_schedule(kb, procedure)
    return list(ScheduledDay.objects.filter(schedule__procedure=procedure).order_by("day"))
