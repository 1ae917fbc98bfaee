"""Test stories in the release review: which stories changed since the latest release, who changed
them, and which changes weaken the safety check.

Stories (`Vignette`, procedures/stories.py) count in the publish gate as soon as they are saved,
so a story edit is reviewed with the release that follows it: the review page and the safety case
list every story added, changed or removed since the latest release, with the people who changed
it (from the story's history), and publishing needs a second person for them (two-person rule).

A story is compared as the gate runs it (a story edited in the admin replaces the suite file's
story with the same id), before (at the latest release, from the history) and now. Lowering a
story's gold level, or removing an emergency or urgent story, makes the gate accept less: it is a
weakening (procedures/impact.py, `Weakening`), with a written reason and a second clinical
reviewer (`WeakeningSignOff`), like demoting a warning sign.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.contrib.auth import get_user_model

from .impact import STRONG_LEVELS, Weakening
from .models import KnowledgeBaseRelease, Vignette
from .stories import Story, read_suite, story_of, suite_files
from .triage import LEVEL_RANK

ADDED, CHANGED, REMOVED = "added", "changed", "removed"


@dataclass(frozen=True)
class StoryChange:
    """A story as the gate ran it at the latest release (`before`) and as it runs now (`after`);
    None where it did not exist."""

    id: str
    before: Story | None
    after: Story | None
    changed_by: tuple[int, ...]  # user ids, from the story's history since the release
    changed_by_names: tuple[str, ...]

    @property
    def kind(self) -> str:
        return ADDED if self.before is None else REMOVED if self.after is None else CHANGED

    @property
    def gold_before(self) -> str | None:
        return _gold(self.before)

    @property
    def gold_after(self) -> str | None:
        return _gold(self.after)

    @property
    def procedure(self) -> str:
        story = self.after or self.before or {}
        return str((story.get("input") or {}).get("procedure", ""))

    @property
    def weakening(self) -> Weakening | None:
        """A lower gold level, or an emergency or urgent story removed."""
        before, after = self.gold_before, self.gold_after
        if before is None:
            return None
        if after is None:
            return Weakening("story", (self.id,), before, "removed") if before in STRONG_LEVELS else None
        if LEVEL_RANK[after] < LEVEL_RANK[before]:
            return Weakening("story", (self.id,), before, after)
        return None


def _gold(story: Story | None) -> str | None:
    return story["expect"]["urgency"] if story is not None else None


def _gist(story: Story | None) -> tuple | None:
    """What the gate runs of a story (its authorship and source are not a change of it)."""
    if story is None:
        return None
    expect = story["expect"]
    return (story.get("story"), story.get("input"), expect["urgency"], sorted(expect.get("complications_any_of") or ()))


def latest_release_time() -> datetime | None:
    """When the latest release was published (None: never), without reading its data."""
    return KnowledgeBaseRelease.objects.order_by("-version").values_list("created_at", flat=True).first()


def changes_since_latest_release(stories_now: Iterable[Story] | None = None) -> list[StoryChange]:
    """Every story added, changed or removed since the latest release (see story_changes)."""
    return story_changes(latest_release_time(), stories_now)


def story_changes(since: datetime | None, stories_now: Iterable[Story] | None = None) -> list[StoryChange]:
    """Every story whose run in the gate differs from the one at `since` (None: no release yet, so
    every story edited in the admin), with who changed it. `stories_now`: the gate's stories now
    (procedures/stories.gate_stories()), when the caller has them already. Three queries, and the
    suite files read when a story edited in the admin replaces or gives way to one of theirs."""
    later = Vignette.history.all() if since is None else Vignette.history.filter(history_date__gt=since)
    touched = list(later.values_list("id", "slug", "history_user_id"))
    if not touched:
        return []
    baseline = {} if since is None else _stories_as_of(since, {pk for pk, _slug, _user in touched})
    users: dict[str, set[int]] = defaultdict(set)
    for pk, slug, user in touched:
        if user is not None:
            users[slug].add(user)
            if pk in baseline:  # its id then, if it was renamed since
                users[baseline[pk]["id"]].add(user)
    then = {story["id"]: story for story in baseline.values()}
    slugs = {slug for _pk, slug, _user in touched} | set(then)
    now = _stories_now(slugs, stories_now)
    files: dict[str, Story] | None = None

    def in_files(slug: str) -> Story | None:
        nonlocal files
        files = _file_stories() if files is None else files
        return files.get(slug)

    names = _names(set().union(*users.values()))
    changes = []
    for slug in sorted(slugs):
        before = then.get(slug) or in_files(slug)
        after = now.get(slug) or (in_files(slug) if stories_now is None else None)
        if _gist(before) != _gist(after):
            who = tuple(sorted(users.get(slug, ())))
            changes.append(StoryChange(slug, before, after, who, tuple(sorted(names[u] for u in who))))
    return changes


def _stories_as_of(when: datetime, ids: set[int]) -> dict[int, Story]:
    """The stories with these ids as they were at `when`, by id (gold complications as their
    history recorded them)."""
    latest = Vignette.history.filter(id__in=ids, history_date__lte=when).latest_of_each()
    records = [r for r in latest if r.history_type != "-"]
    gold: dict[int, list[str]] = defaultdict(list)
    for record_id, slug in Vignette.history.model.gold_complications.model.objects.filter(
        history_id__in=[r.history_id for r in records]
    ).values_list("history_id", "complication__slug"):
        gold[record_id].append(slug)
    return {r.id: _story_of_record(r, sorted(gold[r.history_id])) for r in records}


def _story_of_record(record: Any, gold_complications: list[str]) -> Story:
    """A historical story in the suites' JSON shape, as stories.story_of() gives a current one."""
    return {
        **(record.extra or {}),
        "id": record.slug,
        "story": record.story,
        "input": record.answers,
        "expect": {"urgency": record.gold_level, "complications_any_of": gold_complications},
        "author": record.author,
    }


def _stories_now(slugs: set[str], stories_now: Iterable[Story] | None) -> dict[str, Story]:
    if stories_now is not None:
        return {story["id"]: story for story in stories_now if story["id"] in slugs}
    rows = Vignette.objects.filter(slug__in=slugs).prefetch_related("gold_complications")
    return {row.slug: story_of(row) for row in rows}


def _file_stories() -> dict[str, Story]:
    return {story["id"]: story for path in suite_files() for story in read_suite(path)}


def _names(user_ids: set[int]) -> dict[int, str]:
    if not user_ids:
        return {}
    return {
        user.pk: user.get_full_name() or user.get_username()
        for user in get_user_model().objects.filter(pk__in=user_ids)
    }


def stories_changed_by(user: Any) -> list[str]:
    """The stories `user` changed since the latest release: the two-person rule keeps them from
    publishing the release that approves their own change (one query, and the release's date)."""
    since = latest_release_time()
    records = Vignette.history.filter(history_user=user)
    if since is not None:
        records = records.filter(history_date__gt=since)
    return sorted(set(records.values_list("slug", flat=True)))


def by_kind(changes: Iterable[StoryChange]) -> Mapping[str, list[StoryChange]]:
    grouped: dict[str, list[StoryChange]] = {ADDED: [], CHANGED: [], REMOVED: []}
    for change in changes:
        grouped[change.kind].append(change)
    return grouped
