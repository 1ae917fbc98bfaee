"""Cluster alerts: complications gathering around one lot, practitioner or site.

A case counts when a clinician confirmed it, or when the patient's report reached urgent or above,
and only on a treatment record that counts: the clinic's own, or a patient's report staff checked
(ComplicationCase.counts). For each case that counts, the cases of the same complication sharing
its lot, its practitioner or its site are counted in a sliding window of the complication's
`window_days`; reaching its `threshold` raises one alert listing the cases, or adds the case to the
alert already open for that grouping. One open alert per grouping is a database rule
(ClusterAlertGrouping's conditional unique constraint): two processes counting the same cluster at
once cannot both raise it; the one refused joins the other's alert. Thresholds and windows:
settings.VIGILANCE_CLUSTER_RULES (per complication) and VIGILANCE_CLUSTER_DEFAULT; docs/vigilance.md
says why.

The alert goes to whom the check-ins' escalation tells (checkins/escalation.py): the on-call email
and line, and the clinical lead. Messages name cases by number, never a patient.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from checkins.escalation import escalation_contacts
from checkins.links import absolute
from checkins.models import OutgoingMessage
from procedures.models import StaffNotification
from procedures.triage.scales import LEVELS, URGENT, at_least

from . import vocabulary
from .models import RECORD_COUNTS, ClusterAlert, ClusterAlertGrouping, ComplicationCase, TreatmentRecord

URGENT_OR_ABOVE = tuple(value for value in LEVELS if at_least(value, URGENT.value))
# The same rule as ComplicationCase.counts, as a query.
COUNTING = (
    Q(ruled_out=False)
    & (Q(basis=ComplicationCase.Basis.CONFIRMED) | Q(urgency__in=URGENT_OR_ABOVE))
    & Q(treatment__in=TreatmentRecord.objects.filter(RECORD_COUNTS))
)
# How often a case is counted again after another process raised the same alert first: once is
# enough (its alert is then found); a few more allow for alerts closed at that very moment.
ATTEMPTS = 3


@dataclass(frozen=True)
class ClusterRule:
    threshold: int
    window_days: int


def rule_for(complication: str) -> ClusterRule:
    """The threshold and window of one complication (settings, with the default for the rest)."""
    spec = settings.VIGILANCE_CLUSTER_RULES.get(complication, settings.VIGILANCE_CLUSTER_DEFAULT)
    return ClusterRule(int(spec["threshold"]), int(spec["window_days"]))


@dataclass(frozen=True)
class Grouping:
    """One lot, practitioner or site, and how to find its treatments."""

    dimension: str
    value: str
    label: str
    lookup: Q

    def as_entry(self) -> dict[str, str]:
        return {"dimension": self.dimension, "value": self.value, "label": self.label}


def groupings(treatment: TreatmentRecord) -> list[Grouping]:
    found = []
    if treatment.lot_number:
        lot = Q(
            treatment__product_name__iexact=treatment.product_name, treatment__lot_number__iexact=treatment.lot_number
        )
        value = f"{treatment.product_name}|{treatment.lot_number}".casefold()
        found.append(Grouping(vocabulary.LOT.value, value, treatment.lot_label, lot))
    if treatment.practitioner:
        found.append(
            Grouping(
                vocabulary.PRACTITIONER.value,
                treatment.practitioner.casefold(),
                f"practitioner {treatment.practitioner}",
                Q(treatment__practitioner__iexact=treatment.practitioner),
            )
        )
    if treatment.site:
        found.append(
            Grouping(
                vocabulary.SITE.value,
                treatment.site.casefold(),
                f"site {treatment.site}",
                Q(treatment__site__iexact=treatment.site),
            )
        )
    return found


def _window_around(cases: list[ComplicationCase], day: date, window_days: int) -> list[ComplicationCase]:
    """The largest set of cases inside one window of `window_days` days that contains `day`
    (a sliding window: cases recorded late, or out of order, are still counted together)."""
    best: list[ComplicationCase] = []
    for start in (case.noticed_on for case in cases):
        first = min(start, day)
        last = first + timedelta(days=window_days - 1)
        if last < day:
            continue
        inside = [case for case in cases if first <= case.noticed_on <= last]
        if len(inside) > len(best):
            best = inside
    return best


def _crossings(case: ComplicationCase, rule: ClusterRule) -> list[tuple[Grouping, list[ComplicationCase]]]:
    reach = timedelta(days=rule.window_days - 1)
    nearby: QuerySet[ComplicationCase] = ComplicationCase.objects.filter(
        COUNTING,
        complication=case.complication,
        noticed_on__gte=case.noticed_on - reach,
        noticed_on__lte=case.noticed_on + reach,
    ).select_related("treatment")
    found = []
    for grouping in groupings(case.treatment):
        inside = _window_around(list(nearby.filter(grouping.lookup)), case.noticed_on, rule.window_days)
        if len(inside) >= rule.threshold:
            found.append((grouping, inside))
    return found


def check_case(case: ComplicationCase) -> ClusterAlert | None:
    """Count the case's groupings and raise (or extend) the alert when one reaches its threshold.
    Returns the alert the case is now listed on, or None."""
    if not case.counts:
        return None
    rule = rule_for(case.complication)
    crossings = _crossings(case, rule)
    if not crossings:
        return None
    for attempt in range(ATTEMPTS):
        try:
            with transaction.atomic():
                return _raise_or_extend(case.complication, rule, crossings)
        except IntegrityError:
            # Another process raised an alert for one of these groupings since we looked (the
            # unique constraint refused ours, and this savepoint undid it, email and texts too).
            if attempt == ATTEMPTS - 1:
                raise
    return None  # not reached: the last attempt returns or raises


def _raise_or_extend(
    complication: str, rule: ClusterRule, crossings: list[tuple[Grouping, list[ComplicationCase]]]
) -> ClusterAlert:
    cases = {c for _, inside in crossings for c in inside}
    held = _open_groupings(complication, rule, [grouping for grouping, _ in crossings])
    if held:
        alert = ClusterAlert.objects.select_for_update().get(pk=min(held.values()))
        _extend(alert, rule, [(g, inside) for g, inside in crossings if (g.dimension, g.value) not in held], cases)
        return alert
    alert = ClusterAlert.objects.create(
        complication=complication,
        crossed=[grouping.as_entry() for grouping, _ in crossings],
        threshold=rule.threshold,
        window_days=rule.window_days,
    )
    _hold(alert, rule, [grouping for grouping, _ in crossings])
    alert.cases.set(cases)
    alert.sent_to = _tell_staff(alert, sorted(cases, key=lambda c: c.pk))[:300]
    alert.save(update_fields=["sent_to"])
    return alert


def _open_groupings(complication: str, rule: ClusterRule, wanted: list[Grouping]) -> dict[tuple[str, str], int]:
    """Which of these groupings an open alert already holds, and which alert (locked until commit)."""
    match = Q()
    for grouping in wanted:
        match |= Q(dimension=grouping.dimension, value=grouping.value)
    rows = (
        ClusterAlertGrouping.objects.select_for_update()
        .filter(match, complication=complication, window_days=rule.window_days, is_open=True)
        .values_list("dimension", "value", "alert_id")
    )
    return {(dimension, value): alert_id for dimension, value, alert_id in rows}


def _hold(alert: ClusterAlert, rule: ClusterRule, groupings: Iterable[Grouping]) -> None:
    """The alert holds these groupings; IntegrityError if an open alert already holds one."""
    ClusterAlertGrouping.objects.bulk_create(
        ClusterAlertGrouping(
            alert=alert,
            complication=alert.complication,
            dimension=grouping.dimension,
            value=grouping.value,
            window_days=rule.window_days,
        )
        for grouping in groupings
    )


def _extend(
    alert: ClusterAlert,
    rule: ClusterRule,
    new: list[tuple[Grouping, list[ComplicationCase]]],
    cases: Iterable[ComplicationCase],
) -> None:
    """A further case of a cluster already raised: listed on it, without a second alarm; groupings
    it crossed that no open alert holds yet are added to this one."""
    if new:
        _hold(alert, rule, [grouping for grouping, _ in new])
        alert.crossed = alert.crossed + [grouping.as_entry() for grouping, _ in new]
        alert.save(update_fields=["crossed"])
    alert.cases.add(*cases)


def _tell_staff(alert: ClusterAlert, cases: list[ComplicationCase]) -> str:
    """Queue the alert's email and texts to the escalation contacts; returns whom, for the record."""
    contacts = escalation_contacts()
    now = timezone.now()
    where = "; ".join(entry["label"] for entry in alert.crossed)
    listed = ", ".join(f"#{case.pk} ({case.noticed_on:%Y-%m-%d})" for case in cases)
    link = absolute(reverse("admin:vigilance_clusteralert_change", args=[alert.pk]))
    words = (
        f"[symptomcheck] Cluster alert: {len(cases)} cases of {alert.complication} within "
        f"{alert.window_days} days on {where}. Cases: {listed}. {link}"
    )
    emails = [e for e in (contacts.on_call_email, contacts.lead_email) if e] or list(settings.CONTACT_NOTIFY_EMAILS)
    told = []
    if emails:
        StaffNotification.objects.create(subject=words[:200], body=words, recipients=emails, next_attempt_at=now)
        told.append("email " + ", ".join(emails))
    for phone in {p for p in (contacts.on_call_phone, contacts.lead_phone) if p}:
        OutgoingMessage.objects.create(
            channel=OutgoingMessage.Channel.SMS, recipient=phone, body=words, next_attempt_at=now
        )
        told.append(f"text {phone}")
    return ", ".join(told) or "nobody: no on-call or clinical-lead contact is set"


@dataclass(frozen=True)
class Bar:
    week_start: date
    count: int
    x: int
    y: int
    height: int


@dataclass(frozen=True)
class LotRow:
    label: str
    total: int
    bars: tuple[Bar, ...]


CHART_HEIGHT = 40  # pixels of the tallest bar
BAR_STEP = 14  # pixels per week


def weekly_counts_per_lot(weeks: int = 12, today: date | None = None) -> list[LotRow]:
    """Counted cases per lot and per week (Monday to Sunday) over the last `weeks` weeks, with the
    geometry of an inline SVG bar chart (no script, no stylesheet: the admin's CSP allows it)."""
    today = today or timezone.localdate()
    first_monday = today - timedelta(days=today.weekday(), weeks=weeks - 1)
    counts: dict[str, dict[date, int]] = {}
    rows = ComplicationCase.objects.filter(COUNTING, noticed_on__gte=first_monday, noticed_on__lte=today)
    for case in rows.select_related("treatment").order_by("noticed_on"):
        week = case.noticed_on - timedelta(days=case.noticed_on.weekday())
        per_week = counts.setdefault(case.treatment.lot_label, {})
        per_week[week] = per_week.get(week, 0) + 1
    tallest = max((n for per_week in counts.values() for n in per_week.values()), default=1)
    mondays = [first_monday + timedelta(weeks=i) for i in range(weeks)]
    return [
        LotRow(
            label,
            sum(per_week.values()),
            tuple(_bar(i, monday, per_week.get(monday, 0), tallest) for i, monday in enumerate(mondays)),
        )
        for label, per_week in sorted(counts.items(), key=lambda item: -sum(item[1].values()))
    ]


def _bar(index: int, monday: date, count: int, tallest: int) -> Bar:
    height = round(CHART_HEIGHT * count / tallest)
    return Bar(monday, count, index * BAR_STEP, CHART_HEIGHT - height, height)
