"""Test stories (vignettes): where the publish gate finds them, and loading suites into the admin.

A story has one shape everywhere: the JSON of the suites (shared/vignettes/README.md),
`{"id", "story", "input", "expect": {"urgency", "complications_any_of"}, ...}`. Stories come from
two places: the suite files of settings.PUBLISH_GATE_VIGNETTES and the `Vignette` rows staff edit
in the admin. A row replaces the file's story with the same id, so once a suite is loaded
(`manage.py load_vignettes`) the admin is where its stories are changed.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction

from .models import Complication, Procedure, Vignette

Story = dict[str, Any]

# The keys of a story that have fields of their own on Vignette; any other key is kept in `extra`.
_OWN_KEYS = {"id", "story", "input", "expect"}


def story_of(vignette: Vignette) -> Story:
    """A story row in the suites' JSON shape (gold complications must be prefetched)."""
    return {
        **vignette.extra,
        "id": vignette.slug,
        "story": vignette.story,
        "input": vignette.answers,
        "expect": {
            "urgency": vignette.gold_level,
            "complications_any_of": sorted(c.slug for c in vignette.gold_complications.all()),
        },
        "author": vignette.author,
    }


def stored_stories() -> list[Story]:
    """Every story edited in the admin (two queries: the stories, their gold complications)."""
    rows = Vignette.objects.prefetch_related("gold_complications").order_by("slug")
    return [story_of(row) for row in rows]


def suite_files() -> list[Path]:
    return [path for path in map(Path, settings.PUBLISH_GATE_VIGNETTES) if path.is_file()]


def read_suite(path: Path) -> list[Story]:
    return json.loads(path.read_text(encoding="utf-8"))


def gate_stories() -> tuple[list[Story], list[str]]:
    """Every story the publish gate runs, and where they came from: the suite files, with the
    stories edited in the admin replacing those with the same id and added after them."""
    stored = {story["id"]: story for story in stored_stories()}
    stories: list[Story] = []
    files = suite_files()
    for path in files:
        stories.extend(stored.pop(s["id"], s) for s in read_suite(path))
    places = [str(path) for path in files]
    if stored:
        stories.extend(stored.values())
        places.append("test stories in the admin")
    return stories, places


# --- Loading suites into the admin ------------------------------------------------------------


@dataclass
class StoriesLoaded:
    created: int = 0
    updated: int = 0
    skipped: list[str] | None = None  # ids naming a procedure or complication the working copy lacks


@transaction.atomic
def load_stories(stories: Iterable[Story], *, source: str, author: str) -> StoriesLoaded:
    """Create or update a Vignette per story (by id). A story whose procedure or gold complication
    is not in the working copy is skipped and reported, never half-loaded."""
    procedures = {p.slug: p for p in Procedure.objects.all()}
    complications = {c.slug: c for c in Complication.objects.all()}
    loaded = StoriesLoaded(skipped=[])
    for story in stories:
        answers = dict(story.get("input") or {})
        procedure = procedures.get(answers.get("procedure"))
        gold = story["expect"].get("complications_any_of") or []
        if procedure is None or any(slug not in complications for slug in gold):
            loaded.skipped.append(str(story.get("id")))
            continue
        _, created = _save_story(story, answers, procedure, [complications[slug] for slug in gold], source, author)
        loaded.created += created
        loaded.updated += not created
    return loaded


def _save_story(
    story: Story, answers: dict, procedure: Procedure, gold: list[Complication], source: str, author: str
) -> tuple[Vignette, bool]:
    extra = {k: v for k, v in story.items() if k not in _OWN_KEYS | {"author"}}
    citation = (story.get("source") or {}).get("citation", "") if isinstance(story.get("source"), dict) else ""
    row, created = Vignette.objects.update_or_create(
        slug=story["id"],
        defaults={
            "procedure": procedure,
            "story": story.get("story", ""),
            "answers": answers,
            "gold_level": story["expect"]["urgency"],
            "author": story.get("author") or author,
            "source": (citation or source)[:300],
            "extra": extra,
        },
    )
    row.gold_complications.set(gold)
    return row, created
