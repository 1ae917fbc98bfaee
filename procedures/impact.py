"""What a release changes, before it goes live: every story under the current release and under
the candidate, and every emergency or urgent sign or rule the candidate weakens.

Pure Python over two release datas and the stories (procedures/stories.py): the impact page in
the admin, the publish gate (services.check_release) and the safety case read it.

A story *fails* as the vignette audit counts a miss: its level is not the gold level, or none of
its gold complications is among the first three. Failures the current release already had are
kept apart from new ones, so a reviewer sees what this release breaks.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .kb_schema import SECTIONS, walk
from .triage import LEVEL_RANK, KnowledgeBase, assess
from .triage.scales import EMERGENCY
from .validation import parse_answers

TOP = 3  # a gold complication must be among the first three causes, as in the vignette audit
STRONG_LEVELS = {level for level, rank in LEVEL_RANK.items() if rank >= LEVEL_RANK["urgent"]}


@dataclass(frozen=True)
class Answer:
    """What the engine answers a story: its level and first causes (None: the story's answers do
    not fit that knowledge base, e.g. a procedure it does not have yet)."""

    level: str | None
    top: tuple[str, ...] = ()


@dataclass(frozen=True)
class StoryImpact:
    id: str
    story: str
    procedure: str
    gold: str
    gold_complications: tuple[str, ...]
    before: Answer
    after: Answer

    def fails(self, answer: Answer) -> bool:
        if answer.level is None:
            return True
        wrong_cause = bool(self.gold_complications) and not set(self.gold_complications) & set(answer.top)
        return answer.level != self.gold or wrong_cause

    @property
    def changed(self) -> bool:
        return self.before != self.after

    @property
    def newly_under_triaged(self) -> bool:
        """Lower than before, and below the gold level: the dangerous change."""
        return _rank(self.after) < LEVEL_RANK[self.gold] and _rank(self.after) < _rank(self.before)

    @property
    def newly_over_triaged(self) -> bool:
        return _rank(self.after) > LEVEL_RANK[self.gold] and _rank(self.after) > _rank(self.before)

    @property
    def changed_complications(self) -> bool:
        return self.before.level is not None and self.before.top != self.after.top

    @property
    def new_failure(self) -> bool:
        """Fails now, and did not before or could not be asked before (a new procedure's story)."""
        return self.fails(self.after) and not self.existing_failure

    @property
    def existing_failure(self) -> bool:
        return self.before.level is not None and self.fails(self.after) and self.fails(self.before)

    @property
    def fixed(self) -> bool:
        return self.fails(self.before) and not self.fails(self.after)


def _rank(answer: Answer) -> int:
    # A story the knowledge base cannot answer counts as the lowest level: never as safe.
    return LEVEL_RANK[answer.level] if answer.level is not None else -1


@dataclass(frozen=True)
class Weakening:
    """An emergency or urgent sign, rule or link that the candidate lowers, narrows or removes."""

    table: str  # kb_schema table name: warning_sign, rule, link, complication
    key: tuple[Any, ...]
    before: str
    after: str  # a level, or "removed", or "narrowed" (applies to fewer procedures)

    @property
    def change(self) -> str:
        """Names this weakening exactly: what a sign-off (WeakeningSignOff.change) refers to."""
        return f"{self.table} {'/'.join(map(str, self.key))}: {self.before} → {self.after}"


@dataclass
class Impact:
    stories: list[StoryImpact] = field(default_factory=list)
    weakenings: list[Weakening] = field(default_factory=list)

    def _where(self, attribute: str) -> list[StoryImpact]:
        return [s for s in self.stories if getattr(s, attribute)]

    @property
    def changed(self) -> list[StoryImpact]:
        return self._where("changed")

    @property
    def newly_under_triaged(self) -> list[StoryImpact]:
        return self._where("newly_under_triaged")

    @property
    def newly_over_triaged(self) -> list[StoryImpact]:
        return self._where("newly_over_triaged")

    @property
    def changed_complications(self) -> list[StoryImpact]:
        return self._where("changed_complications")

    @property
    def new_failures(self) -> list[StoryImpact]:
        return self._where("new_failure")

    @property
    def existing_failures(self) -> list[StoryImpact]:
        return self._where("existing_failure")

    @property
    def fixed(self) -> list[StoryImpact]:
        return self._where("fixed")


def answer(kb: KnowledgeBase, story: Mapping[str, Any]) -> Answer:
    answers, _errors = parse_answers(kb, story.get("input"))
    if answers is None:
        return Answer(None)
    outcome = assess(kb, answers)
    return Answer(outcome.urgency, tuple(c.slug for c in outcome.complications[:TOP]))


def release_impact(current: Mapping[str, Any], candidate: Mapping[str, Any], stories: Iterable[dict]) -> Impact:
    """Every story under `current` and `candidate` (release datas), and the weakened signs and rules."""
    before_kb = KnowledgeBase.from_dict(current, version="current")
    after_kb = KnowledgeBase.from_dict(candidate, version="candidate")
    impact = Impact(weakenings=weakenings(current, candidate))
    for story in stories:
        expect = story["expect"]
        impact.stories.append(
            StoryImpact(
                id=str(story.get("id", "?")),
                story=str(story.get("story", "")),
                procedure=str((story.get("input") or {}).get("procedure", "")),
                gold=expect["urgency"],
                gold_complications=tuple(expect.get("complications_any_of") or ()),
                before=answer(before_kb, story),
                after=answer(after_kb, story),
            )
        )
    return impact


# --- Weakened signs and rules -----------------------------------------------------------------

# The level each kind of row forces, and the list of procedures it is kept away from.
_LEVEL_FIELD = {"warning_sign": "urgency", "rule": "urgency", "link": "urgency", "complication": "default_urgency"}
_EXCEPTIONS_FIELD = {"warning_sign": "except_procedures", "rule": "except_procedures"}


def _levelled_rows(data: Mapping[str, Any]) -> dict[tuple[str, tuple], dict]:
    return {
        (table.name, table.node_key(node, parent)): node
        for table, node, parent in walk((table, data.get(table.section, [])) for table in SECTIONS)
        if table.name in _LEVEL_FIELD
    }


def weakenings(current: Mapping[str, Any], candidate: Mapping[str, Any]) -> list[Weakening]:
    """Emergency and urgent rows of `current` that `candidate` lowers, removes, or keeps away from
    more procedures (a rule limited to fewer procedures counts too)."""
    before, after = _levelled_rows(current), _levelled_rows(candidate)
    found = []
    for (table, key), old in before.items():
        level = old.get(_LEVEL_FIELD[table])
        if level not in STRONG_LEVELS:
            continue
        new = after.get((table, key))
        change = _weakened(table, old, new, level)
        if change is not None:
            found.append(Weakening(table, key, level, change))
    return found


def _weakened(table: str, old: Mapping[str, Any], new: Mapping[str, Any] | None, level: str) -> str | None:
    if new is None:
        return "removed"
    new_level = new.get(_LEVEL_FIELD[table])
    if LEVEL_RANK.get(new_level, -1) < LEVEL_RANK[level]:
        return str(new_level)
    exceptions = _EXCEPTIONS_FIELD.get(table)
    if exceptions and set(new.get(exceptions) or ()) - set(old.get(exceptions) or ()):
        return "narrowed"
    old_only, new_only = set(old.get("procedures") or ()), set(new.get("procedures") or ())
    if table == "rule" and new_only and (not old_only or old_only - new_only):
        return "narrowed"
    return None


def is_emergency(level: str | None) -> bool:
    return level == EMERGENCY.value
