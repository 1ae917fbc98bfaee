"""Every story of every vignette suite as a result page, and the words a patient reads on it.

Shared by the tests that read result pages as a whole: locale facts, conflicting advice, reading
age and the care card's first screen (tests/test_result_wording.py).
"""

from __future__ import annotations

import json
from html.parser import HTMLParser
from pathlib import Path

from django.conf import settings

from procedures.questionnaire import SESSION_KEY

from .session_support import store_in_session

VIGNETTES = sorted((Path(__file__).parent / "vignettes").glob("*.json"))
HOLDOUT = sorted((Path(__file__).parent / "vignettes" / "holdout").glob("*.json"))
PUBLIC = settings.SHARED_DIR / "vignettes" / "public.json"


def stories() -> list[dict]:
    files = [*VIGNETTES, *HOLDOUT, *([PUBLIC] if PUBLIC.is_file() else [])]
    return [story for path in files for story in json.loads(path.read_text(encoding="utf-8"))]


def start_session(client, story_input: dict) -> None:
    """The interview's answers for `story_input`, as if the patient had given them."""
    store_in_session(
        client,
        **{
            SESSION_KEY: {
                "screen": {"red_flags": []},
                "treatment": {
                    "procedure": story_input["procedure"],
                    "days": story_input["days_since_treatment"],
                    "area": story_input.get("area"),
                },
                "symptoms": {"symptoms": list(story_input["symptoms"]), "trend": story_input.get("trend")},
                "followup": {
                    "started_day": story_input.get("symptoms_started_day"),
                    "risk_factors": list(story_input.get("risk_factors", [])),
                    "already_seen": story_input.get("already_seen", False),
                },
            }
        },
    )


_BLOCKS = {"p", "li", "h1", "h2", "h3", "h4", "h5", "dt", "dd", "a", "button", "summary", "th", "td", "label", "div"}
_SKIPPED = {"script", "style", "template", "form", "svg"}


class _PatientText(HTMLParser):
    """The words inside <main> a patient reads as advice: the patient's own answers, the contact
    form and print-only copies are left out. Each block ends a sentence, as a reader pauses there."""

    def __init__(self, skip_classes: frozenset[str]):
        super().__init__()
        self.skip_classes = skip_classes
        self.stack: list[tuple[str, bool]] = []
        self.in_main = False
        self.blocks: list[list[str]] = [[]]

    def _skipping(self) -> bool:
        return any(skip for _, skip in self.stack)

    def handle_starttag(self, tag, attrs):
        if tag == "main":
            self.in_main = True
        if not self.in_main or tag in {"br", "img", "input", "meta", "link", "hr"}:
            return
        classes = set((dict(attrs).get("class") or "").split())
        attributes = dict(attrs)
        hidden = "hidden" in attributes or attributes.get("aria-hidden") == "true"
        skip = tag in _SKIPPED or bool(classes & self.skip_classes) or hidden
        self.stack.append((tag, skip))
        if tag in _BLOCKS:
            self.blocks.append([])

    def handle_endtag(self, tag):
        if tag == "main":
            self.in_main = False
        while self.stack:
            open_tag, _ = self.stack.pop()
            if open_tag == tag:
                break
        if tag in _BLOCKS:
            self.blocks.append([])

    def handle_data(self, data):
        if self.in_main and not self._skipping():
            self.blocks[-1].append(data)

    def text(self) -> str:
        sentences = []
        for block in self.blocks:
            words = " ".join("".join(block).split())
            if words:
                sentences.append(words if words[-1] in ".!?:;" else words + ".")
        return "\n".join(sentences)


def patient_text(html: str, *, skip: frozenset[str] = frozenset({"answers", "print-only", "kb-version"})) -> str:
    parser = _PatientText(skip)
    parser.feed(html)
    return parser.text()
