"""The assessment API exactly as contract.md describes it, including every way to call it wrongly."""

import json

import pytest

URL = "/api/v1/assessments"
GOOD = {
    "procedure": "trusculpt-id",
    "days_since_treatment": 1,
    "symptoms": ["redness"],
    "trend": "improving",
    "area": "abdomen",
}


def post(client, body, content_type="application/json"):
    data = body if isinstance(body, (bytes, str)) else json.dumps(body)
    return client.post(URL, data=data, content_type=content_type)


@pytest.mark.django_db
def test_assessment_has_the_contract_shape(client):
    response = post(client, GOOD)
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {
        "urgency",
        "urgency_label",
        "guidance",
        "complications",
        "expected_effects",
        "red_flags",
        "raised_by",  # contract 1.1
        "route",
        "route_fallback",
        "knowledge_base_version",
        "engine_version",
    }
    assert body["raised_by"] == []
    assert body["urgency"] in {"emergency", "urgent", "soon", "self_care"}
    for complication in body["complications"]:
        assert set(complication) == {"slug", "name", "score", "urgency", "matched_symptoms", "explanation"}
    for effect in body["expected_effects"]:
        assert set(effect) == {"slug", "name", "usual_duration"}


@pytest.mark.django_db
def test_emergency_is_recognised(client):
    body = post(
        client,
        {
            "procedure": "dermal-filler",
            "days_since_treatment": 0,
            "symptoms": ["skin-blanching", "severe-pain"],
            "area": "face",
        },
    ).json()
    assert body["urgency"] == "emergency"
    assert body["red_flags"]
    assert body["complications"][0]["slug"] == "vascular-occlusion"


@pytest.mark.django_db
def test_empty_symptom_list_is_self_care(client):
    body = post(client, {"procedure": "mesotherapy", "days_since_treatment": 3, "symptoms": []}).json()
    assert body["urgency"] == "self_care"
    assert body["complications"] == []


@pytest.mark.django_db
def test_duplicates_and_order_do_not_matter(client):
    a = post(
        client,
        {
            "procedure": "rf-microneedling",
            "days_since_treatment": 5,
            "symptoms": ["pus-or-drainage", "spreading-redness", "pus-or-drainage"],
        },
    ).json()
    b = post(
        client,
        {
            "procedure": "rf-microneedling",
            "days_since_treatment": 5,
            "symptoms": ["spreading-redness", "pus-or-drainage"],
        },
    ).json()
    assert a == b


@pytest.mark.django_db
def test_one_cheap_freshness_query_per_assessment(client, django_assert_num_queries):
    post(client, GOOD)  # warms the in-process snapshot
    # The only query: SELECT version, content_hash FROM release ORDER BY version DESC LIMIT 1.
    with django_assert_num_queries(1):
        assert post(client, GOOD).status_code == 200


MALFORMED = [
    ("not json", b"{nope", "body"),
    ("empty body", b"", "body"),
    ("whitespace body", b"   ", "body"),
    ("json array", [], "non_field_errors"),
    ("json string", '"hello"', "non_field_errors"),
    ("json null", b"null", "non_field_errors"),
    ("invalid utf-8", b"\xff\xfe{}", "body"),
    ("deep nesting", ("[" * 20000 + "]" * 20000).encode(), "body"),
    ("missing everything", {}, "procedure"),
    ("unknown procedure", {**GOOD, "procedure": "liposuction"}, "procedure"),
    ("procedure not a string", {**GOOD, "procedure": 5}, "procedure"),
    ("procedure as list", {**GOOD, "procedure": ["trusculpt-id"]}, "procedure"),
    ("days missing", {k: v for k, v in GOOD.items() if k != "days_since_treatment"}, "days_since_treatment"),
    ("days as string", {**GOOD, "days_since_treatment": "3"}, "days_since_treatment"),
    ("days as float", {**GOOD, "days_since_treatment": 2.5}, "days_since_treatment"),
    ("days as bool", {**GOOD, "days_since_treatment": True}, "days_since_treatment"),
    ("days negative", {**GOOD, "days_since_treatment": -1}, "days_since_treatment"),
    ("days absurd", {**GOOD, "days_since_treatment": 3651}, "days_since_treatment"),
    ("days huge", {**GOOD, "days_since_treatment": 10**30}, "days_since_treatment"),
    ("days null", {**GOOD, "days_since_treatment": None}, "days_since_treatment"),
    ("symptoms missing", {k: v for k, v in GOOD.items() if k != "symptoms"}, "symptoms"),
    ("symptoms not a list", {**GOOD, "symptoms": "redness"}, "symptoms"),
    ("symptoms as object", {**GOOD, "symptoms": {"redness": True}}, "symptoms"),
    ("symptom not a string", {**GOOD, "symptoms": [1, 2]}, "symptoms"),
    ("nested symptom list", {**GOOD, "symptoms": [["redness"]]}, "symptoms"),
    ("unknown symptom", {**GOOD, "symptoms": ["redness", "purple-elbows"]}, "symptoms"),
    ("huge symptom array", {**GOOD, "symptoms": ["redness"] * 5000}, "symptoms"),
    ("bad trend", {**GOOD, "trend": "sideways"}, "trend"),
    ("trend as number", {**GOOD, "trend": 1}, "trend"),
    ("bad area", {**GOOD, "area": "elbow"}, "area"),
    ("area as list", {**GOOD, "area": ["face"]}, "area"),
    ("unknown field", {**GOOD, "age": 40}, "age"),
]


@pytest.mark.django_db
@pytest.mark.parametrize("body,field", [(m[1], m[2]) for m in MALFORMED], ids=[m[0] for m in MALFORMED])
def test_malformed_bodies_answer_400_with_field_errors(client, body, field):
    response = post(client, body)
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert field in errors
    assert all(isinstance(messages, list) and messages for messages in errors.values())


@pytest.mark.django_db
def test_oversize_body_answers_413(client):
    big = json.dumps({**GOOD, "padding": "x" * (65 * 1024)})
    response = post(client, big)
    assert response.status_code == 413
    assert "body" in response.json()["errors"]


@pytest.mark.django_db
def test_body_just_under_the_limit_is_read(client):
    body = json.dumps({**GOOD, "symptoms": ["redness"] * 150})
    assert len(body) < 64 * 1024
    assert post(client, body).status_code == 200


@pytest.mark.django_db
def test_wrong_method_answers_405_not_500(client):
    response = client.get(URL)
    assert response.status_code == 405
    assert "errors" in response.json()


@pytest.mark.django_db
def test_no_csrf_token_needed_for_the_json_api():
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    assert post(strict, GOOD).status_code == 200


@pytest.mark.django_db
def test_no_published_knowledge_base_answers_503(client):
    from procedures.models import KnowledgeBaseRelease

    KnowledgeBaseRelease.objects.all().delete()
    response = post(client, GOOD)
    assert response.status_code == 503
    assert "knowledge_base" in response.json()["errors"]


@pytest.mark.django_db
def test_procedure_list_has_brand_aliases(client):
    body = client.get("/api/v1/procedures").json()
    by_slug = {p["slug"]: p for p in body["procedures"]}
    assert len(by_slug) == 14
    assert any("Thermage" in alias for alias in by_slug["rf-skin-tightening"]["aliases"])
    assert any("Morpheus8" in alias for alias in by_slug["rf-microneedling"]["aliases"])


@pytest.mark.django_db
def test_symptom_list_has_every_vocabulary_symptom(client):
    body = client.get("/api/v1/symptoms").json()
    slugs = {s["slug"] for s in body["symptoms"]}
    assert {"redness", "dark-urine", "vision-loss"} <= slugs
    from procedures.models import Symptom

    assert len(slugs) == Symptom.objects.count() >= 77


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/api/v1/procedures", "/api/v1/symptoms"])
def test_a_post_to_a_list_endpoint_answers_405_json_not_an_html_403(path):
    from django.test import Client

    response = Client(enforce_csrf_checks=True).post(path, "{}", content_type="application/json")
    assert response.status_code == 405
    assert response["Content-Type"] == "application/json"
    assert response["Allow"] == "GET, HEAD"
    assert response.json()["errors"]["method"]


@pytest.mark.django_db
def test_an_unknown_api_path_answers_404_json(client, settings):
    settings.DEBUG = False
    response = client.get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert response.json()["errors"]["path"]


def test_a_refused_csrf_check_under_the_api_answers_json(rf):
    from procedures.error_pages import csrf_failure

    response = csrf_failure(rf.post("/api/v1/anything"), reason="CSRF cookie not set.")
    assert response.status_code == 403
    assert json.loads(response.content)["errors"]["csrf"]


# --- HTTP behaviour integrators expect: ETags on the lists, CORS off unless configured ------------


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/api/v1/procedures", "/api/v1/symptoms"])
def test_list_endpoints_answer_304_until_staff_publish_again(client, path):
    from procedures.services import publish_knowledge_base

    first = client.get(path)
    tag = first["ETag"]
    assert first.status_code == 200 and tag and first["Cache-Control"] == "no-cache"
    again = client.get(path, HTTP_IF_NONE_MATCH=tag)
    assert again.status_code == 304 and again.content == b""
    publish_knowledge_base(note="a new release")
    changed = client.get(path, HTTP_IF_NONE_MATCH=tag)
    assert changed.status_code == 200 and changed["ETag"] != tag


@pytest.mark.django_db
def test_cross_origin_calls_are_refused_unless_an_origin_is_named(client, settings):
    origin = "https://ehr.example.com"
    assert "Access-Control-Allow-Origin" not in client.get("/api/v1/procedures", HTTP_ORIGIN=origin)
    settings.CORS_ALLOWED_ORIGINS = [origin]
    assert client.get("/api/v1/procedures", HTTP_ORIGIN=origin)["Access-Control-Allow-Origin"] == origin
    preflight = client.options("/api/v1/assessments", HTTP_ORIGIN=origin, HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST")
    assert preflight["Access-Control-Allow-Origin"] == origin
    # Patient pages and the admin never answer other origins.
    assert "Access-Control-Allow-Origin" not in client.get("/check/", HTTP_ORIGIN=origin)


# --- The words of the errors: the request model refuses, validation says why in the API's words ----


@pytest.mark.django_db
@pytest.mark.parametrize(
    "body,field,message",
    [
        ({**GOOD, "days_since_treatment": "3"}, "days_since_treatment", "Must be a whole number of days."),
        ({**GOOD, "days_since_treatment": 3651}, "days_since_treatment", "Must be between 0 and 3650."),
        ({**GOOD, "procedure": 5}, "procedure", "Must be a procedure slug (a string)."),
        ({**GOOD, "area": ["face"]}, "area", "Must be an area slug (a string)."),
        ({**GOOD, "symptoms": "redness"}, "symptoms", "Must be a list of symptom slugs."),
        ({**GOOD, "symptoms": [1, 2]}, "symptoms", "Every item must be a symptom slug (a string)."),
        ({**GOOD, "symptoms": ["redness"] * 201}, "symptoms", "At most 200 items."),
        ({**GOOD, "symptoms": ["purple-elbows", ""]}, "symptoms", "Unknown symptom(s): '', 'purple-elbows'."),
        ({**GOOD, "procedure": "liposuction"}, "procedure", "Unknown procedure 'liposuction'."),
        ({**GOOD, "risk_factors": ["unlucky"]}, "risk_factors", "Unknown risk factor(s): 'unlucky'."),
        ({**GOOD, "trend": "sideways"}, "trend", "Must be one of: improving, unchanged, worsening."),
        ({**GOOD, "already_seen": 1}, "already_seen", "Must be true or false."),
        ({**GOOD, "age": 40}, "age", "Unknown field."),
        (
            {"procedure": "mesotherapy", "days_since_treatment": 3},
            "symptoms",
            "This field is required (it may be an empty list).",
        ),
        ({**GOOD, "days_since_treatment": None}, "days_since_treatment", "This field is required."),
        (
            {**GOOD, "days_since_treatment": 2, "symptoms_started_day": 3},
            "symptoms_started_day",
            "Cannot be later than days_since_treatment: symptoms cannot begin after today.",
        ),
    ],
)
def test_each_refusal_says_why_in_plain_words(client, body, field, message):
    response = post(client, body)
    assert response.status_code == 400
    assert response.json()["errors"][field] == [message]


@pytest.mark.django_db
def test_every_wrong_field_is_reported_at_once(client):
    errors = post(client, {"procedure": 5, "days_since_treatment": "3", "symptoms": ["redness"], "trend": 1}).json()
    assert set(errors["errors"]) == {"procedure", "days_since_treatment", "trend"}


@pytest.mark.django_db
def test_a_whole_number_written_as_a_float_is_a_day_count(client):
    # JSON has one number type: 3.0 is the integer 3 for JSON Schema (found by schemathesis).
    assert post(client, {**GOOD, "days_since_treatment": 3.0, "symptoms_started_day": 1.0}).status_code == 200
    assert post(client, {**GOOD, "days_since_treatment": 2.5}).status_code == 400


@pytest.mark.django_db
def test_null_in_an_optional_field_means_absent(client):
    with_nulls = {**GOOD, "trend": None, "area": None, "risk_factors": None, "already_seen": None}
    without = {k: v for k, v in GOOD.items() if k not in ("trend", "area")}
    assert post(client, with_nulls).json() == post(client, without).json()


@pytest.mark.django_db
def test_no_published_knowledge_base_says_when_to_retry(client):
    from procedures.models import KnowledgeBaseRelease

    KnowledgeBaseRelease.objects.all().delete()
    assert post(client, GOOD)["Retry-After"] == "60"


@pytest.mark.django_db
def test_the_symptom_list_gives_the_risk_factor_slugs(client):
    body = client.get("/api/v1/symptoms").json()
    risk_factors = {r["slug"]: r for r in body["risk_factors"]}
    assert {"diabetes", "immunosuppressed"} <= set(risk_factors)
    assert risk_factors["diabetes"]["label"] and "label_es" in risk_factors["diabetes"]
    assert post(client, {**GOOD, "risk_factors": list(risk_factors)}).status_code == 200


@pytest.mark.parametrize(
    "handler,status,field",
    [("bad_request", 400, "request"), ("permission_denied", 403, "permission"), ("page_not_found", 404, "path")],
)
def test_errors_raised_before_any_api_view_answer_json(rf, handler, status, field):
    from django.core.exceptions import PermissionDenied

    from procedures import error_pages

    response = getattr(error_pages, handler)(rf.post("/api/v1/assessments"), PermissionDenied())
    assert response.status_code == status
    assert json.loads(response.content)["errors"][field]
    # Patient pages keep Django's HTML pages.
    page = getattr(error_pages, handler)(rf.get("/check/"), PermissionDenied())
    assert page.status_code == status and page["Content-Type"].startswith("text/html")
