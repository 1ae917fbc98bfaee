"""The interview of contract 1.1: the treatment's red flags first, a short symptoms page, follow-up
questions only when they can change the result, and a fresh start from the home page."""

import json
import re

import pytest
from django.urls import reverse

from procedures.interview import follow_ups, symptom_sections, treatment_red_flags
from procedures.triage import Answers, assess

SCREEN = reverse("procedures:screen")
TREATMENT = reverse("procedures:treatment")
SYMPTOMS = reverse("procedures:symptoms")
FOLLOW_UP = reverse("procedures:follow-up")
RESULT = reverse("procedures:result")


def start(client, procedure="dermal-filler", days="1", area="lips"):
    client.post(SCREEN, {"none_of_these": "on"})
    client.post(TREATMENT, {"procedure": procedure, "days_ago": days, "area": area})


@pytest.mark.django_db
def test_the_treatments_own_red_flags_come_first(client, kb):
    flags = treatment_red_flags(kb, "dermal-filler")
    assert "skin-blanching" in flags and "mottled-skin" in flags
    assert not set(flags) & set(kb.emergency_screen_symptoms)  # the first screen asked those already
    start(client)
    page = client.get(SYMPTOMS).content.decode()
    first_boxes = re.findall(r'name="symptoms" value="([^"]+)"', page)[: len(flags)]
    assert first_boxes == list(flags)


@pytest.mark.django_db
@pytest.mark.parametrize("procedure", ["dermal-filler", "botulinum-toxin", "cryolipolysis", "trusculpt-flex"])
def test_about_twenty_symptoms_are_visible_and_the_rest_wait_behind_more(kb, procedure):
    sections = symptom_sections(kb, procedure, "en", set())
    visible = len(sections.red_flags) + len(sections.common)
    hidden = sum(len(group.choices) for group in sections.more)
    assert 8 <= visible <= 20
    assert visible + hidden == len(kb.symptoms)
    assert not sections.more_is_open


@pytest.mark.django_db
def test_more_symptoms_open_when_one_inside_is_ticked(kb):
    sections = symptom_sections(kb, "dermal-filler", "en", set())
    hidden = sections.more[0].choices[0].slug
    assert symptom_sections(kb, "dermal-filler", "en", {hidden}).more_is_open


@pytest.mark.django_db
def test_the_common_case_skips_follow_up_questions(client):
    start(client, days="1")
    response = client.post(SYMPTOMS, {"symptoms": ["swelling", "bruising"], "trend": "improving"})
    assert response.url == RESULT
    assert client.get(RESULT).context["level"].value == "self_care"


@pytest.mark.django_db
def test_infection_signs_ask_about_the_immune_system_and_it_changes_the_level(client):
    start(client, days="6", area="cheeks")
    response = client.post(SYMPTOMS, {"symptoms": ["spreading-redness", "warmth", "fever"], "trend": "worsening"})
    assert response.url == FOLLOW_UP
    page = client.get(FOLLOW_UP)
    offered = [value for value, _label in page.context["form"].fields["risk_factors"].choices]
    assert "diabetes" in offered and "immunosuppressed" in offered
    assert "cold-sore-history" not in offered  # it would change nothing here
    before = client.get(RESULT).context["level"].value
    assert client.post(FOLLOW_UP, {"risk_factors": ["diabetes"]}).url == RESULT
    after = client.get(RESULT)
    assert (before, after.context["level"].value) == ("urgent", "emergency")
    assert after.context["assessment"].raised_by == ("diabetes",)


@pytest.mark.django_db
def test_onset_is_asked_only_when_an_expected_effect_would_otherwise_explain_it(kb):
    # Swelling on day 3 is still expected, unless it began only today (brief 8.3).
    swelling = Answers("dermal-filler", 3, frozenset({"swelling"}), area="lips")
    assert follow_ups(kb, swelling).ask_onset
    nothing_to_explain = Answers("dermal-filler", 4, frozenset({"vision-loss"}), area="lips")
    assert not follow_ups(kb, nothing_to_explain).ask_onset


@pytest.mark.django_db
def test_onset_after_today_is_refused_with_a_message_and_nothing_is_lost(client):
    start(client, days="3")
    assert client.post(SYMPTOMS, {"symptoms": ["swelling"], "trend": "improving"}).url == FOLLOW_UP
    assert "started_day" in client.get(FOLLOW_UP).context["form"].fields
    response = client.post(FOLLOW_UP, {"started_day": "9"})
    assert response.status_code == 200
    assert "cannot have begun later" in response.content.decode()
    assert client.get(SYMPTOMS).context["form"].initial["symptoms"] == ["swelling"]
    # Swelling that began only today is not the filler's immediate swelling: the level goes up.
    assert client.get(RESULT).context["level"].value == "self_care"
    assert client.post(FOLLOW_UP, {"started_day": "3"}).url == RESULT
    assert client.get(RESULT).context["level"].value != "self_care"


@pytest.mark.django_db
def test_starting_from_the_home_page_always_starts_fresh(client):
    start(client)
    client.post(SYMPTOMS, {"symptoms": ["swelling"], "trend": "improving"})
    home = client.get("/").content.decode()
    assert 'action="/check/restart/"' in home
    assert client.post(reverse("procedures:restart")).url == SCREEN
    assert not client.get(SCREEN).context["form"].initial
    assert client.get(SYMPTOMS).url == SCREEN  # nothing kept, nothing pre-ticked


@pytest.mark.django_db
def test_a_request_with_every_new_field_works_through_the_api(client):
    body = {
        "procedure": "dermal-filler",
        "days_since_treatment": 6,
        "symptoms_started_day": 5,
        "symptoms": ["spreading-redness", "warmth", "fever"],
        "trend": "worsening",
        "area": "lips",
        "risk_factors": ["diabetes"],
        "already_seen": False,
    }
    response = client.post("/api/v1/assessments", json.dumps(body), content_type="application/json")
    assert response.status_code == 200
    answer = response.json()
    assert answer["urgency"] == "emergency"
    assert answer["raised_by"] == ["diabetes"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("symptoms_started_day", 9, "Cannot be later than days_since_treatment"),
        ("symptoms_started_day", "2", "whole number"),
        ("risk_factors", ["martian-blood"], "Unknown risk factor"),
        ("risk_factors", "diabetes", "list"),
        ("already_seen", "yes", "true or false"),
        ("area", "elbow", "Unknown area"),
    ],
)
def test_each_bad_new_field_answers_400_with_its_field_error(client, field, value, message):
    body = {"procedure": "dermal-filler", "days_since_treatment": 6, "symptoms": [], field: value}
    response = client.post("/api/v1/assessments", json.dumps(body), content_type="application/json")
    assert response.status_code == 400
    assert message in " ".join(response.json()["errors"][field])


@pytest.mark.django_db
def test_what_holds_for_the_face_holds_for_the_lips(kb):
    on_face = assess(kb, Answers("dermal-filler", 0, frozenset({"skin-blanching"}), area="face"))
    on_lips = assess(kb, Answers("dermal-filler", 0, frozenset({"skin-blanching"}), area="lips"))
    assert on_lips.urgency == on_face.urgency == "emergency"
    assert [c.slug for c in on_lips.complications[:1]] == [c.slug for c in on_face.complications[:1]]


@pytest.mark.django_db
def test_already_seen_never_lowers_urgent_and_turns_soon_into_following_the_plan(kb):
    urgent = Answers("dermal-filler", 6, frozenset({"spreading-redness", "warmth"}), trend="worsening")
    seen = Answers("dermal-filler", 6, frozenset({"spreading-redness", "warmth"}), trend="worsening", already_seen=True)
    assert assess(kb, urgent).urgency == assess(kb, seen).urgency == "urgent"
    numb = Answers("trusculpt-id", 27, frozenset({"numbness", "tingling"}), trend="unchanged", already_seen=True)
    result = assess(kb, numb)
    assert result.urgency == "soon"
    assert "already seen" in result.guidance.msgid


@pytest.mark.django_db
@pytest.mark.parametrize("procedure", ["trusculpt-id", "dermal-filler", "laser-resurfacing", "cryolipolysis"])
def test_no_serious_sign_is_listed_as_common(kb, procedure):
    """A white, leathery patch is never shown as "common after this treatment"."""
    sections = symptom_sections(kb, procedure, "en", set())
    for choice in sections.common:
        signs = [
            sign.urgency
            for slug in kb.procedures[procedure].links
            for sign in kb.complications[slug].warning_signs
            if sign.symptom == choice.slug and procedure not in sign.except_procedures
        ]
        expected = any(choice.slug in e.symptoms for e in kb.procedures[procedure].expected_effects)
        assert expected or not {"urgent", "emergency"} & set(signs), choice.slug


@pytest.mark.django_db
def test_the_one_assessment_shortcut_asks_exactly_the_risk_factors_that_change_the_result(kb):
    """Risk factors only raise levels or give their own fallback words: checking them all at once
    must agree with one by one (what is told: how fast, where, and what if it cannot be reached)."""
    import json
    from dataclasses import replace
    from pathlib import Path

    stories = json.loads((Path(__file__).parent / "vignettes" / "suite.json").read_text(encoding="utf-8"))
    for story in stories:
        i = story["input"]
        answers = Answers(
            i["procedure"], i["days_since_treatment"], frozenset(i["symptoms"]), i.get("trend"), i.get("area")
        )
        if not answers.symptoms:
            continue

        def told(a):
            result = assess(kb, a)
            return result.urgency, result.route, result.route_fallback

        now = told(answers)
        one_by_one = tuple(
            slug
            for slug in sorted(kb.risk_factors, key=lambda s: (kb.risk_factors[s].position, s))
            if told(replace(answers, risk_factors=frozenset({slug}))) != now
        )
        assert follow_ups(kb, answers).risk_factors == one_by_one, story["id"]
