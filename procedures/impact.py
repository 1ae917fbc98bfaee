"""What a release changes, before it goes live: every story under the current release and under
the candidate, and everything the candidate weakens: emergency and urgent signs, rules, links and
complications, risk-factor effects, and the test stories themselves.

Pure Python over two release datas and the stories (procedures/stories.py), except for the test
stories changed since the latest release, which procedures/story_review.py reads from their history
when the caller does not give them: the impact page in the admin, the publish gate
(services.check_release) and the safety case read it.

A story *fails* as the vignette audit counts a miss: its level is not the gold level, or none of
its gold complications is among the first three. Failures the current release already had are
kept apart from new ones, so a reviewer sees what this release breaks.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .kb_schema import SECTIONS, walk
from .triage import LEVEL_RANK, KnowledgeBase, assess
from .triage.scales import EMERGENCY
from .validation import parse_answers

if TYPE_CHECKING:
    from .story_review import StoryChange

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
    """Content the candidate makes less safe: an emergency or urgent sign, rule, link or
    complication lowered, narrowed or removed; a risk factor's effect weakened; a test story's
    gold level lowered or an emergency or urgent story removed (procedures/story_review.py)."""

    table: str  # kb_schema table name (warning_sign, rule, link, complication, risk_effect), or "story"
    key: tuple[Any, ...]
    before: str  # what it did: a level, "floor urgent", "raise 1"…
    after: str  # what it does now: a level, "removed", "narrowed" (fewer procedures), "floor soon"…

    @property
    def change(self) -> str:
        """Names this weakening exactly: what a sign-off (WeakeningSignOff.change) refers to."""
        return f"{self.table} {'/'.join(map(str, self.key))}: {self.before} → {self.after}"


@dataclass
class Impact:
    stories: list[StoryImpact] = field(default_factory=list)
    weakenings: list[Weakening] = field(default_factory=list)
    story_changes: list[StoryChange] = field(default_factory=list)  # test stories edited since the release

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


def release_impact(
    current: Mapping[str, Any],
    candidate: Mapping[str, Any],
    stories: Iterable[dict],
    story_changes: Iterable[StoryChange] | None = None,
) -> Impact:
    """Every story under `current` and `candidate` (release datas), and what the candidate weakens.

    `story_changes`: the test stories added, changed or removed since the latest release; None
    reads them from the stories' history (procedures/story_review.py). A story whose gold level
    is lowered, or an emergency or urgent story removed, is a weakening too.
    """
    stories = list(stories)
    if story_changes is None:
        from .story_review import changes_since_latest_release  # it builds on this module

        story_changes = changes_since_latest_release(stories)
    story_changes = list(story_changes)
    before_kb = KnowledgeBase.from_dict(current, version="current")
    after_kb = KnowledgeBase.from_dict(candidate, version="candidate")
    impact = Impact(
        weakenings=weakenings(current, candidate) + [c.weakening for c in story_changes if c.weakening],
        story_changes=story_changes,
    )
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


# --- Weakened signs, rules, links, complications and risk-factor effects -------------------------
# Each table whose rows force or raise a level has a check: what a candidate row does less than
# the current one, as (what it did, what it does now) pairs. A pair names the weakening in a
# sign-off, so the words are fixed: a level, "removed", "narrowed" (applies to fewer procedures
# or complications), "floor <level>", "raise <steps>".

Check = Callable[[Mapping[str, Any], Mapping[str, Any] | None], list[tuple[str, str]]]

# The level each kind of levelled row forces, and the list of procedures it is kept away from.
_LEVEL_FIELD = {"warning_sign": "urgency", "rule": "urgency", "link": "urgency", "complication": "default_urgency"}
_EXCEPTIONS_FIELD = {"warning_sign": "except_procedures", "rule": "except_procedures"}


def _levelled(table: str) -> Check:
    """An emergency or urgent sign, rule, link or complication: a lower level, removed, or kept
    away from more procedures (a rule limited to fewer procedures counts too)."""

    def check(old: Mapping[str, Any], new: Mapping[str, Any] | None) -> list[tuple[str, str]]:
        level = old.get(_LEVEL_FIELD[table])
        if level not in STRONG_LEVELS:
            return []
        if new is None:
            return [(level, "removed")]
        new_level = new.get(_LEVEL_FIELD[table])
        if LEVEL_RANK.get(new_level, -1) < LEVEL_RANK[level]:
            return [(level, str(new_level))]
        exceptions = _EXCEPTIONS_FIELD.get(table)
        if exceptions and set(new.get(exceptions) or ()) - set(old.get(exceptions) or ()):
            return [(level, "narrowed")]
        if table == "rule" and _fewer_procedures(old, new):
            return [(level, "narrowed")]
        return []

    return check


def _fewer_procedures(old: Mapping[str, Any], new: Mapping[str, Any]) -> bool:
    """Limited to fewer procedures: an empty list means every procedure."""
    old_only, new_only = set(old.get("procedures") or ()), set(new.get("procedures") or ())
    return bool(new_only) and (not old_only or bool(old_only - new_only))


def _effect_strength(effect: Mapping[str, Any]) -> str:
    """What a risk factor's effect does that keeps patients safe: an urgent or emergency floor,
    levels it raises, its own words for when the first place cannot be reached ('' for none)."""
    parts = []
    if effect.get("floor") in STRONG_LEVELS:
        parts.append(f"floor {effect['floor']}")
    if effect.get("raise_steps"):
        parts.append(f"raise {effect['raise_steps']}")
    if effect.get("route_fallback"):
        parts.append("fallback words")
    return ", ".join(parts)


def _risk_effect(old: Mapping[str, Any], new: Mapping[str, Any] | None) -> list[tuple[str, str]]:
    """A risk factor's effect (contract 1.1, brief 8.2) that raises levels, sets an urgent or
    emergency floor or gives fallback words: removed (with its risk factor too), a lower floor,
    fewer levels raised, fewer procedures or complications, or its fallback words removed."""
    strength = _effect_strength(old)
    if not strength:
        return []
    if new is None:
        return [(strength, "removed")]
    found = []
    floor = old.get("floor") or ""
    if floor in STRONG_LEVELS and LEVEL_RANK.get(new.get("floor") or "", -1) < LEVEL_RANK[floor]:
        found.append((f"floor {floor}", f"floor {new.get('floor') or 'none'}"))
    if (new.get("raise_steps") or 0) < (old.get("raise_steps") or 0):
        found.append((f"raise {old['raise_steps']}", f"raise {new.get('raise_steps') or 0}"))
    fewer_complications = set(old.get("complications") or ()) - set(new.get("complications") or ())
    if fewer_complications or _fewer_procedures(old, new):
        found.append((strength, "narrowed"))
    if old.get("route_fallback") and not new.get("route_fallback"):
        found.append(("fallback words", "removed"))
    return found


CHECKS: dict[str, Check] = {
    **{table: _levelled(table) for table in _LEVEL_FIELD},
    "risk_effect": _risk_effect,
}
"""The kb_schema tables whose rows can be weakened, each with its check."""


def _checked_rows(data: Mapping[str, Any]) -> dict[tuple[str, tuple], dict]:
    return {
        (table.name, table.node_key(node, parent)): node
        for table, node, parent in walk((table, data.get(table.section, [])) for table in SECTIONS)
        if table.name in CHECKS
    }


def weakenings(current: Mapping[str, Any], candidate: Mapping[str, Any]) -> list[Weakening]:
    """Rows of `current` that `candidate` weakens: emergency and urgent signs, rules, links and
    complications lowered, removed or kept away from more procedures, and risk-factor effects
    that raise levels or set an urgent or emergency floor, lowered, removed or narrowed."""
    before, after = _checked_rows(current), _checked_rows(candidate)
    return [
        Weakening(table, key, was, now)
        for (table, key), old in before.items()
        for was, now in CHECKS[table](old, after.get((table, key)))
    ]


def is_emergency(level: str | None) -> bool:
    return level == EMERGENCY.value
