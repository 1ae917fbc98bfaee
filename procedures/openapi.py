"""The OpenAPI 3.1 description of the public API, served at /api/v1/openapi.json and kept in the
repository as docs/openapi.json (`make openapi` writes it; tests/test_openapi.py fails when it is stale).

The shapes are the pydantic models of procedures/api_schema.py, the same ones requests are validated
with; this module only adds what a model cannot say: the paths, the status codes and their headers.
"""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from pydantic import BaseModel
from pydantic.json_schema import JsonSchemaMode, models_json_schema

from .api_schema import Assessment, AssessmentRequest, Errors, ProcedureList, SymptomList

OPENAPI_VERSION = "3.1.0"
# The contract's version (../shared/contract.md): within v1 it changes by additions only.
API_VERSION = "1.1"
COMPONENT_REF = "#/components/schemas/{model}"

DESCRIPTION = """\
Contract 1.1 of the assessment API, with the behaviour around it that `docs/api.md` describes.

* **Versions.** Within `/api/v1/` changes are additions only (new optional request fields, new response
  fields, new slugs). Ignore fields you do not know, and read slugs from the list endpoints rather than
  hard-coding them. Removing or renaming anything, or a new value of `urgency`, `route` or `trend`,
  needs a v2.
* **Slugs** (procedures, symptoms, areas, risk factors) are strings whose values come from the published
  knowledge base: `GET /api/v1/procedures` and `GET /api/v1/symptoms` list them; `x-slugs-listed-by`
  on a field says where. An unknown slug answers 400.
* **Errors.** Every answer under `/api/` is JSON, for any method and status, in one shape:
  `{"errors": {field: [messages]}}`.
* **Versions of an answer.** `engine_version` is the triage code's version; `knowledge_base_version` is
  the published clinical release (`<number>-<content hash>`). Store both with any result you keep.
"""

_MODELS: tuple[tuple[type[BaseModel], JsonSchemaMode], ...] = (
    (AssessmentRequest, "validation"),
    (Assessment, "serialization"),
    (ProcedureList, "serialization"),
    (SymptomList, "serialization"),
    (Errors, "serialization"),
)

_TEXT = {"type": "string"}
_ERRORS_REF = {"$ref": COMPONENT_REF.format(model="Errors")}


def _json(schema: dict[str, Any], description: str, headers: dict[str, Any] | None = None) -> dict[str, Any]:
    response: dict[str, Any] = {"description": description, "content": {"application/json": {"schema": schema}}}
    if headers:
        response["headers"] = headers
    return response


def _header(description: str, schema: dict[str, Any] = _TEXT) -> dict[str, Any]:
    return {"description": description, "required": True, "schema": schema}


def _error(description: str, headers: dict[str, Any] | None = None) -> dict[str, Any]:
    return _json(_ERRORS_REF, description, headers)


def _responses() -> dict[str, Any]:
    """The answers several operations share, under components/responses."""
    limit = settings.API_MAX_BODY_BYTES // 1024
    return {
        "BadRequest": _error(
            "The request is not acceptable: a non-JSON body (`body`), not an object (`non_field_errors`), "
            "a missing or unknown field, a wrong type, an unknown slug or an out-of-range day count "
            "(the field's name). Never coerced, never a silent default."
        ),
        "MethodNotAllowed": _error(
            "Wrong method (`method`); `Allow` lists the right ones.",
            {"Allow": _header("The methods this URL answers.")},
        ),
        "PayloadTooLarge": _error(f"The body is larger than {limit} KiB (`body`)."),
        "ServiceUnavailable": _error(
            "No knowledge base is published yet (`knowledge_base`), or the service cannot reach its database "
            "and has no release to answer from (`service`). Assessments keep being answered from the last "
            "release during a database outage.",
            {"Retry-After": _header("Seconds to wait before trying again.", {"type": "string", "pattern": "^[0-9]+$"})},
        ),
        "NotModified": {
            "description": "The list has not changed since the `ETag` sent in `If-None-Match`.",
            "headers": {"ETag": _header("The release the list comes from.")},
        },
    }


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/responses/{name}"}


def _list_operation(operation_id: str, summary: str, model: dict[str, Any], description: str) -> dict[str, Any]:
    return {
        "get": {
            "operationId": operation_id,
            "summary": summary,
            "description": description
            + " Carries an `ETag` (the release it comes from) and `Cache-Control: no-cache`: send `If-None-Match` "
            "and get 304 until staff publish a new release.",
            "tags": ["knowledge base"],
            "responses": {
                "200": _json(
                    model,
                    "The list, from the published release.",
                    {
                        "ETag": _header("The release the list comes from."),
                        "Cache-Control": _header("Always `no-cache`: revalidate each time."),
                    },
                ),
                "304": _ref("NotModified"),
                "405": _ref("MethodNotAllowed"),
                "503": _ref("ServiceUnavailable"),
            },
        }
    }


def _paths(refs: dict[type[BaseModel], dict[str, Any]]) -> dict[str, Any]:
    return {
        "/api/v1/assessments": {
            "post": {
                "operationId": "create_assessment",
                "summary": "Assess the symptoms after a treatment",
                "description": "The urgency level, where to go first, the likely complications (ranked) and the "
                "expected effects of the treatment, for what the patient reports. Nothing is stored.",
                "tags": ["assessments"],
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"schema": refs[AssessmentRequest]}},
                },
                "responses": {
                    "200": _json(refs[Assessment], "The assessment."),
                    "400": _ref("BadRequest"),
                    "405": _ref("MethodNotAllowed"),
                    "413": _ref("PayloadTooLarge"),
                    "503": _ref("ServiceUnavailable"),
                },
            }
        },
        "/api/v1/procedures": _list_operation(
            "list_procedures",
            "The procedures the knowledge base covers",
            refs[ProcedureList],
            "Procedure slugs with their names and brand aliases.",
        ),
        "/api/v1/symptoms": _list_operation(
            "list_symptoms",
            "The symptoms, treated areas and risk factors",
            refs[SymptomList],
            "Symptom, area and risk-factor slugs with their labels.",
        ),
        "/api/v1/openapi.json": {
            "get": {
                "operationId": "get_openapi",
                "summary": "This description",
                "tags": ["meta"],
                "responses": {
                    "200": _json({"type": "object"}, "The OpenAPI 3.1 description of the API."),
                    "405": _ref("MethodNotAllowed"),
                },
            }
        },
    }


def openapi_document() -> dict[str, Any]:
    """The whole OpenAPI 3.1 description, as a JSON-ready dict."""
    by_model_and_mode, definitions = models_json_schema(_MODELS, ref_template=COMPONENT_REF)
    refs = {model: schema for (model, _mode), schema in by_model_and_mode.items()}
    return {
        "openapi": OPENAPI_VERSION,
        "info": {
            "title": "symptomcheck API",
            "version": API_VERSION,
            "summary": "After-treatment symptom triage for cosmetic procedures.",
            "description": DESCRIPTION,
        },
        "tags": [
            {"name": "assessments", "description": "Triage of what a patient reports."},
            {"name": "knowledge base", "description": "The slugs that requests use, with their names."},
            {"name": "meta", "description": "This description."},
        ],
        "paths": _paths(refs),
        "components": {"schemas": definitions["$defs"], "responses": _responses()},
    }


def openapi_json() -> str:
    """The description as docs/openapi.json holds it: in the order the API is described (not sorted),
    indented, with a final newline, so that its diffs read well in review."""
    return json.dumps(openapi_document(), indent=2, ensure_ascii=False) + "\n"
