"""Check-in days worked out from the knowledge base: when each complication can begin, how long
the high-risk and late ones stay possible, and when each expected effect should have settled.

Pure functions over the engine's snapshot (procedures/triage/knowledge.py), so a clinician can
read why each day is there. Days are taken from a fixed ladder, the usual follow-up points
after a procedure (the next day, day 3, weeks 1, 2, 4, 8 and 12), so that patients get a few
regular check-ins, fewer as time goes on, rather than one for every date a source names.

A ladder day is kept when one of three rules asks for it:

1. **a complication can begin**: the first ladder day on or after the day its window opens
   (windows over before day 1 happen while the patient is still at the clinic);
2. **a high-risk complication is still possible**: every ladder day inside the window of a
   complication that needs care today (urgent or emergency), up to the horizon, so a late and
   quiet one (a mycobacterial infection weeks after mesotherapy) is asked about until its window
   closes;
3. **an expected effect should have settled**: the first ladder day on or after the last day it
   is still normal (the check-in asks whether it has gone, or got worse).

A day is **high-risk** when an urgent or emergency complication of this treatment can be
present on it: a patient who misses it is put in the follow-up queue.

Only complications linked to the treatment itself count: the cross-cutting ones (sepsis,
anaphylaxis…) follow every treatment and are asked about in every check-in's emergency screen.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from procedures.triage.knowledge import KnowledgeBase, Link, Procedure
from procedures.triage.scales import URGENT, at_least

LADDER: tuple[int, ...] = (1, 3, 7, 14, 28, 56, 84)


@dataclass(frozen=True)
class DerivedDay:
    day: int
    high_risk: bool
    reasons: tuple[str, ...]

    @property
    def reason(self) -> str:
        return "; ".join(self.reasons)


def _rungs(horizon: int) -> tuple[int, ...]:
    return tuple(day for day in LADDER if day <= horizon)


def _first_on_or_after(day: int, rungs: Iterable[int]) -> int | None:
    return next((rung for rung in rungs if rung >= day), None)


def _window_text(link: Link) -> str:
    end = "" if link.window.max_days is None else f"–{link.window.max_days}"
    return f"days {link.window.min_days}{end}"


def _is_high_risk(link: Link) -> bool:
    return at_least(link.urgency, URGENT.value)


def _inside(link: Link, day: int) -> bool:
    return link.window.min_days <= day and (link.window.max_days is None or day <= link.window.max_days)


def _opening_days(procedure: Procedure, rungs: tuple[int, ...]) -> Iterable[tuple[int, str]]:
    """Rule 1: the first check-in after each complication's window opens."""
    for slug, link in procedure.links.items():
        if not link.explicit or (link.window.max_days is not None and link.window.max_days < 1):
            continue
        day = _first_on_or_after(max(link.window.min_days, 1), rungs)
        if day is not None:
            yield day, f"{slug} can begin ({_window_text(link)})"


def _still_possible_days(procedure: Procedure, rungs: tuple[int, ...]) -> Iterable[tuple[int, str]]:
    """Rule 2: every check-in inside a high-risk window."""
    for slug, link in procedure.links.items():
        if not link.explicit or not _is_high_risk(link):
            continue
        for day in rungs:
            if _inside(link, day):
                yield day, f"{slug} still possible ({_window_text(link)}, {link.urgency})"


def _settling_days(procedure: Procedure, rungs: tuple[int, ...]) -> Iterable[tuple[int, str]]:
    """Rule 3: the first check-in after each expected effect should have settled."""
    for effect in procedure.expected_effects:
        if effect.normal_until_day < 1:
            continue
        day = _first_on_or_after(effect.normal_until_day, rungs)
        if day is not None:
            yield day, f"{effect.slug} should have settled (normal until day {effect.normal_until_day})"


def derive_schedule(procedure: Procedure, horizon: int) -> tuple[DerivedDay, ...]:
    """The check-in days of `procedure` up to `horizon` days, each with the rules that asked for it."""
    rungs = _rungs(horizon)
    reasons: dict[int, list[str]] = {}
    for day, reason in (
        *_opening_days(procedure, rungs),
        *_still_possible_days(procedure, rungs),
        *_settling_days(procedure, rungs),
    ):
        reasons.setdefault(day, [])
        if reason not in reasons[day]:
            reasons[day].append(reason)
    high_risk_links = [link for link in procedure.links.values() if link.explicit and _is_high_risk(link)]
    return tuple(
        DerivedDay(day, any(_inside(link, day) for link in high_risk_links), tuple(reasons[day]))
        for day in sorted(reasons)
    )


def derive_all(kb: KnowledgeBase, horizon: int) -> dict[str, tuple[DerivedDay, ...]]:
    """Every treatment's derived days, by treatment slug."""
    return {slug: derive_schedule(procedure, horizon) for slug, procedure in kb.procedures.items()}
