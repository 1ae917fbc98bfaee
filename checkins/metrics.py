"""The follow-up queue's weekly measures against alert fatigue.

An **alert** is a queue line that asks staff to act on a change: every urgent or emergency
request (from the result page or a check-in) and every request a check-in answer raised (a new or
worse symptom at "soon" or above). A missed high-risk check-in is a line too, but not an alert:
it is counted apart, as "flags".

Per week (Monday to Sunday, in the clinic's time zone):
- alerts raised;
- the share acknowledged within the clinic's target for their level;
- the share the clinician's own verdict judged necessary (of the alerts with a verdict);
- check-ins answered, of those whose link ran out or was used that week.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from procedures.clinic import current_clinic
from procedures.followup import target
from procedures.models import ContactRequest

from .escalation import ALERT_LEVELS
from .models import AlertEvent, AlertVerdict, Checkin


@dataclass(frozen=True)
class Week:
    starts: date
    alerts: int
    acknowledged_in_time: int
    with_verdict: int
    necessary: int
    flags: int
    checkins_due: int
    checkins_answered: int

    @staticmethod
    def pct(part: int, whole: int) -> str:
        return f"{round(100 * part / whole)}%" if whole else "—"

    @property
    def acknowledged_share(self) -> str:
        return self.pct(self.acknowledged_in_time, self.alerts)

    @property
    def necessary_share(self) -> str:
        return self.pct(self.necessary, self.with_verdict)

    @property
    def answered_share(self) -> str:
        return self.pct(self.checkins_answered, self.checkins_due)


def alerts() -> object:
    """Every alert (see the module's docstring), as a queryset of contact requests."""
    raised_by_checkin = AlertEvent.objects.filter(contact_request=OuterRef("pk"), step=AlertEvent.Step.RAISED)
    return ContactRequest.objects.filter(Q(urgency__in=ALERT_LEVELS) | Q(Exists(raised_by_checkin)))


def _acknowledged_in_time(request: ContactRequest) -> bool:
    seen = request.acknowledged_at or request.contacted_at or request.closed_at
    return seen is not None and seen - request.created_at <= target(request.urgency)


def week_of(day: date, now: datetime | None = None) -> Week:
    """The measures of the week that starts on Monday `day`."""
    zone = current_clinic().time_zone
    start = datetime.combine(day, time.min, tzinfo=zone)
    end = start + timedelta(days=7)
    raised = list(alerts().filter(created_at__gte=start, created_at__lt=end))
    verdicts = AlertVerdict.objects.filter(contact_request__in=[r.pk for r in raised])
    flags = AlertEvent.objects.filter(step=AlertEvent.Step.MISSED, at__gte=start, at__lt=end).count()
    closed = Checkin.objects.filter(
        Q(answered_at__gte=start, answered_at__lt=end) | Q(missed_at__gte=start, missed_at__lt=end)
    )
    return Week(
        starts=day,
        alerts=len(raised),
        acknowledged_in_time=sum(_acknowledged_in_time(r) for r in raised),
        with_verdict=verdicts.count(),
        necessary=verdicts.filter(necessary=True).count(),
        flags=flags,
        checkins_due=closed.count(),
        checkins_answered=closed.filter(status=Checkin.Status.ANSWERED).count(),
    )


def recent_weeks(count: int = 8, now: datetime | None = None) -> list[Week]:
    """The last `count` weeks, this one first."""
    today = timezone.localtime(now or timezone.now(), current_clinic().time_zone).date()
    monday = today - timedelta(days=today.weekday())
    return [week_of(monday - timedelta(weeks=n)) for n in range(count)]
