"""The patient questionnaire through every step, with invalid steps re-rendering with messages."""

import pytest
from django.urls import reverse

SCREEN = reverse("procedures:screen")
TREATMENT = reverse("procedures:treatment")
SYMPTOMS = reverse("procedures:symptoms")
RESULT = reverse("procedures:result")
EMERGENCY = reverse("procedures:result")  # the emergency page, at the URL of every result


def answer_screen(client, **data):
    return client.post(SCREEN, data or {"none_of_these": "on"})


def answer_treatment(client, **data):
    return client.post(TREATMENT, {"procedure": "trusculpt-id", "days_ago": "1", "area": "abdomen", **data})


def answer_symptoms(client, symptoms=("redness", "warmth"), trend="improving"):
    return client.post(SYMPTOMS, {"symptoms": list(symptoms), "trend": trend})


@pytest.mark.django_db
def test_home_page_has_start_and_disclaimer(client):
    response = client.get("/")
    assert response.status_code == 200
    assert b"This is not a diagnosis" in response.content
    assert b'href="tel:911"' in response.content


@pytest.mark.django_db
def test_full_self_care_journey(client):
    assert client.get(SCREEN).status_code == 200
    assert answer_screen(client).url == TREATMENT
    assert answer_treatment(client).url == SYMPTOMS
    assert answer_symptoms(client).url == RESULT
    page = client.get(RESULT)
    assert page.status_code == 200
    assert page.context["level"].value == "self_care"
    assert b"Self-care" in page.content
    assert b"normal until about day" in page.content
    assert b"This is not a diagnosis" in page.content


@pytest.mark.django_db
def test_urgent_journey_shows_clinic_phone_and_reasons(client, settings):
    settings.CLINIC_NAME = "Sunset Aesthetics"
    answer_screen(client)
    answer_treatment(client, procedure="rf-microneedling", days_ago="5", area="face")
    answer_symptoms(client, ["spreading-redness", "pus-or-drainage", "warmth"], "worsening")
    page = client.get(RESULT)
    assert page.context["level"].value == "urgent"
    assert b"Sunset Aesthetics" in page.content
    assert page.context["assessment"].complications[0].explanation


@pytest.mark.django_db
def test_red_flag_on_the_screen_goes_straight_to_the_emergency_result(client):
    response = client.post(SCREEN, {"red_flags": ["difficulty-breathing"]})
    assert response.url == EMERGENCY
    page = client.get(EMERGENCY)
    assert b"Call 911" in page.content
    assert b'href="tel:911"' in page.content


@pytest.mark.django_db
@pytest.mark.parametrize(
    "data,message",
    [
        ({}, b"Please tick any symptom you have"),
        ({"red_flags": ["difficulty-breathing"], "none_of_these": "on"}, b"one or the other"),
        ({"red_flags": ["not-a-symptom"]}, b"Select a valid choice"),
    ],
)
def test_invalid_screen_re_renders_with_a_message(client, data, message):
    response = client.post(SCREEN, data)
    assert response.status_code == 200
    assert message in response.content


@pytest.mark.django_db
@pytest.mark.parametrize(
    "data,message",
    [
        ({"days_ago": ""}, b"Please give the date of treatment or how many days ago"),
        ({"days_ago": "-2"}, b"greater than or equal to 0"),
        ({"days_ago": "abc"}, b"Enter a whole number"),
        ({"treatment_date": "2999-01-01", "days_ago": ""}, b"cannot be in the future"),
        ({"procedure": "liposuction"}, b"Select a valid choice"),
    ],
)
def test_invalid_treatment_re_renders_with_a_message_and_keeps_answers(client, data, message):
    answer_screen(client)
    response = answer_treatment(client, **data)
    assert response.status_code == 200
    assert message in response.content
    assert b'value="abdomen" selected' in response.content or b"abdomen" in response.content


@pytest.mark.django_db
def test_symptoms_step_requires_an_answer(client):
    answer_screen(client)
    answer_treatment(client)
    response = client.post(SYMPTOMS, {"trend": "improving"})
    assert response.status_code == 200
    assert b"Please tick at least one symptom" in response.content


@pytest.mark.django_db
def test_nothing_to_report_is_self_care(client):
    answer_screen(client)
    answer_treatment(client)
    client.post(SYMPTOMS, {"nothing_to_report": "on"})
    assert client.get(RESULT).context["level"].value == "self_care"


@pytest.mark.django_db
def test_steps_cannot_be_skipped(client):
    assert client.get(TREATMENT).url == SCREEN
    assert client.get(SYMPTOMS).url == SCREEN
    assert client.get(RESULT).url == SCREEN
    answer_screen(client)
    assert client.get(RESULT).url == TREATMENT


@pytest.mark.django_db
def test_back_shows_saved_answers_and_refresh_does_not_resubmit(client):
    answer_screen(client)
    answer_treatment(client, days_ago="3")
    answer_symptoms(client, ["swelling"], "unchanged")
    page = client.get(TREATMENT)
    assert b'value="3"' in page.content
    symptoms_page = client.get(SYMPTOMS)
    assert b'value="swelling" id="symptom-swelling" checked' in symptoms_page.content
    first = client.get(RESULT).context["assessment"]
    assert client.get(RESULT).context["assessment"] == first  # refresh is a GET of saved answers


@pytest.mark.django_db
def test_health_answers_never_travel_in_the_url(client):
    answer_screen(client)
    for response in (answer_treatment(client), answer_symptoms(client)):
        assert "?" not in response.url


@pytest.mark.django_db
def test_relevant_symptoms_come_first_for_the_procedure(client):
    answer_screen(client)
    answer_treatment(client, procedure="trusculpt-flex")
    sections = client.get(SYMPTOMS).context["sections"]
    all_slugs = [c.slug for c in (*sections.red_flags, *sections.common)] + [
        c.slug for g in sections.more for c in g.choices
    ]
    assert all_slugs.index("dark-urine") < all_slugs.index("vision-loss")


@pytest.mark.django_db
def test_date_of_treatment_is_turned_into_days(client):
    from django.utils import timezone

    answer_screen(client)
    date = (timezone.localdate() - timezone.timedelta(days=4)).isoformat()
    answer_treatment(client, treatment_date=date, days_ago="")
    assert client.session["check"]["treatment"]["days"] == 4


@pytest.mark.django_db
def test_restart_clears_the_answers(client):
    answer_screen(client)
    client.post(reverse("procedures:restart"))
    assert "check" not in client.session


@pytest.mark.django_db
def test_questionnaire_forms_are_csrf_protected():
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    assert strict.post(SCREEN, {"none_of_these": "on"}).status_code == 403


@pytest.mark.django_db
def test_a_symptom_the_knowledge_base_does_not_have_is_refused_with_a_message(client):
    client.post("/check/", {"none_of_these": "on"})
    client.post("/check/treatment/", {"procedure": "dermal-filler", "days_ago": 1, "area": ""})
    response = client.post("/check/symptoms/", {"symptoms": ["swelling", "purple-elbows"], "trend": ""})
    assert response.status_code == 200
    assert "purple-elbows is not one of the available choices" in response.content.decode()
