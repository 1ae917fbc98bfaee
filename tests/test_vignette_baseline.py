"""Behaviour guard: every vignette gets the same level and top-three complications as recorded.

The baseline (tests/baselines/vignette_answers.json) was recorded before the engine and the
knowledge-base plumbing were restructured, to prove the restructuring changed nothing a patient
sees. It stays as a regression guard: a change that is *meant* to move answers (new clinical
content, calibration on real cases) re-records it with

    UPDATE_VIGNETTE_BASELINE=1 make test

and the diff of that file is reviewed with the change, story by story.
"""

import json
import os
from pathlib import Path

import pytest
from django.conf import settings

from procedures.triage import assess
from procedures.validation import parse_answers

BASELINE = Path(__file__).parent / "baselines" / "vignette_answers.json"
VIGNETTE_FILES = sorted((Path(__file__).parent / "vignettes").glob("*.json"))
PUBLIC = settings.SHARED_DIR / "vignettes" / "public.json"


def _answers_now(kb) -> dict[str, dict[str, dict]]:
    files = [*VIGNETTE_FILES, *([PUBLIC] if PUBLIC.is_file() else [])]
    recorded: dict[str, dict[str, dict]] = {}
    for path in files:
        per_story = {}
        for vignette in json.loads(path.read_text(encoding="utf-8")):
            answers, errors = parse_answers(kb, vignette["input"])
            assert not errors, (path.name, vignette["id"], errors)
            result = assess(kb, answers)
            per_story[vignette["id"]] = {
                "urgency": result.urgency,
                "top3": [finding.slug for finding in result.complications[:3]],
            }
        recorded[path.name] = per_story
    return recorded


@pytest.mark.django_db
def test_every_vignette_answers_as_recorded(kb):
    now = _answers_now(kb)
    if os.environ.get("UPDATE_VIGNETTE_BASELINE"):
        BASELINE.write_text(json.dumps(now, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    recorded = json.loads(BASELINE.read_text(encoding="utf-8"))
    changed = [
        f"{name} {story}: {recorded[name].get(story)} -> {answer}"
        for name, stories in now.items()
        for story, answer in stories.items()
        if name in recorded and recorded[name].get(story) != answer
    ]
    assert not changed, "answers moved from the recorded baseline:\n" + "\n".join(changed)
    # The shared sample is only checked when ../shared is beside the repo; every file of ours must be there.
    optional = set() if PUBLIC.is_file() else {PUBLIC.name}
    assert set(recorded) - optional <= set(now), "a recorded vignette file is missing"
