"""Every story of every vignette suite, as a result page in English and in Spanish, read as a patient
reads it:

- no locale fact is written out: with EMERGENCY_NUMBER=112 no page says "911" or shows a placeholder;
- no page gives both sides of a conflicting-advice pair (procedures/advice_conflicts.py);
- the reading age is at most 12 (procedures/readability.py, textstat);
- a care card: one call button, at most five "call … if …" lines, at most three causes, and an
  emergency shows nothing that competes with its one action (no "call … if" list, no contact form).

The reading ages per level and language are written to test-artifacts/result-wording.json.
"""

from __future__ import annotations

import json
import os
import re
import statistics
from collections import defaultdict
from pathlib import Path

import pytest
from django.conf import settings

from procedures.advice_conflicts import conflicts_in
from procedures.care_card import MAX_CALL_IF, MAX_CAUSES
from procedures.readability import TARGET_READING_AGE, reading_age

from .result_pages import patient_text, start_session, stories

ARTIFACTS = Path(os.environ.get("ARTIFACTS_DIR", Path(settings.BASE_DIR) / "test-artifacts"))
REPORT: dict[str, dict] = {}

# "911" as a number of its own (not inside a timestamp's microseconds).
_NINE_ONE_ONE = re.compile(r"(?<![\w.:-])911(?![\w])")
_PLACEHOLDERS = ("{emergency_number}", "{clinic_name}", "{clinic_phone}", "{answer_minutes}")


def _fact_leaks(text: str) -> list[str]:
    placeholders = [fact for fact in _PLACEHOLDERS if fact in text]
    return [*(["911"] if _NINE_ONE_ONE.search(text) else []), *placeholders]


@pytest.fixture
def emergency_112(settings):
    settings.EMERGENCY_NUMBER = "112"
    settings.CLINIC_NAME = "Clínica Prueba"
    settings.CLINIC_PHONE = "+34 600 000 000"


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "es"])
def test_every_result_page_reads_as_one_plain_care_card(client, emergency_112, language):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    for path in ("/", "/check/"):
        assert _fact_leaks(client.get(path).content.decode()) == [], path
    ages: dict[str, list[float]] = defaultdict(list)
    words: dict[str, list[int]] = defaultdict(list)
    problems: list[str] = []
    all_stories = stories()
    assert len(all_stories) > 800
    for story in all_stories:
        start_session(client, story["input"])
        response = client.get("/check/result/")
        assert response.status_code == 200, story["id"]
        html = response.content.decode()
        card, spec = response.context["card"], response.context["level"]
        text = patient_text(html)
        age = reading_age(text, language)
        ages[spec.value].append(age)
        words[spec.value].append(len(text.split()))
        where = f"{story['id']} ({spec.value})"
        problems += [f"{where}: says {leak}" for leak in _fact_leaks(html)]
        problems += [f"{where}: {name}: {one!r} / {other!r}" for name, one, other in conflicts_in([text], language)]
        if age > TARGET_READING_AGE:
            problems.append(f"{where}: reading age {age}")
        if len(card.call_if) > MAX_CALL_IF or len(card.causes) > MAX_CAUSES:
            problems.append(f"{where}: {len(card.call_if)} call-if lines, {len(card.causes)} causes")
        if html.count('class="btn btn-lg call-button') > 1:
            problems.append(f"{where}: more than one call button")
        if spec.calls_emergency_number:
            if card.call_if or 'id="contact"' in html:
                problems.append(f"{where}: an emergency with something competing with its action")
            if card.action.call is None or card.action.call.number not in ("112", "+34 600 000 000"):
                problems.append(f"{where}: an emergency without its call button")
    REPORT[language] = {
        level: {
            "pages": len(values),
            "reading_age_median": statistics.median(values),
            "reading_age_max": max(values),
            "words_median": statistics.median(words[level]),
            "words_max": max(words[level]),
        }
        for level, values in sorted(ages.items())
    }
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "result-wording.json").write_text(json.dumps(REPORT, indent=2))
    assert problems == []


# The detector itself must catch what the issue found on real pages (a test that cannot fail is no test).
@pytest.mark.parametrize(
    ("language", "one", "other", "pair"),
    [
        ("en", "Do not put ice on the area.", "Press gently with a cold pack for 10 minutes.", "cold"),
        (
            "en",
            "Call 911 now.",
            "Phone your injector first: they hold the antidote, call them now.",
            "where to go first",
        ),
        ("en", "Do not drive, do not eat or drink.", "You can drive yourself to the clinic.", "driving"),
        ("es", "No ponga hielo en la zona.", "Póngase hielo envuelto en un paño.", "cold"),
        ("es", "No maneje.", "Maneje con cuidado hasta la clínica.", "driving"),
    ],
)
def test_the_detector_finds_each_side_of_a_pair(language, one, other, pair):
    assert pair in [name for name, *_ in conflicts_in([one, other], language)]
    assert conflicts_in([one], language) == [] or pair not in [name for name, *_ in conflicts_in([one], language)]


def test_a_condition_is_not_an_instruction():
    # "Call 911 if …" beside "phone your injector now" is not a contradiction: one is conditional.
    said = ["Phone the person who injected you right now.", "Call 911 if you also lose vision."]
    assert conflicts_in(said, "en") == []


def test_reading_age_tells_plain_from_dense_words():
    plain = "Call the clinic today. They can look at the skin. Keep it clean and dry."
    dense = (
        "Subsequent to intravascular administration, compromised microcirculatory perfusion necessitates "
        "expeditious hyaluronidase administration notwithstanding diagnostic uncertainty."
    )
    assert reading_age(plain, "en") <= TARGET_READING_AGE < reading_age(dense, "en")
    assert reading_age("Llame hoy a la clínica. Mantenga la piel limpia.", "es") <= TARGET_READING_AGE
    assert (
        reading_age(
            "Posteriormente a la administración intravascular, la microcirculación comprometida "
            "requiere administración expeditiva de hialuronidasa.",
            "es",
        )
        > TARGET_READING_AGE
    )
