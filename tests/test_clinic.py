"""The clinic's settings (admin, with the environment as defaults) and how the result adapts to
them: opening hours, the after-hours line, urgent care, the promised answer time, callbacks."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.db import DatabaseError
from django.urls import reverse
from django.utils import timezone

from procedures.care_card import callback_promise
from procedures.clinic import Clinic, OpeningPeriod, current_clinic, default_clinic, forget_cached_clinic
from procedures.models import ClinicSettings, OpeningHours

from .result_pages import start_session
from .test_roles import login

MADRID = ZoneInfo("Europe/Madrid")
WEEKDAYS_9_TO_6 = tuple(OpeningPeriod(day, time(9), time(18)) for day in range(5))
SETTINGS = reverse("admin:procedures_clinicsettings_changelist")

BURN_AFTER_RF = {
    "procedure": "trusculpt-id",
    "days_since_treatment": 1,
    "symptoms": ["blisters", "redness"],
    "area": "arms",
}
BLOCKED_VESSEL = {
    "procedure": "dermal-filler",
    "days_since_treatment": 0,
    "symptoms": ["skin-blanching", "severe-pain"],
}


def clinic(**changes) -> Clinic:
    base = {
        "name": "Clínica Sol",
        "daytime_phone": "+34 600 000 001",
        "on_call_phone": "",
        "emergency_number": "112",
        "time_zone": MADRID,
        "answer_minutes": 10,
        "callback_minutes": {"urgent": 60, "soon": 24 * 60, "self_care": 3 * 24 * 60, "emergency": 15},
        "hours": WEEKDAYS_9_TO_6,
    }
    return Clinic(**{**base, **changes})


# --- Opening hours, in the clinic's own time zone ----------------------------------------------


def test_open_and_closed_follow_the_clinic_time_zone():
    monday_10_madrid = datetime(2026, 11, 30, 10, 0, tzinfo=MADRID)
    assert clinic().is_open(monday_10_madrid) is True
    assert clinic().is_open(monday_10_madrid.replace(hour=19)) is False
    # 08:30 in New York is 14:30 in Madrid: open.
    assert clinic().is_open(datetime(2026, 11, 30, 8, 30, tzinfo=ZoneInfo("America/New_York"))) is True
    assert clinic(hours=()).is_open(monday_10_madrid) is None  # not known: never said to be closed


def test_the_next_opening_skips_the_weekend():
    friday_evening = datetime(2026, 12, 4, 20, 0, tzinfo=MADRID)
    assert clinic().next_opening(friday_evening) == datetime(2026, 12, 7, 9, 0, tzinfo=MADRID)


def test_a_callback_promise_counts_from_the_next_opening_when_closed():
    friday_evening = datetime(2026, 12, 4, 20, 0, tzinfo=MADRID)
    with timezone.override(MADRID):
        promise = callback_promise(clinic(), "urgent", friday_evening)
    assert "by Monday at 10" in promise  # Monday 09:00 + 60 minutes
    assert "call Clínica Sol on +34 600 000 001" in promise


# --- The result adapts ---------------------------------------------------------------------------


def _closed_now() -> list[tuple[int, time, time]]:
    """Opening hours that do not include this moment: one day only, not today (Madrid time)."""
    tomorrow = (timezone.now().astimezone(MADRID).weekday() + 1) % 7
    return [(tomorrow, time(9), time(18))]


def _settings(hours=(), **fields) -> ClinicSettings:
    row = ClinicSettings.objects.create(time_zone="Europe/Madrid", **fields)
    for weekday, opens, closes in hours:
        OpeningHours.objects.create(clinic=row, weekday=weekday, opens=opens, closes=closes)
    return row


def _result(client, story):
    start_session(client, story)
    response = client.get("/check/result/")
    assert response.status_code == 200
    return response.context["card"], response.content.decode()


@pytest.mark.django_db
def test_an_urgent_result_while_closed_calls_the_after_hours_line(client):
    _settings(_closed_now(), on_call_phone="+34 600 000 009")
    card, html = _result(client, BURN_AFTER_RF)
    assert card.action.call.number == "+34 600 000 009"
    assert "The clinic is closed now. Call its after-hours line." in html
    assert 'href="tel:+34 600 000 009"' in html


@pytest.mark.django_db
def test_an_urgent_result_while_closed_without_on_call_goes_to_urgent_care(client):
    _settings(
        _closed_now(),
        urgent_care_name="Hospital Norte",
        urgent_care_phone="+34 91 000 0000",
        urgent_care_address="Calle 1",
    )
    card, html = _result(client, BURN_AFTER_RF)
    assert card.action.call.number == "+34 91 000 0000"
    assert "Go to urgent care today: Hospital Norte, Calle 1." in html


@pytest.mark.django_db
def test_an_urgent_result_while_open_calls_the_clinic(client):
    _settings(daytime_phone="+34 600 000 001")  # no hours set: never said to be closed
    card, html = _result(client, BURN_AFTER_RF)
    assert card.action.call.number == "+34 600 000 001"
    assert "closed" not in card.action.notice


@pytest.mark.django_db
def test_treating_clinic_now_shows_the_promised_answer_time(client):
    _settings(name="Clínica Sol", daytime_phone="+34 600 000 001", answer_minutes=10)
    card, html = _result(client, BLOCKED_VESSEL)
    assert card.action.call.number == "+34 600 000 001"
    assert "If nobody answers within 10 minutes" in card.action.if_no_answer
    assert "Call Clínica Sol" in html
    assert not card.offers_contact_request  # a contact form must not compete with "call now"


@pytest.mark.django_db
def test_treating_clinic_now_while_closed_without_on_call_calls_the_emergency_number(client):
    _settings(_closed_now(), emergency_number="112")
    card, html = _result(client, BLOCKED_VESSEL)
    assert card.action.call.number == "112"
    assert "The clinic is closed now, so do not wait for it." in html


@pytest.mark.django_db
def test_a_contact_request_says_when_to_expect_the_call(client):
    _settings(callback_minutes_urgent=45)
    _, html = _result(client, BURN_AFTER_RF)
    expected = (timezone.localtime() + timedelta(minutes=45)).astimezone(MADRID)
    assert "The clinic aims to contact you" in html
    assert f"{expected:%H}" in html or f"{expected:%-I}" in html


# --- Staff edit it; blank fields keep the environment's defaults ---------------------------------


@pytest.mark.django_db
def test_a_reviewer_edits_the_clinic_and_patients_see_it_at_once(client):
    login(client, "Clinical reviewer")
    add = client.get(SETTINGS, follow=True)
    assert add.status_code == 200 and "add" in add.request["PATH_INFO"]
    form = {
        "name": "Clínica Sol",
        "daytime_phone": "+34 600 000 001",
        "on_call_phone": "",
        "emergency_number": "112",
        "time_zone": "Europe/Madrid",
        "answer_minutes": "10",
        "opening_hours-TOTAL_FORMS": "1",
        "opening_hours-INITIAL_FORMS": "0",
        "opening_hours-0-weekday": "0",
        "opening_hours-0-opens": "09:00",
        "opening_hours-0-closes": "18:00",
    }
    response = client.post(reverse("admin:procedures_clinicsettings_add"), form)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert client.get(SETTINGS).status_code == 302  # the one row, straight to its page
    assert current_clinic().emergency_number == "112"
    page = client.get("/").content.decode()
    assert 'href="tel:112"' in page
    assert current_clinic().daytime_phone == "+34 600 000 001"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("time_zone", "Mars/Olympus", "Unknown time zone"),
        ("opening_hours-0-closes", "08:00", "The closing time must be after the opening time"),
        ("answer_minutes", "0", "greater than or equal to 1"),
    ],
)
def test_bad_clinic_settings_are_refused_with_a_clear_message(client, field, value, message):
    login(client, "Clinical reviewer")
    form = {
        "time_zone": "Europe/Madrid",
        "opening_hours-TOTAL_FORMS": "1",
        "opening_hours-INITIAL_FORMS": "0",
        "opening_hours-0-weekday": "0",
        "opening_hours-0-opens": "09:00",
        "opening_hours-0-closes": "18:00",
        field: value,
    }
    response = client.post(reverse("admin:procedures_clinicsettings_add"), form)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not ClinicSettings.objects.exists()


@pytest.mark.django_db
def test_front_desk_reads_the_clinic_settings_and_editors_do_not_see_them(client):
    _settings(name="Clínica Sol")
    change = reverse("admin:procedures_clinicsettings_change", args=[ClinicSettings.SINGLETON_PK])
    login(client, "Front desk")
    page = client.get(change)
    assert page.status_code == 200 and 'name="name"' not in page.content.decode()  # read only
    assert client.post(change, {"name": "Changed"}).status_code == 403
    client.logout()
    login(client, "Content editor")
    assert client.get(change).status_code == 403


@pytest.mark.django_db
def test_blank_fields_keep_the_environment_defaults(settings):
    settings.CLINIC_PHONE = "+1 213 555 0199"
    _settings(name="Clínica Sol")
    forget_cached_clinic()
    facts = current_clinic()
    assert (facts.name, facts.daytime_phone) == ("Clínica Sol", "+1 213 555 0199")


@pytest.mark.django_db
def test_the_last_known_or_default_clinic_is_shown_when_the_database_is_down(settings):
    settings.EMERGENCY_NUMBER = "999"
    forget_cached_clinic()
    with mock.patch.object(ClinicSettings.objects, "prefetch_related", side_effect=DatabaseError("down")):
        assert current_clinic() == default_clinic()
    assert default_clinic().emergency_number == "999"


# --- Evidence notes and brand names --------------------------------------------------------------


@pytest.mark.django_db
def test_evidence_notes_speak_only_of_the_chosen_treatment(client):
    card, _ = _result(client, BLOCKED_VESSEL)
    notes = {cause.name: cause.evidence_note for cause in card.causes}
    assert notes["Blocked blood vessel from filler"]  # known after filler alone: its note is about filler
    shared = [name for name, note in notes.items() if name != "Blocked blood vessel from filler"]
    assert shared and all(notes[name] == "" for name in shared)  # shared with Kybella, cryolipolysis…


@pytest.mark.django_db
def test_the_treatment_step_shows_three_brand_names_and_keeps_the_rest_findable(client):
    from procedures.forms import SHOWN_ALIASES

    client.post("/check/", {"none_of_these": "on"})
    html = client.get("/check/treatment/").content.decode()
    # "Botox" is in the name already, so the next three names are shown beside it.
    assert "Botulinum toxin (Botox and similar) (Dysport, Xeomin, Jeuveau)" in html
    assert "Daxxify" not in html.split("other-names")[0]  # only three beside the choice
    assert "Daxxify" in html and "daxibotulinumtoxinA" in html  # every other name, in the list below
    assert SHOWN_ALIASES == 3


@pytest.mark.django_db
def test_facts_read_again_unchanged_keep_the_object_memos_are_keyed_by():
    from procedures.clinic import read_clinic

    first = read_clinic()
    assert read_clinic() is first
