"""How many alerts check-ins raise: the suites' patient stories played as twelve-week courses.

Each story (tests/vignettes/*.json: a treatment, a day, what the patient notices and how it is
going) becomes one simulated patient. Before the story's day the course is as expected and the
patient answers "nothing new or worse". At the first check-in on or after the story's day the
patient reports the story's symptoms, assessed by the engine on that check-in's day; from then on
nothing changes, so later check-ins are answered "nothing new" (only changes raise an alert).
A patient answers each check-in with probability `answer_rate` (a fixed seed, so runs repeat);
a missed high-risk check-in is a flag, counted apart: one per run of misses, as the service keeps
one open line per patient (here, staff are assumed to close it once the patient answers again).

For comparison, `every_answer` counts what a weekly survey that alerts on every answer at "soon"
or above would raise (PRO-TECT-style): the same patients, re-reporting their symptoms at every
check-in after the story's day.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from procedures.triage import Answers, KnowledgeBase, assess
from procedures.triage.scales import SOON, URGENT, at_least

from .schedule import DerivedDay


@dataclass
class Tally:
    patients: int = 0
    checkins: int = 0
    answered: int = 0
    alerts: int = 0
    urgent_alerts: int = 0
    flags: int = 0
    every_answer: int = 0  # alerts a survey alerting on every answer would raise
    by_level: dict[str, int] = field(default_factory=dict)

    def per_100(self, count: int) -> float:
        return round(100 * count / self.patients, 1) if self.patients else 0.0


def stories(paths: Iterable[Path]) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for path in paths:
        found.extend(json.loads(path.read_text(encoding="utf-8")))
    return found


def _level(kb: KnowledgeBase, story: Mapping[str, Any], day: int) -> str:
    given = story["input"]
    answers = Answers(
        procedure=given["procedure"],
        days_since_treatment=day,
        symptoms=frozenset(s for s in given.get("symptoms", []) if s in kb.symptoms),
        trend=given.get("trend"),
        area=given.get("area") if given.get("area") in kb.areas else None,
    )
    return assess(kb, answers).urgency


def _course(
    kb: KnowledgeBase,
    story: Mapping[str, Any],
    days: tuple[DerivedDay, ...],
    tally: Tally,
    answers: random.Random,
    rate: float,
) -> None:
    onset = int(story["input"]["days_since_treatment"])
    reported = flag_open = False
    for checkin in days:
        tally.checkins += 1
        changed = checkin.day >= onset
        level = _level(kb, story, checkin.day) if changed else ""
        if changed and at_least(level, SOON.value):
            tally.every_answer += 1
        if answers.random() >= rate:
            if checkin.high_risk and not flag_open:
                tally.flags += 1
                flag_open = True  # one open line per patient; staff close it when they call
            continue
        tally.answered += 1
        flag_open = False
        if changed and not reported:
            reported = True  # later check-ins: nothing new, no alert
            if at_least(level, SOON.value):
                tally.alerts += 1
                tally.urgent_alerts += at_least(level, URGENT.value)
                tally.by_level[level] = tally.by_level.get(level, 0) + 1


def simulate(
    kb: KnowledgeBase,
    schedules: Mapping[str, tuple[DerivedDay, ...]],
    courses: Iterable[Mapping[str, Any]],
    *,
    answer_rate: float = 1.0,
    seed: int = 14,
) -> Tally:
    """Play every story whose treatment has a schedule as one patient's twelve weeks."""
    tally = Tally()
    answers = random.Random(seed)  # noqa: S311 - a repeatable simulation, not a secret
    for story in courses:
        days = schedules.get(story["input"]["procedure"])
        if not days or story["input"]["procedure"] not in kb.procedures:
            continue
        tally.patients += 1
        _course(kb, story, days, tally, answers, answer_rate)
    return tally
