"""Reads for the follow-up queue: waiting times against targets, and triage on real cases."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import Case, Count, IntegerField, QuerySet, Value, When
from django.utils import timezone

from .clinic import current_clinic
from .models import LEVEL_CHOICES, ContactRequest
from .triage import LEVEL_RANK, LEVELS


def with_level_rank(qs: QuerySet[ContactRequest]) -> QuerySet[ContactRequest]:
    """Annotate `level_rank`: 0 for emergency … 3 for self-care, so the queue sorts by it."""
    whens = [When(urgency=level, then=Value(rank)) for rank, level in enumerate(reversed(LEVELS))]
    return qs.annotate(level_rank=Case(*whens, default=Value(len(LEVELS)), output_field=IntegerField()))


def target(urgency: str) -> timedelta:
    """How soon the clinic promises to contact a patient with this result (clinic settings)."""
    return timedelta(minutes=current_clinic().callback_for(urgency))


def waited(request: ContactRequest, now: datetime | None = None) -> timedelta:
    """How long the patient waited (or has been waiting) to be contacted."""
    end = request.contacted_at or request.closed_at or now or timezone.now()
    return end - request.created_at


def format_duration(delta: timedelta) -> str:
    minutes = max(int(delta.total_seconds() // 60), 0)
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    if days:
        return f"{days} d {hours} h"
    if hours:
        return f"{hours} h {minutes} min"
    return f"{minutes} min"


@dataclass
class TriageStats:
    """The engine's level against the clinician's own judgement, on closed real cases."""

    total: int = 0
    agreed: int = 0
    under: int = 0  # the engine said less urgent than the clinician judged: the dangerous error
    over: int = 0
    matrix: dict[str, dict[str, int]] = field(default_factory=dict)  # engine level → clinician level → n

    @staticmethod
    def pct(part: int, whole: int) -> float:
        return round(100.0 * part / whole, 1) if whole else 0.0

    @property
    def under_pct(self) -> float:
        return self.pct(self.under, self.total)

    @property
    def over_pct(self) -> float:
        return self.pct(self.over, self.total)

    @property
    def agreed_pct(self) -> float:
        return self.pct(self.agreed, self.total)


def triage_stats() -> TriageStats:
    """Counts on closed requests with a clinician judgement, tests and duplicates left out (1 query)."""
    rows = (
        ContactRequest.objects.filter(status=ContactRequest.Status.CLOSED)
        .exclude(clinician_urgency="")
        .exclude(outcome=ContactRequest.Outcome.NOT_REAL)
        .values_list("urgency", "clinician_urgency")
        .annotate(n=Count("id"))
        .order_by()
    )
    stats = TriageStats(matrix={level: dict.fromkeys(LEVELS, 0) for level in LEVELS})
    for engine, clinician, n in rows:
        if engine not in LEVEL_RANK or clinician not in LEVEL_RANK:
            continue
        stats.total += n
        stats.matrix[engine][clinician] += n
        if engine == clinician:
            stats.agreed += n
        elif LEVEL_RANK[engine] < LEVEL_RANK[clinician]:
            stats.under += n
        else:
            stats.over += n
    return stats


LEVEL_LABELS = dict(LEVEL_CHOICES)
