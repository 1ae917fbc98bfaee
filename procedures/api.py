"""The JSON API: POST /api/v1/assessments (contract.md), read-only lists for integrations, and the
API's own description (/api/v1/openapi.json, made by procedures/openapi.py) with its docs page.

Request shapes are the models of procedures/api_schema.py (validated by procedures/validation.py);
docs/api.md says how the API behaves for integrators.

Answers, and the lists, are encoded once per answer set and release (procedures/snapshot_memo.py).
The lists give each name in English, in the flat `name_<code>` keys integrations already read
(settings.API_LIST_LANGUAGE_KEYS), and in every configured language under `translations`.

The assessment endpoint is exempt from CSRF because it is a cookie-less JSON API used by outside
tools: it reads no session or cookie and changes no server state, so a forged cross-site request
could gain nothing. Every other view keeps Django's CSRF protection.
"""

from __future__ import annotations

import json
from functools import wraps

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import etag

from .assessments import shown_assessment
from .languages import content_languages, source_language
from .openapi import openapi_document
from .selectors import published_knowledge_base
from .snapshot_memo import SameClinic, per_snapshot, same_clinic
from .triage import Answers, KnowledgeBase
from .triage.messages import Text
from .validation import parse_answers
from .wording import ShownAssessment

# The contract's plain-language fields are in English; clients translate with the list endpoints.
API_LANGUAGE = "en"


def _errors(status: int, errors: dict[str, list[str]]) -> JsonResponse:
    return JsonResponse({"errors": errors}, status=status)


def assessment_json(result: ShownAssessment) -> dict:
    """The contract's response body."""
    return {
        "urgency": result.urgency,
        "urgency_label": result.urgency_label,
        "guidance": result.guidance,
        "complications": [
            {
                "slug": c.slug,
                "name": c.name,
                "score": c.score,
                "urgency": c.urgency,
                "matched_symptoms": list(c.matched_symptoms),
                "explanation": c.explanation,
            }
            for c in result.complications
        ],
        "expected_effects": [
            {"slug": e.slug, "name": e.name, "usual_duration": e.usual_duration} for e in result.expected_effects
        ],
        "red_flags": list(result.red_flags),
        "raised_by": list(result.raised_by),
        "route": result.route,
        "route_fallback": result.route_fallback,
        "knowledge_base_version": result.knowledge_base_version,
        "engine_version": result.engine_version,
    }


def _read_limited_body(request: HttpRequest, limit: int) -> bytes | None:
    """The body, or None when it is larger than `limit` (checked without trusting headers)."""
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > limit:
        return None
    body = request.read(limit + 1)
    return None if len(body) > limit else body


@csrf_exempt
def assessments(request: HttpRequest) -> JsonResponse:
    if request.method != "POST":
        response = _errors(405, {"method": ["Use POST with a JSON body."]})
        response["Allow"] = "POST"
        return response
    body = _read_limited_body(request, settings.API_MAX_BODY_BYTES)
    if body is None:
        return _errors(413, {"body": [f"The body is larger than {settings.API_MAX_BODY_BYTES // 1024} KiB."]})
    if not body.strip():
        return _errors(400, {"body": ["The body is empty; send a JSON object."]})
    try:
        payload = json.loads(body.decode("utf-8"))
    except UnicodeDecodeError:
        return _errors(400, {"body": ["The body must be UTF-8 encoded JSON."]})
    except RecursionError:
        return _errors(400, {"body": ["The JSON is nested too deeply."]})
    except ValueError as exc:
        return _errors(400, {"body": [f"The body is not valid JSON: {exc}"]})
    kb = published_knowledge_base()
    if not kb.procedures:
        response = _errors(503, {"knowledge_base": ["No knowledge base is published yet."]})
        response["Retry-After"] = "60"
        return response
    answers, errors = parse_answers(kb, payload)
    if answers is None:
        return _errors(400, errors)
    return _json_response(_assessment_body(kb, answers, same_clinic()))


@per_snapshot("ASSESSMENT_MEMO_SIZE")
def _assessment_body(kb: KnowledgeBase, answers: Answers, clinic: SameClinic) -> bytes:
    """The response body for these answers, encoded once per answer set and release."""
    return _encoded(assessment_json(shown_assessment(kb, answers, API_LANGUAGE)))


def _encoded(data: dict) -> bytes:
    return json.dumps(data, cls=DjangoJSONEncoder).encode()


def _json_response(body: bytes) -> HttpResponse:
    return HttpResponse(body, content_type="application/json")


def get_only(view):
    """A GET (and HEAD) endpoint under /api/: any other method answers 405 in the contract's JSON
    error shape. CSRF does not apply: the endpoint changes nothing, whatever the method, so a forged
    request gains nothing (and a POST gets JSON, not Django's HTML 403)."""

    @csrf_exempt
    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.method not in ("GET", "HEAD"):
            response = _errors(405, {"method": ["Use GET."]})
            response["Allow"] = "GET, HEAD"
            return response
        return view(request, *args, **kwargs)

    return wrapped


def read_only_json(view):
    """A list endpoint of the published release (GET only).

    The answer depends only on the published release, so its ETag is the release's version: a
    client that sends If-None-Match gets 304 until staff publish again, and must revalidate each
    time (Cache-Control: no-cache) so it never keeps an old list."""

    def release_etag(request: HttpRequest, *args, **kwargs) -> str:
        return f"{view.__name__}-{published_knowledge_base().version}"

    cached = etag(release_etag)(view)

    @get_only
    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        response = cached(request, *args, **kwargs)
        response["Cache-Control"] = "no-cache"
        return response

    return wrapped


def _named(key: str, text: Text) -> dict[str, str]:
    """`key` in English, with the flat `<key>_<code>` of API_LIST_LANGUAGE_KEYS that integrations
    read ("" when not translated): the list endpoints' shape, whatever languages are configured."""
    return {
        key: text.get(source_language()),
        **{f"{key}_{code}": text.by_language.get(code, "") for code in settings.API_LIST_LANGUAGE_KEYS},
    }


def _translations(**texts: Text) -> dict[str, dict[str, str]]:
    """Every configured language's text, by language code then key ("" when not translated)."""
    return {
        language: {key: text.by_language.get(language, "") for key, text in texts.items()}
        for language in content_languages()
    }


@read_only_json
def procedure_list(request: HttpRequest) -> HttpResponse:
    return _json_response(_procedure_list_body(published_knowledge_base()))


@per_snapshot("PAGE_MEMO_SIZE")
def _procedure_list_body(kb: KnowledgeBase) -> bytes:
    """Built once per release (and process)."""
    return _encoded(
        {
            "knowledge_base_version": kb.version,
            "procedures": [
                {
                    "slug": p.slug,
                    **_named("name", p.name),
                    "aliases": list(p.aliases),
                    "kind": p.kind,
                    "translations": _translations(name=p.name),
                }
                for p in sorted(kb.procedures.values(), key=lambda p: (p.position, p.slug))
            ],
        }
    )


@read_only_json
def symptom_list(request: HttpRequest) -> HttpResponse:
    return _json_response(_symptom_list_body(published_knowledge_base()))


@per_snapshot("PAGE_MEMO_SIZE")
def _symptom_list_body(kb: KnowledgeBase) -> bytes:
    """Built once per release (and process)."""
    return _encoded(
        {
            "knowledge_base_version": kb.version,
            "symptoms": [
                {
                    "slug": s.slug,
                    **_named("label", s.label),
                    "group": s.group,
                    "translations": _translations(label=s.label),
                }
                for s in sorted(kb.symptoms.values(), key=lambda s: (s.position, s.slug))
            ],
            "areas": [
                {"slug": a.slug, **_named("name", a.name), "translations": _translations(name=a.name)}
                for a in kb.areas.values()
            ],
            "risk_factors": [
                {
                    "slug": r.slug,
                    **_named("label", r.label),
                    "group": r.group,
                    "translations": _translations(label=r.label),
                }
                for r in sorted(kb.risk_factors.values(), key=lambda r: (r.position, r.slug))
            ],
        }
    )


@get_only
def openapi_schema(request: HttpRequest) -> JsonResponse:
    """The OpenAPI 3.1 description (procedures/openapi.py)."""
    return JsonResponse(openapi_document(), json_dumps_params={"ensure_ascii": False})


@get_only
def api_docs(request: HttpRequest) -> HttpResponse:
    """Human-readable API docs: Swagger UI from static/vendor/, reading /api/v1/openapi.json."""
    return render(request, "api_docs.html")
