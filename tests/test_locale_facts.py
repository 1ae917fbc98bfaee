"""No locale fact is written into content or wording: with EMERGENCY_NUMBER=112, no patient page and
no API answer says "911", for every story of every vignette suite, in English and Spanish.

The emergency number, the clinic's name and its phone are placeholders in the knowledge base and in
the engine's messages, filled in from settings when a result is shown (procedures/wording.py).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from django.conf import settings

VIGNETTES = sorted((Path(__file__).parent / "vignettes").glob("*.json"))
PUBLIC = settings.SHARED_DIR / "vignettes" / "public.json"


def _stories() -> list[dict]:
    files = [*VIGNETTES, *([PUBLIC] if PUBLIC.is_file() else [])]
    return [story for path in files for story in json.loads(path.read_text(encoding="utf-8"))]


@pytest.fixture
def emergency_112(settings):
    settings.EMERGENCY_NUMBER = "112"
    settings.CLINIC_NAME = "Clínica Prueba"
    settings.CLINIC_PHONE = "+34 600 000 000"


# "911" as a number of its own (not inside a timestamp's microseconds).
_NINE_ONE_ONE = re.compile(r"(?<![\w.:-])911(?![\w])")


def _fact_leaks(text: str) -> list[str]:
    placeholders = [fact for fact in ("{emergency_number}", "{clinic_name}", "{clinic_phone}") if fact in text]
    return [*(["911"] if _NINE_ONE_ONE.search(text) else []), *placeholders]


@pytest.mark.django_db
def test_no_api_answer_says_911_when_the_number_is_112(client, emergency_112):
    stories = _stories()
    assert len(stories) > 800
    said_112 = 0
    for story in stories:
        response = client.post("/api/v1/assessments", json.dumps(story["input"]), content_type="application/json")
        assert response.status_code == 200, story["id"]
        text = response.content.decode()
        assert _fact_leaks(text) == [], story["id"]
        said_112 += "112" in text
    assert said_112 > 50  # the emergency answers do name the number, as 112


# The result pages of every story, in English and Spanish, are checked for the same in
# tests/test_result_wording.py, which reads each page once for several checks.
