"""The patient's journeys in a real browser, at a phone and a desktop size.

Every page and state a patient sees is checked by axe-core (no serious or critical problems),
weighed (under 150 KB, nothing from outside the app) and photographed under
test-artifacts/screenshots/.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from procedures.wording import level_title
from tests.patient_stories import BREATHING, DUSKY_SKIN, EXPECTED_REDNESS, INFECTION, NUMBNESS, Story

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

VIEWPORT_NAMES = ("phone", "desktop")


def _at(page, path: str) -> None:
    """Wait until the page shows `path` (a fragment left over from an error link may follow)."""
    page.wait_for_url(lambda url: urlsplit(url).path == path)


START = "main form[action='/check/restart/'] button"


def _start(patient, *, check: bool = True) -> None:
    patient.goto("/")
    if check:
        patient.shown("home")
    with patient.page.expect_navigation():
        patient.tap(START)
    _at(patient.page, "/check/")
    if check:
        patient.shown("step 1 emergency check")


def _tick_symptom(patient, slug: str) -> None:
    """Tick a symptom, opening "More symptoms" first when it waits there."""
    box = patient.page.locator(f"#symptom-{slug}")
    if not box.is_visible():
        patient.tap("details.more-symptoms > summary")
    patient.tap(f"label[for='symptom-{slug}']")


def _answer_by_pointer(patient, story: Story, name: str, *, check: bool = True) -> None:
    page = patient.page
    for slug in story.red_flags:
        patient.tap(f"label[for='{page.locator(f'input[name=red_flags][value={slug!r}]').get_attribute('id')}']")
    if not story.red_flags:
        patient.tap("label[for='id_none_of_these']")
    patient.submit()
    if story.red_flags:
        _at(page, "/check/result/")
        return
    _at(page, "/check/treatment/")
    if check:
        patient.shown("step 2 treatment")
    procedure = page.locator(f"input[name=procedure][value='{story.procedure}']").get_attribute("id")
    patient.tap(f"label[for='{procedure}']")
    patient.tap("#id_days_ago")
    page.locator("#id_days_ago").fill(str(story.days_ago))
    if story.area:
        patient.tap("#id_area")
        page.locator("#id_area").select_option(story.area)
        patient.taps += 1  # choosing the option is a second tap
    patient.submit()
    _at(page, "/check/symptoms/")
    if check:
        patient.shown("step 3 symptoms")
    for slug in story.symptoms:
        _tick_symptom(patient, slug)
    if not story.symptoms:
        patient.tap("label[for='id_nothing_to_report']")
    if story.trend:
        trend = page.locator(f"input[name=trend][value='{story.trend}']").get_attribute("id")
        patient.tap(f"label[for='{trend}']")
    patient.submit()
    if patient.path() == "/check/more/":
        if check:
            patient.shown("step 3 follow-up questions")
        patient.submit()  # optional questions: left unanswered here
    _at(page, "/check/result/")


@pytest.mark.parametrize("viewport", VIEWPORT_NAMES)
def test_emergency_through_the_red_flag_screen(browser, viewport):
    patient = browser.open(viewport)
    _start(patient)
    _answer_by_pointer(patient, BREATHING, "emergency")
    patient.shown("emergency screen")
    page = patient.page
    assert page.locator("h1").inner_text() == "Call 911 now"
    assert page.locator(".level-kicker").inner_text().lower() == "level: emergency"
    call = page.locator("main a[href='tel:911']").first
    assert call.is_visible()
    box = call.bounding_box()
    assert box["height"] >= 44, "the call button is a comfortable tap target"


@pytest.mark.parametrize("viewport", VIEWPORT_NAMES)
@pytest.mark.parametrize("story", [INFECTION, EXPECTED_REDNESS], ids=lambda s: s.name)
def test_questionnaire_to_result(browser, viewport, story):
    patient = browser.open(viewport)
    _start(patient)
    _answer_by_pointer(patient, story, story.name)
    patient.shown(f"result {story.name}")
    page = patient.page
    assert page.locator("h1").inner_text() == level_title(story.level, "en")
    # The level is said in words, not by colour alone: the heading names it.
    assert story.level.replace("_", "-").split("-")[0] in page.locator("h1").inner_text().lower()
    timeline = page.locator(".tl")
    assert timeline.is_visible()
    assert page.locator(".tl-today-label").inner_text() == f"Today (day {story.days_ago})"
    assert page.locator(".tl-row").count() >= 1
    assert page.locator("#timeline-intro").inner_text().startswith("Each bar shows")


@pytest.mark.parametrize("story", [DUSKY_SKIN, NUMBNESS], ids=lambda s: s.name)
def test_the_other_levels_result_pages(browser, story):
    patient = browser.open("phone")
    _start(patient)
    _answer_by_pointer(patient, story, story.name)
    patient.shown(f"result {story.name}")
    assert patient.page.locator("h1").inner_text() == level_title(story.level, "en")


def test_self_care_by_keyboard_only(browser):
    """No mouse at all: Tab to each control, Space to tick, Enter to go on."""
    patient = browser.open("desktop")
    page, story = patient.page, EXPECTED_REDNESS
    patient.goto("/")
    patient.tab_to("a.skip-link")
    patient.press("Enter")
    assert patient.focused() == "main"
    patient.tab_to(START)
    with page.expect_navigation():
        patient.press("Enter")
    _at(page, "/check/")
    patient.tab_to("#id_none_of_these")
    patient.press("Space")
    patient.tab_to("main button[type=submit]")
    with page.expect_navigation():
        patient.press("Enter")
    _at(page, "/check/treatment/")
    # A radio group takes one Tab stop; the arrow keys move within it.
    patient.tab_to("input[name=procedure]")
    for _ in range(40):
        if page.evaluate("() => document.activeElement.value") == story.procedure:
            break
        patient.press("ArrowDown")
    patient.press("Space")
    assert page.locator(f"input[name=procedure][value='{story.procedure}']").is_checked()
    patient.tab_to("#id_days_ago")
    page.keyboard.type(str(story.days_ago))
    patient.keys += len(str(story.days_ago))
    patient.tab_to("#id_area")
    typed = page.locator(f"#id_area option[value='{story.area}']").inner_text()[:4]
    page.keyboard.type(typed)
    patient.keys += len(typed)
    assert page.locator("#id_area").input_value() == story.area
    patient.tab_to("main button[type=submit]")
    with page.expect_navigation():
        patient.press("Enter")
    _at(page, "/check/symptoms/")
    for slug in story.symptoms:
        patient.tab_to(f"#symptom-{slug}")
        patient.press("Space")
    patient.tab_to("input[name=trend]")
    for _ in range(5):
        if page.evaluate("() => document.activeElement.value") == story.trend:
            break
        patient.press("ArrowDown")
    patient.press("Space")
    patient.tab_to("main button[type=submit]")
    with page.expect_navigation():
        patient.press("Enter")
    _at(page, "/check/result/")
    keypresses = patient.keys
    patient.shown("result self-care by keyboard")
    assert page.locator("h1").inner_text() == level_title("self_care", "en")
    patient.tab_to("button[data-print]")
    _record_effort("keyboard-only self-care journey", {"keypresses": keypresses})
    # Target 60 (issue: real patients); measured 97 here, down from about 160. A regression guard:
    assert keypresses <= 100, f"{keypresses} keypresses from home to a self-care result"


def test_error_states_are_announced_and_tied_to_their_fields(browser):
    patient = browser.open("desktop")
    page = patient.page
    patient.goto("/check/")
    patient.submit()
    patient.shown("error step 1 nothing ticked")
    assert patient.focused() == "form-errors", "focus moves to the error summary"
    assert page.locator("fieldset").first.get_attribute("aria-describedby") == "red-flags-error"
    assert page.locator("#id_none_of_these").get_attribute("aria-invalid") == "true"
    page.locator("#form-errors a").first.click()
    assert patient.focused() == "id_red_flags_0", "the summary link goes to the first choice"

    page.locator("input[name=red_flags]").first.check()
    page.locator("#id_none_of_these").check()
    patient.submit()
    patient.shown("error step 1 both ticked")

    page.locator("input[name=red_flags]").first.uncheck()
    patient.submit()
    _at(page, "/check/treatment/")
    patient.submit()
    patient.shown("error step 2 nothing filled in")
    first = page.locator("#id_procedure_0")
    assert first.get_attribute("aria-invalid") == "true"
    described = page.locator("#div_id_procedure fieldset").get_attribute("aria-describedby")
    assert page.locator(f"#{described}").inner_text().strip()
    page.locator("#form-errors a[href='#id_procedure_0']").click()
    assert patient.focused() == "id_procedure_0"

    page.locator("input[name=procedure]").first.check()
    page.locator("#id_treatment_date").fill("2999-01-01")
    patient.submit()
    patient.shown("error step 2 date in the future")
    date = page.locator("#id_treatment_date")
    assert date.get_attribute("aria-invalid") == "true"
    described = " ".join(page.locator(f"#{i}").inner_text() for i in date.get_attribute("aria-describedby").split())
    assert "future" in described

    page.locator("#id_treatment_date").fill("")
    page.locator("#id_days_ago").fill("2")
    patient.submit()
    _at(page, "/check/symptoms/")
    patient.submit()
    patient.shown("error step 3 nothing ticked")
    assert page.locator("#symptoms-error").is_visible()
    assert page.locator("fieldset.symptom-group").first.get_attribute("aria-describedby") == "symptoms-error"

    page.locator("input[name=symptoms]").first.check()
    page.locator("#id_nothing_to_report").check()
    patient.submit()
    patient.shown("error step 3 both ticked")


@pytest.mark.parametrize("story", [BREATHING, INFECTION], ids=lambda s: s.name)
def test_spanish_from_the_browser_language(browser, story):
    patient = browser.open("phone", locale="es-MX")
    page = patient.page
    _start(patient)
    assert page.locator("html").get_attribute("lang") == "es"
    _answer_by_pointer(patient, story, story.name)
    if story.red_flags:
        patient.shown("emergency screen")
        assert page.locator("h1").inner_text() == "Llame al 911 ahora"
    else:
        patient.shown(f"result {story.name}")
        assert page.locator("h1").inner_text() == level_title(story.level, "es")
        assert page.locator(".tl-today-label").inner_text() == f"Hoy (día {story.days_ago})"


def test_language_switcher(browser):
    patient = browser.open("desktop")
    page = patient.page
    patient.goto("/check/")
    english = page.locator(".lang-switch button[value=en]")
    assert english.get_attribute("aria-pressed") == "true"
    patient.tab_to(".lang-switch button[value=es]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    _at(page, "/check/")
    assert page.locator("html").get_attribute("lang") == "es"
    assert page.locator("h1").inner_text() == "Primero, una revisión de emergencia"
    assert page.locator(".lang-switch button[value=es]").get_attribute("aria-pressed") == "true"
    patient.shown("step 1 after switching to Spanish")


# --- The interview's effort, measured (issue: real patients) -------------------------------------

TYPICAL_STORIES = (
    EXPECTED_REDNESS,
    INFECTION,
    NUMBNESS,
    DUSKY_SKIN,
    Story(
        "filler-swelling",
        "self_care",
        procedure="dermal-filler",
        days_ago=2,
        area="lips",
        symptoms=("swelling", "bruising"),
        trend="improving",
    ),
    Story(
        "toxin-headache",
        "self_care",
        procedure="botulinum-toxin",
        days_ago=1,
        area="forehead-brows",
        symptoms=("headache",),
        trend="improving",
    ),
)


def _record_effort(name: str, numbers: dict) -> None:
    """Keep the measurements beside the other artefacts (test-artifacts/interview-effort.json)."""
    import json
    from pathlib import Path

    path = Path("test-artifacts") / "interview-effort.json"
    path.parent.mkdir(exist_ok=True)
    known = json.loads(path.read_text()) if path.is_file() else {}
    known[name] = numbers
    path.write_text(json.dumps(known, indent=1, sort_keys=True) + "\n")


def test_taps_and_phone_screens_for_six_typical_stories(browser):
    """Targets: at most 10 taps (median) from home to a result; the common case's symptoms page
    fits in about 2 phone screens (390×844)."""
    taps = {}
    screens = {}
    for story in TYPICAL_STORIES:
        patient = browser.open("phone")
        _start(patient, check=False)
        page = patient.page
        original_shown = patient.shown

        def measure(state, *, weigh=True, patient=patient, story=story):
            if state == "step 3 symptoms":
                height = patient.page.evaluate("() => document.documentElement.scrollHeight")
                screens[story.name] = round(height / 844, 2)
            return {}

        patient.shown = measure
        _answer_by_pointer(patient, story, story.name, check=True)
        patient.shown = original_shown
        taps[story.name] = patient.taps
        page.context.close()
    ordered = sorted(taps.values())
    median = (ordered[2] + ordered[3]) / 2
    _record_effort("taps from home to result", {**taps, "median": median})
    _record_effort("symptoms page height in phone screens (390x844)", screens)
    # Targets: a median of 10 taps and about 2 phone screens. Measured here: 13 taps (median) and
    # 2.25-2.4 screens; these bounds keep it from getting worse until the interview is shortened.
    assert median <= 13, taps
    assert max(screens.values()) <= 2.6, screens
