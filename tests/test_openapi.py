"""The OpenAPI description: valid OpenAPI 3.1, the same in the repository as the code makes it, served,
describing every API endpoint, and true of what the API really answers and refuses.

The live-server checks (schemathesis, the generated client) are in tests/contract/run_contract.py.
"""

import json
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate

from procedures.openapi import openapi_document, openapi_json
from procedures.urls import urlpatterns

from .test_api import GOOD, MALFORMED, post

COMMITTED = Path(settings.BASE_DIR) / "docs" / "openapi.json"
PUBLIC_VIGNETTES = Path(settings.SHARED_DIR) / "vignettes" / "public.json"


@pytest.fixture(scope="module")
def document():
    return openapi_document()


def conforms(document, component: str, instance) -> list[str]:
    """The ways `instance` breaks components/schemas/`component` (none when it conforms)."""
    schema = {"$ref": f"#/components/schemas/{component}", "components": document["components"]}
    return [error.message for error in Draft202012Validator(schema).iter_errors(instance)]


def test_the_description_is_valid_openapi_3_1(document):
    validate(document)
    assert document["openapi"].startswith("3.1")


def test_the_committed_description_is_what_the_code_generates():
    assert COMMITTED.read_text(encoding="utf-8") == openapi_json(), "docs/openapi.json is stale: run `make openapi`"


def test_every_api_url_is_described(document):
    routes = {"/" + str(route.pattern) for route in urlpatterns if str(route.pattern).startswith("api/v1/")}
    assert routes == set(document["paths"])


@pytest.mark.django_db
def test_the_description_is_served(client, document):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert response.json() == json.loads(json.dumps(document))
    refused = client.post("/api/v1/openapi.json")
    assert refused.status_code == 405 and refused.json()["errors"]["method"]


def test_closed_vocabularies_are_enums_and_slugs_name_their_list(document):
    schemas = document["components"]["schemas"]
    assert schemas["Urgency"]["enum"] == ["self_care", "soon", "urgent", "emergency"]
    assert set(schemas["Route"]["enum"]) == {
        "emergency_services",
        "treating_clinic_now",
        "clinic_today",
        "clinic_within_days",
        "self_care",
    }
    assert schemas["Trend"]["enum"] == ["improving", "unchanged", "worsening"]
    request = schemas["AssessmentRequest"]
    assert request["required"] == ["procedure", "days_since_treatment", "symptoms"]
    assert request["additionalProperties"] is False
    assert request["properties"]["procedure"]["x-slugs-listed-by"].startswith("GET /api/v1/procedures")
    assert request["properties"]["symptoms"]["x-slugs-listed-by"].startswith("GET /api/v1/symptoms")


def test_every_error_status_is_described_with_the_errors_shape(document):
    assessments = document["paths"]["/api/v1/assessments"]["post"]["responses"]
    assert {"200", "400", "405", "413", "503"} <= set(assessments)
    responses = document["components"]["responses"]
    for name in ("BadRequest", "MethodNotAllowed", "PayloadTooLarge", "ServiceUnavailable"):
        assert responses[name]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Errors"}
    assert responses["MethodNotAllowed"]["headers"]["Allow"]["required"]
    assert responses["ServiceUnavailable"]["headers"]["Retry-After"]["required"]


# --- What the API answers conforms to the description --------------------------------------------


@pytest.mark.django_db
def test_assessments_conform(client, document):
    bodies = [GOOD, {**GOOD, "symptoms_started_day": 0, "risk_factors": ["diabetes"], "already_seen": True}]
    if PUBLIC_VIGNETTES.exists():
        bodies += [vignette["input"] for vignette in json.loads(PUBLIC_VIGNETTES.read_text())]
    for body in bodies:
        response = post(client, body)
        assert response.status_code == 200, body
        assert conforms(document, "Assessment", response.json()) == [], body


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path,component", [("/api/v1/procedures", "ProcedureList"), ("/api/v1/symptoms", "SymptomList")]
)
def test_lists_conform(client, document, path, component):
    assert conforms(document, component, client.get(path).json()) == []


@pytest.mark.django_db
def test_every_error_answer_conforms(client, document):
    from procedures.models import KnowledgeBaseRelease

    answers = [post(client, body) for _name, body, _field in MALFORMED]
    answers.append(client.get("/api/v1/assessments"))
    answers.append(client.post("/api/v1/symptoms"))
    answers.append(post(client, json.dumps({**GOOD, "padding": "x" * (65 * 1024)})))
    KnowledgeBaseRelease.objects.all().delete()
    answers.append(post(client, GOOD))
    assert {answer.status_code for answer in answers} == {400, 405, 413, 503}
    for answer in answers:
        assert conforms(document, "Errors", answer.json()) == []


# --- One source of truth: the schema refuses what validation refuses ------------------------------

# Bodies the schema cannot refuse: only the published knowledge base knows the slugs.
NEEDS_THE_KNOWLEDGE_BASE = {"unknown procedure", "unknown symptom", "bad area"}


@pytest.mark.parametrize("name,body", [(m[0], m[1]) for m in MALFORMED if not isinstance(m[1], bytes)])
def test_the_request_schema_refuses_what_validation_refuses(document, name, body):
    instance = json.loads(body) if isinstance(body, str) else body
    errors = conforms(document, "AssessmentRequest", instance)
    if name in NEEDS_THE_KNOWLEDGE_BASE:
        assert errors == []
    else:
        assert errors, f"the schema accepts {name!r}, which validation refuses"


def test_the_request_schema_accepts_the_examples_it_gives(document):
    request = document["components"]["schemas"]["AssessmentRequest"]
    for example in request["examples"]:
        assert conforms(document, "AssessmentRequest", example) == []


@pytest.mark.skipif(not PUBLIC_VIGNETTES.exists(), reason="../shared is not beside the repository")
def test_the_request_schema_accepts_every_public_vignette(document):
    for vignette in json.loads(PUBLIC_VIGNETTES.read_text()):
        assert conforms(document, "AssessmentRequest", vignette["input"]) == [], vignette["id"]


# --- Human-readable docs at /api/docs/ ------------------------------------------------------------


@pytest.mark.django_db
def test_the_docs_page_loads_vendored_assets_under_the_sites_csp(client):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    page = response.content.decode()
    for asset in ("vendor/swagger-ui/swagger-ui-bundle.js", "vendor/swagger-ui/swagger-ui.css", "js/api-docs.js"):
        assert f"/static/{asset}" in page
        assert finders.find(asset), asset
    assert 'data-schema-url="/api/v1/openapi.json"' in page
    assert "<script>" not in page and "https://" not in page  # no inline script, nothing from a CDN
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]


@pytest.mark.django_db
def test_the_docs_page_answers_other_methods_in_json(client):
    response = client.post("/api/docs/")
    assert response.status_code == 405
    assert response.json()["errors"]["method"]
