"""Where to go first (contract 1.1 `route`), as brief 8.1 says, held as knowledge-base data."""

import json
from pathlib import Path

import pytest

from procedures.triage.scales import DEFAULT_ROUTE, ROUTE_VALUES

VIGNETTES = sorted((Path(__file__).parent / "vignettes").glob("*.json"))


def ask(client, **body):
    response = client.post("/api/v1/assessments", json.dumps(body), content_type="application/json")
    assert response.status_code == 200, response.content
    return response.json()


@pytest.mark.django_db
def test_a_blocked_vessel_after_filler_goes_to_the_treating_clinic_first(client, settings):
    settings.CLINIC_ANSWER_MINUTES = 10  # the clinic's own promise (brief 8.1 gives no number)
    answer = ask(client, procedure="dermal-filler", days_since_treatment=0, symptoms=["skin-blanching", "severe-pain"])
    assert (answer["urgency"], answer["route"]) == ("emergency", "treating_clinic_now")
    assert "If nobody answers within 10 minutes" in answer["route_fallback"]
    assert "emergency department" in answer["route_fallback"]  # when the clinic cannot see them in time
    assert answer["guidance"].startswith("Phone the person who injected you")
    # The heading does not say "call 911 now" above "phone the person who injected you".
    assert answer["urgency_label"] == "Emergency: call the clinic that treated you now"


@pytest.mark.django_db
def test_vision_loss_after_filler_goes_to_emergency_services(client):
    answer = ask(
        client,
        procedure="dermal-filler",
        days_since_treatment=0,
        symptoms=["skin-blanching", "vision-loss"],
        area="nose",
    )
    assert (answer["urgency"], answer["route"]) == ("emergency", "emergency_services")


@pytest.mark.django_db
def test_a_blocked_vessel_with_no_antidote_goes_to_emergency_services(client):
    answer = ask(
        client, procedure="deoxycholic-acid", days_since_treatment=0, symptoms=["skin-blanching", "severe-pain"]
    )
    assert (answer["urgency"], answer["route"]) == ("emergency", "emergency_services")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("body", "route"),
    [
        (
            {
                "procedure": "rf-microneedling",
                "days_since_treatment": 5,
                "symptoms": ["spreading-redness", "pus-or-drainage"],
            },
            "clinic_today",
        ),
        (
            {"procedure": "trusculpt-id", "days_since_treatment": 27, "symptoms": ["numbness", "tingling"]},
            "clinic_within_days",
        ),
        ({"procedure": "trusculpt-id", "days_since_treatment": 1, "symptoms": ["redness", "warmth"]}, "self_care"),
    ],
)
def test_other_levels_go_to_their_own_place(client, body, route):
    assert ask(client, **body)["route"] == route


@pytest.mark.django_db
def test_every_story_of_every_suite_has_a_route_and_a_fallback(client):
    stories = [story for path in VIGNETTES for story in json.loads(path.read_text(encoding="utf-8"))]
    moved = 0
    for story in stories:
        answer = ask(client, **story["input"])
        assert answer["route"] in ROUTE_VALUES, story["id"]
        assert answer["route_fallback"].strip(), story["id"]
        moved += answer["route"] != DEFAULT_ROUTE[answer["urgency"]]
    assert moved > 0  # some answers do go somewhere other than their level's usual place


@pytest.mark.django_db
def test_a_blocked_vessel_after_a_filler_that_was_not_ha_says_so_and_goes_on_to_the_emergency_department(client):
    """Brief 8.1: the treating clinic first, saying it was not HA (it cannot be dissolved); then the
    emergency department. The risk factor is asked, because it changes what the patient is told."""
    story = {"procedure": "dermal-filler", "days_since_treatment": 0, "symptoms": ["skin-blanching", "severe-pain"]}
    answer = ask(client, **story, risk_factors=["non-ha-filler"])
    assert (answer["urgency"], answer["route"]) == ("emergency", "treating_clinic_now")
    assert "not hyaluronic acid" in answer["route_fallback"]
    assert "emergency department" in answer["route_fallback"]
    assert "not hyaluronic acid" not in ask(client, **story)["route_fallback"]


@pytest.mark.django_db
def test_the_follow_up_step_asks_whether_the_filler_was_ha(kb):
    from procedures.interview import follow_ups
    from procedures.triage import Answers

    answers = Answers("dermal-filler", 0, frozenset({"skin-blanching", "severe-pain"}))
    assert "non-ha-filler" in follow_ups(kb, answers).risk_factors
