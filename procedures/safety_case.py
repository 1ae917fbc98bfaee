"""A safety case per release, modelled on the hazard log of clinical-safety standards (DCB0129).

Written once, when the release is published, and frozen with it (KnowledgeBaseRelease.safety_case,
Markdown): the admin shows it and exports it as a file. It records

1. the release: who published it, when, and the safety gate's measures;
2. the changes: every row approved, who changed it and who approved it, and every test story
   added, changed or removed since the previous release, who changed it and who approved it;
3. everything weakened (emergency and urgent signs, rules, links and complications, risk-factor
   effects, test stories' levels), with the written reason and the second reviewer;
4. the stories whose answers the release changes, before and after;
5. open hazards: stories that still fail (they failed before this release too), and weakenings
   published without a second reviewer when the two-person rule was switched off.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model

from .models import KnowledgeBaseRelease, WeakeningSignOff
from .triage import LEVEL_RANK

if TYPE_CHECKING:
    from .impact import StoryImpact
    from .services import Approval, GateReport


def _person(user: Any) -> str:
    if user is None:
        return "—"
    return user.get_full_name() or user.get_username()


def _names(ids: Iterable[int]) -> dict[int, str]:
    return {user.pk: _person(user) for user in get_user_model().objects.filter(pk__in=set(ids))}


def _cell(text: Any) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _table(header: list[str], rows: list[list[Any]]) -> list[str]:
    if not rows:
        return ["None.", ""]
    return [
        "| " + " | ".join(header) + " |",
        "|" + "---|" * len(header),
        *("| " + " | ".join(_cell(c) for c in row) + " |" for row in rows),
        "",
    ]


def _answer(story: StoryImpact, which: str) -> str:
    answer = getattr(story, which)
    if answer.level is None:
        return "not answerable"
    return f"{answer.level} ({', '.join(answer.top) or 'expected effects'})"


def _story_kinds(story: StoryImpact) -> str:
    kinds = {
        "newly under-triaged": story.newly_under_triaged,
        "newly over-triaged": story.newly_over_triaged,
        "changed complication": story.changed_complications,
        "new failure": story.new_failure,
        "fixed": story.fixed,
    }
    return ", ".join(name for name, applies in kinds.items() if applies) or "changed"


def _changes(approvals: list[Approval], approver: Any, report: GateReport) -> list[str]:
    names = _names(user for a in approvals for user in a.made_by)
    rows = [
        [a.row._meta.verbose_name, a.row, ", ".join(sorted(names[u] for u in a.made_by)) or "—", _person(approver)]
        for a in approvals
    ]
    stories = [
        [
            c.id,
            c.kind,
            c.procedure,
            f"{c.gold_before or '—'} → {c.gold_after or '—'}",
            ", ".join(c.changed_by_names) or "—",
            _person(approver),
        ]
        for c in (report.impact.story_changes if report.impact else [])
    ]
    return [
        "## 2. Changes",
        "",
        *_table(["kind", "row", "changed by", "approved by"], rows),
        "### Test stories added, changed or removed since the previous release",
        "",
        *_table(["story", "what", "procedure", "gold level", "changed by", "approved by"], stories),
    ]


def _weakenings(report: GateReport) -> list[str]:
    weakenings = report.impact.weakenings if report.impact else []
    sign_offs = {
        s.change: s
        for s in WeakeningSignOff.objects.filter(change__in=[w.change for w in weakenings]).select_related(
            "written_by", "approved_by"
        )
    }
    rows = []
    for w in weakenings:
        s = sign_offs.get(w.change)
        rows.append(
            [w.change, s.reason if s else "—", _person(s.written_by) if s else "—", _person(s and s.approved_by)]
        )
    return [
        "## 3. Weakened signs, rules, links, risk factors and test stories",
        "",
        *_table(["change", "reason", "by", "second reviewer"], rows),
    ]


def _stories(report: GateReport) -> list[str]:
    changed = report.impact.changed if report.impact else []
    rows = [[s.id, s.procedure, s.gold, _answer(s, "before"), _answer(s, "after"), _story_kinds(s)] for s in changed]
    return [
        "## 4. Stories whose answers change",
        "",
        *_table(["story", "procedure", "gold", "before", "after", "what"], rows),
    ]


def _hazards(report: GateReport) -> list[str]:
    """Open hazards in the hazard-log form: what, its cause, its effect on a patient, its control."""
    rows = [
        [
            f"H-{s.id}",
            f"story {s.id} ({s.procedure}) answered {_answer(s, 'after')}, gold {s.gold}",
            "knowledge base does not recognise this presentation",
            "under-triage" if LEVEL_RANK.get(s.after.level or "", -1) < LEVEL_RANK[s.gold] else "over-triage or cause",
            "known before this release; open for clinical review",
        ]
        for s in (report.impact.existing_failures if report.impact else [])
    ]
    return ["## 5. Open hazards", "", *_table(["id", "hazard", "cause", "effect", "control and status"], rows)]


def write_safety_case(release: KnowledgeBaseRelease, report: GateReport, approvals: list[Approval]) -> str:
    """The release's safety case in Markdown (see the module docstring)."""
    summary = report.summary
    lines = [
        f"# Safety case: knowledge base release {release.label}",
        "",
        "## 1. Release",
        "",
        f"- Published by: {_person(release.published_by)}",
        f"- Published at: {release.created_at:%Y-%m-%d %H:%M %Z}",
        f"- Note: {release.note or '—'}",
        f"- Safety gate: {summary.get('vignettes', 0)} stories, {summary.get('emergencies_missed', 0)} of "
        f"{summary.get('emergencies', 0)} emergencies missed, under-triage {summary.get('under', 0)}%, "
        f"over-triage {summary.get('over', 0)}%, checked in {report.seconds:.2f} s.",
        "",
        *_changes(approvals, release.published_by, report),
        *_weakenings(report),
        *_stories(report),
        *_hazards(report),
    ]
    return "\n".join(lines)
