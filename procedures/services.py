"""Writes: publishing the knowledge base, the review workflow, and patients' contact requests."""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.db.models import Max
from django.utils import timezone

from .coverage import coverage_problems
from .hashing import content_hash
from .impact import Impact, Weakening, release_impact
from .integrity import check_knowledge_base, shared_vocabulary
from .kb_schema import TABLES
from .locks import hold_publish_lock
from .models import (
    CombinationRule,
    Complication,
    ContactRequest,
    ContentStatus,
    ExpectedEffect,
    KnowledgeBaseRelease,
    Procedure,
    ProcedureComplication,
    RuleClause,
    WarningSign,
    WeakeningSignOff,
)
from .outbox import queue_staff_notification
from .releases import release_candidate_data
from .safety_case import write_safety_case
from .selectors import latest_release
from .stories import gate_stories
from .story_review import stories_changed_by
from .triage import LEVEL_RANK, KnowledgeBase
from .vignette_audit import ConsensusThresholds, Miss, run_audit, run_consensus_audit

logger = logging.getLogger(__name__)


@transaction.atomic
def publish_knowledge_base(*, user=None, note: str = "", data: dict | None = None) -> KnowledgeBaseRelease:
    """Freeze the knowledge base into a new release that patients are assessed on from now on.

    Without `data`, the release holds reviewed content only (see releases.py): rows still in
    draft or in review keep the values of the latest release. Every process notices the new
    version at its next assessment (see selectors). The version number is taken under the
    publish lock (procedures/locks.py), so two simultaneous publishes cannot collide. This does
    not run the safety gate: staff publish through `publish_content()`, which does.
    """
    with transaction.atomic():
        hold_publish_lock()  # callers that read content first took it already; taking it again is free
        if data is None:
            data = release_candidate_data()
        version = (KnowledgeBaseRelease.objects.aggregate(v=Max("version"))["v"] or 0) + 1
        return KnowledgeBaseRelease.objects.create(
            version=version, published_by=user, note=note[:300], content_hash=content_hash(data), data=data
        )


# --- The safety gate -------------------------------------------------------------------------


@dataclass
class GateReport:
    """Whether a knowledge base may be published, and why not."""

    problems: list[str] = field(default_factory=list)
    misses: list[Miss] = field(default_factory=list)  # stories triaged lower than their gold level
    summary: dict[str, Any] = field(default_factory=dict)
    files: list[str] = field(default_factory=list)
    impact: Impact | None = None  # every story under the current release and the candidate
    seconds: float = 0.0  # how long the gate took

    @property
    def passed(self) -> bool:
        return not self.problems


class PublishRefused(Exception):
    def __init__(self, report: GateReport):
        super().__init__("; ".join(report.problems))
        self.report = report


def _real_patient_problems(kb: KnowledgeBase, stories: list[dict[str, Any]]) -> list[str]:
    """The gate on real patients: no unanimous emergency missed, at most 2% of answers below every
    rater, and at least 85% of unanimous normal recoveries kept at self-care."""
    if not stories:
        return []
    tally = run_consensus_audit(kb, stories)
    return [f"Real patients: {problem}." for problem in tally.failures(ConsensusThresholds(), gate_only=True)]


def _audit_problems(report: GateReport, data: dict[str, Any], stories: list[dict[str, Any]]) -> None:
    """The audit over every story: no emergency missed, under-triage within the allowed percent."""
    candidate = KnowledgeBase.from_dict(data, version="candidate")
    real = [v for v in stories if "gold_rater2" in v]
    result = run_audit(candidate, [v for v in stories if "gold_rater2" not in v])
    report.problems.extend(_real_patient_problems(candidate, real))
    report.summary = result.overall.summary()
    report.misses = [m for m in result.misses if LEVEL_RANK[m.got] < LEVEL_RANK[m.expected]]
    for vid, errors in result.invalid:
        report.problems.append(f"Vignette {vid} no longer matches the knowledge base: {errors}")
    if report.summary["emergencies_missed"]:
        report.problems.append(
            f"{report.summary['emergencies_missed']} of {report.summary['emergencies']} emergencies would be missed."
        )
    if report.summary["under"] > settings.PUBLISH_GATE_MAX_UNDER_TRIAGE:
        report.problems.append(
            f"Under-triage would be {report.summary['under']}% "
            f"(at most {settings.PUBLISH_GATE_MAX_UNDER_TRIAGE}% allowed)."
        )


def _impact_problems(impact: Impact) -> list[str]:
    """What the release changes that it may not: a story answered lower than before and below its
    gold level, and a weakened emergency or urgent sign or rule without its sign-off."""
    problems = [
        f"Story {s.id} ({s.procedure}) would newly be under-triaged: {s.after.level} "
        f"(was {s.before.level}, gold {s.gold})."
        for s in impact.newly_under_triaged
    ]
    if settings.TWO_PERSON_RULE:
        problems += [
            f"Weakened without a written reason approved by a second clinical reviewer: {w.change}."
            for w in unsigned_weakenings(impact.weakenings)
        ]
    return problems


def check_release(data: dict[str, Any], current: dict[str, Any] | None = None) -> GateReport:
    """The safety gate: is `data` whole, and does it still triage every story safely?

    Refuses when the knowledge base has integrity problems, when no story is found (fail closed),
    when a story can no longer be read, when any emergency is missed, when under-triage is above
    settings.PUBLISH_GATE_MAX_UNDER_TRIAGE percent, when a story is answered lower than under
    `current` (the latest release's data when None) and below its gold level, when an emergency
    or urgent sign or rule is weakened without a sign-off, and when a procedure lacks the minimum
    coverage of its own stories (procedures/coverage.py).
    """
    started = time.perf_counter()
    report = GateReport()
    report.problems.extend(check_knowledge_base(data, shared_vocabulary(settings.SHARED_DIR / "vocabulary")))
    if report.problems:
        return report
    stories, report.files = gate_stories()
    if not stories:
        report.problems.append("No vignette suite found: the knowledge base cannot be checked, so it is not published.")
        return report
    _audit_problems(report, data, stories)
    if current is None:
        latest = latest_release()
        current = latest.data if latest is not None else {}
    report.impact = release_impact(current, data, stories)
    report.problems.extend(_impact_problems(report.impact))
    report.problems.extend(coverage_problems(data, report.impact.stories))
    report.seconds = time.perf_counter() - started
    return report


def unsigned_weakenings(found: Iterable[Weakening]) -> list[Weakening]:
    """The weakenings that lack a reason approved by a second person (one query)."""
    found = list(found)
    if not found:
        return []
    signed = {
        change
        for change, written_by, approved_by in WeakeningSignOff.objects.filter(
            change__in=[w.change for w in found], approved_by__isnull=False
        )
        .exclude(reason="")
        .values_list("change", "written_by", "approved_by")
        if written_by != approved_by
    }
    return [w for w in found if w.change not in signed]


# --- The review workflow ---------------------------------------------------------------------


def _with_parts(rows: Iterable[models.Model]) -> list[models.Model]:
    """The rows, plus the parts edited on their admin page (a complication's warning signs…)."""
    rows = list(rows)
    by_model: dict[type, list[int]] = {}
    for row in rows:
        by_model.setdefault(type(row), []).append(row.pk)
    parts: list[models.Model] = []
    if ids := by_model.get(Complication):
        parts += WarningSign.objects.filter(complication__in=ids)
        parts += CombinationRule.objects.filter(complication__in=ids)
        parts += RuleClause.objects.filter(rule__complication__in=ids)
    if ids := by_model.get(Procedure):
        parts += ExpectedEffect.objects.filter(procedure__in=ids)
        parts += ProcedureComplication.objects.filter(procedure__in=ids)
    if ids := by_model.get(CombinationRule):
        parts += RuleClause.objects.filter(rule__in=ids)
    seen = {(type(r), r.pk) for r in rows}
    return rows + [p for p in parts if (type(p), p.pk) not in seen and not seen.add((type(p), p.pk))]


# The history's reason for a status change made by the workflow: not a change of the content, so the
# person who submits or approves a row does not count as having made the change.
REVIEW_STEP = "review step"


def _set_status(row: models.Model, status: str, user, **extra: Any) -> None:
    row._change_reason = REVIEW_STEP
    row.status = status
    for name, value in extra.items():
        setattr(row, name, value)
    row._history_user = user  # history records who did it, in requests and in scripts alike
    row.save(update_fields=["status", "updated_at", *extra])


def mark_draft(row: models.Model) -> None:
    """An edited row needs review again (called before saving a staff edit)."""
    row.status = ContentStatus.DRAFT


@transaction.atomic
def submit_for_review(rows: Iterable[models.Model], *, user) -> int:
    """Drafts (and the parts edited with them) move to "in review". Returns how many moved."""
    moved = 0
    for row in _with_parts(rows):
        if row.status == ContentStatus.DRAFT:
            _set_status(row, ContentStatus.IN_REVIEW, user)
            moved += 1
    return moved


def made_by(row: models.Model) -> set[int]:
    """The ids of the people who changed this row's content since it was last approved (one
    query; status changes by the review workflow do not count)."""
    history = row.history.exclude(history_user=None).exclude(history_change_reason=REVIEW_STEP)
    if row.reviewed_at is not None:
        history = history.filter(history_date__gt=row.reviewed_at)
    return set(history.values_list("history_user_id", flat=True))


def rows_in_review() -> list[models.Model]:
    """Every content row waiting for a reviewer, in schema order (one query per table)."""
    return [row for table in TABLES.values() for row in table.model.objects.filter(status=ContentStatus.IN_REVIEW)]


def review_candidate() -> tuple[list[models.Model], GateReport]:
    """The rows in review, and the safety gate's report on the release approving them would make."""
    return rows_in_review(), check_release(release_candidate_data(approving_in_review=True))


@dataclass
class Approval:
    """A row approved in a release, who changed it and who approved it (for the safety case)."""

    row: models.Model
    made_by: set[int]


@dataclass
class Published:
    rows: int
    release: KnowledgeBaseRelease | None  # None when the release would be identical to the latest
    report: GateReport
    approvals: list[Approval] = field(default_factory=list)


def _own_changes(approvals: list[Approval], user) -> list[str]:
    """The two-person rule: nobody approves a change they made themselves, content or test stories
    (settings.TWO_PERSON_RULE)."""
    if not settings.TWO_PERSON_RULE:
        return []
    refusals = [
        f"You changed {a.row._meta.verbose_name} '{a.row}' yourself: another clinical reviewer must publish it."
        for a in approvals
        if user.pk in a.made_by
    ]
    if own := stories_changed_by(user):
        refusals.append(
            f"You changed the test stories {', '.join(own)} yourself: another clinical reviewer must publish."
        )
    return refusals


def publish_content(rows: Iterable[models.Model], *, user, note: str = "") -> Published:
    """A reviewer approves rows in review and publishes a release, behind the safety gate.

    All or nothing: when the gate refuses, or when the reviewer made one of the changes
    themselves, PublishRefused is raised and the rows stay in review. The release keeps its
    safety case (procedures/safety_case.py).
    """
    with transaction.atomic():
        hold_publish_lock()  # before reading anything: a concurrent publish's approvals must be seen
        now = timezone.now()
        approvals = [Approval(row, made_by(row)) for row in _with_parts(rows) if row.status == ContentStatus.IN_REVIEW]
        if refusals := _own_changes(approvals, user):
            raise PublishRefused(GateReport(problems=refusals))
        for approval in approvals:
            _set_status(approval.row, ContentStatus.PUBLISHED, user, reviewed_by=user, reviewed_at=now)
        data = release_candidate_data()
        report = check_release(data)
        if not report.passed:
            raise PublishRefused(report)
        latest = KnowledgeBaseRelease.objects.order_by("-version").only("content_hash").first()
        if latest is not None and latest.content_hash == content_hash(data):
            return Published(len(approvals), None, report, approvals)
        release = publish_knowledge_base(user=user, note=note or f"{len(approvals)} reviewed change(s)", data=data)
        release.safety_case = write_safety_case(release, report, approvals)
        release.save(update_fields=["safety_case"])
        return Published(len(approvals), release, report, approvals)


# --- Contact requests ------------------------------------------------------------------------


def create_contact_request(
    *,
    contact: dict[str, Any],
    consent_text_version: str,
    answers: dict[str, Any],
    result: dict[str, Any],
    urgency: str,
    engine_version: str,
    knowledge_base_version: str,
    language: str,
    outbox_id: uuid.UUID | None = None,
) -> ContactRequest:
    """Store a consented contact request in one transaction, with the email to staff when it is
    urgent (procedures/outbox.py sends it later: no mail server is ever on the patient's path).

    The caller has checked consent: this refuses to store anything without it. `outbox_id` is set
    when the request comes back from the local outbox after an outage.
    """
    if not contact.get("consent"):
        raise ValueError("A contact request is stored only with the patient's consent.")
    with transaction.atomic():
        request = ContactRequest(
            consent=True,
            consent_text_version=consent_text_version,
            name=contact["name"],
            phone=contact.get("phone", ""),
            email=contact.get("email", ""),
            preferred_time=contact.get("preferred_time") or ContactRequest.PreferredTime.ANY,
            language=language,
            answers=answers,
            result=result,
            urgency=urgency,
            engine_version=engine_version,
            knowledge_base_version=knowledge_base_version,
            outbox_id=outbox_id,
        )
        request.full_clean()
        request.save()
        if urgency in settings.CONTACT_NOTIFY_LEVELS:
            queue_staff_notification(request)
    return request


_NEXT_STAMP = {
    ContactRequest.Status.ACKNOWLEDGED: "acknowledged_at",
    ContactRequest.Status.CONTACTED: "contacted_at",
    ContactRequest.Status.CLOSED: "closed_at",
}


def advance_contact_request(request: ContactRequest, status: str, *, user) -> bool:
    """Move a request forward (never back), stamping the time of each step and who handled it.

    Steps skipped on the way (closing a request that was never marked contacted) get the same
    time. Returns False when `status` is not ahead of the current one.
    """
    order = ContactRequest.STATUS_ORDER
    if order.index(status) <= order.index(request.status):
        return False
    now = timezone.now()
    for step in order[order.index(request.status) + 1 : order.index(status) + 1]:
        stamp = _NEXT_STAMP[step]
        if getattr(request, stamp) is None:
            setattr(request, stamp, now)
    request.status = status
    request.handled_by = user
    return True
