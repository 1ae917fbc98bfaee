"""Results as care cards, in a real browser at a phone size (and printed):

- the first phone screen holds the level, one action with its call button, and the "call … if" lines;
- an emergency has one action and nothing competing with it;
- the action follows the route and the clinic's settings (closed: the after-hours line);
- each level reads whole in Spanish;
- axe finds no violation of any impact;
- each level prints on one page, answers first.

Screenshots go to test-artifacts/screenshots/, printouts to test-artifacts/printouts/, and the
first-screen words and printed pages per level to test-artifacts/care-cards.json.
"""

from __future__ import annotations

import json
import re
from datetime import time

import pytest
from django.utils import timezone

from procedures.models import ClinicSettings, OpeningHours
from tests.patient_stories import BLOCKED_VESSEL, DUSKY_SKIN, EXPECTED_REDNESS, INFECTION, NUMBNESS, VISION_LOSS

from .test_patient_journeys import _answer_by_pointer, _start

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LEVEL_STORIES = (DUSKY_SKIN, INFECTION, NUMBNESS, EXPECTED_REDNESS)
MEASURED: dict[str, dict] = {}

# Words of <main> a phone shows before any scrolling.
FIRST_SCREEN_WORDS = """() => {
    const walker = document.createTreeWalker(document.querySelector('main'), NodeFilter.SHOW_TEXT);
    let words = 0;
    while (walker.nextNode()) {
        const text = walker.currentNode.textContent.trim();
        if (!text) continue;
        const range = document.createRange();
        range.selectNodeContents(walker.currentNode);
        const box = range.getBoundingClientRect();
        if (box.height > 0 && box.top < innerHeight && box.bottom > 0) words += text.split(/\\s+/).length;
    }
    return words;
}"""


def _result(browser, story, *, locale: str = "en-US"):
    patient = browser.open("phone", locale=locale)
    _start(patient, check=False)
    _answer_by_pointer(patient, story, story.name, check=False)
    return patient


def _on_first_screen(page, selector: str) -> bool:
    box = page.locator(selector).first.bounding_box()
    return box is not None and box["y"] + box["height"] <= page.viewport_size["height"]


def _first_screen(patient, story_name: str) -> None:
    """Count the words a phone shows before scrolling, and keep a picture of just that screen."""
    from .conftest import ARTIFACTS

    folder = ARTIFACTS / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    patient.page.screenshot(path=str(folder / f"first-screen-{patient.tag}-{story_name}.png"))
    _record(f"{story_name} ({patient.tag})", first_screen_words=patient.page.evaluate(FIRST_SCREEN_WORDS))


def _record(story_name: str, **numbers) -> None:
    MEASURED.setdefault(story_name, {}).update(numbers)
    from .conftest import ARTIFACTS

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "care-cards.json").write_text(json.dumps(MEASURED, indent=2))


@pytest.mark.parametrize("story", LEVEL_STORIES, ids=lambda s: s.name)
def test_the_first_phone_screen_holds_the_level_and_one_action(browser, story):
    patient = _result(browser, story)
    patient.shown(f"care card {story.name}", strict=True)
    page = patient.page
    assert _on_first_screen(page, "h1")
    calls = page.locator("main .call-button")
    assert calls.count() <= 1
    if calls.count():
        assert _on_first_screen(page, "main .call-button"), "the call button is on the first screen"
        assert calls.first.bounding_box()["height"] >= 48
    assert page.locator(".call-if li").count() <= 5
    if page.locator(".call-if li").count():
        assert _on_first_screen(page, ".call-if li"), "the first 'call … if' line is on the first screen"
    assert page.locator(".cause").count() <= 3
    _first_screen(patient, story.name)


@pytest.mark.parametrize("story", [DUSKY_SKIN, VISION_LOSS], ids=lambda s: s.name)
def test_an_emergency_has_one_action_and_nothing_competing(browser, story):
    patient = _result(browser, story)
    patient.shown(f"care card {story.name} single action", strict=True)
    page = patient.page
    assert page.locator("main a[href^='tel:']").count() == 1
    assert page.locator("main .call-button").get_attribute("href") == "tel:911"
    assert _on_first_screen(page, "main .call-button")
    assert page.locator("#contact").count() == 0 and page.locator(".call-if").count() == 0
    _first_screen(patient, story.name)


@pytest.fixture
def sunset_clinic(db):
    """Set before the browser starts: the ORM cannot run inside Playwright's event loop."""
    ClinicSettings.objects.create(name="Sunset Aesthetics", daytime_phone="+1 213 555 0142", answer_minutes=10)


@pytest.fixture
def closed_clinic(db):
    clinic = ClinicSettings.objects.create(on_call_phone="+1 213 555 0199", time_zone="UTC")
    tomorrow = (timezone.now().weekday() + 1) % 7
    OpeningHours.objects.create(clinic=clinic, weekday=tomorrow, opens=time(9), closes=time(17))


def test_treating_clinic_now_calls_the_clinic_with_its_answer_time(sunset_clinic, browser):
    patient = _result(browser, BLOCKED_VESSEL)
    patient.shown("care card treating clinic now", strict=True)
    page = patient.page
    assert page.locator("h1").inner_text() == "Emergency: call the clinic that treated you now"
    button = page.locator("main .call-button")
    assert button.get_attribute("href") == "tel:+1 213 555 0142"
    assert "Call Sunset Aesthetics" in button.inner_text()
    assert _on_first_screen(page, "main .call-button")
    assert "If nobody answers within 10 minutes" in page.locator(".action-card").inner_text()
    assert page.locator("#contact").count() == 0
    _first_screen(patient, BLOCKED_VESSEL.name)


def test_an_urgent_result_while_the_clinic_is_closed(closed_clinic, browser):
    patient = _result(browser, INFECTION)
    patient.shown("care card urgent clinic closed", strict=True)
    page = patient.page
    assert "The clinic is closed now. Call its after-hours line." in page.locator(".action-card").inner_text()
    assert page.locator("main .call-button").get_attribute("href") == "tel:+1 213 555 0199"
    assert _on_first_screen(page, "main .call-button")
    _first_screen(patient, "urgent-clinic-closed")


@pytest.mark.parametrize("story", [*LEVEL_STORIES, BLOCKED_VESSEL], ids=lambda s: s.name)
def test_each_level_in_spanish(browser, story):
    patient = _result(browser, story, locale="es-ES")
    patient.shown(f"care card {story.name}", strict=True)
    page = patient.page
    assert page.locator("html").get_attribute("lang") == "es"
    text = page.locator("main").inner_text()
    for english in ("What to do now", "Get help faster", "What it might be", "Your answers", "Most likely", "Call "):
        assert english not in text, f"English left on the Spanish page: {english!r}"
    _first_screen(patient, story.name)


def _pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page(?![s\w])", pdf))


@pytest.mark.parametrize("story", [*LEVEL_STORIES, BLOCKED_VESSEL], ids=lambda s: s.name)
def test_each_level_prints_on_one_page_answers_first(browser, story):
    patient = _result(browser, story)
    page = patient.page
    page.wait_for_load_state("networkidle")
    page.emulate_media(media="print")
    answers, banner = page.locator(".answers").bounding_box(), page.locator(".level-banner").bounding_box()
    assert answers["y"] < banner["y"], "the answers print first"
    said_no = page.locator(".answers").inner_text()
    assert "Said no to" in said_no, "the red flags the patient said they do not have are printed"
    stamp = page.locator(".kb-version").bounding_box()
    assert stamp["y"] > banner["y"], "the date and knowledge-base version come last"
    for hidden in (".lang-switch", "button[data-print]", "a[href='/check/symptoms/']", ".timeline"):
        assert not page.locator(hidden).is_visible(), f"{hidden} should not print"
    from .conftest import ARTIFACTS

    folder = ARTIFACTS / "printouts"
    folder.mkdir(parents=True, exist_ok=True)
    pdf = page.pdf(path=str(folder / f"result-{story.name}.pdf"), format="Letter")
    pages = _pages(pdf)
    _record(f"{story.name} (printed)", level=story.level, printed_pages=pages)
    assert pages == 1, f"{story.name} prints on {pages} pages"


def test_the_page_counter_counts_pages(browser):
    """The one-page check can fail: a long page prints on several."""
    patient = browser.open("desktop")
    patient.page.set_content("<p>" + "<br>".join(["line"] * 400) + "</p>")
    assert _pages(patient.page.pdf(format="Letter")) > 1
