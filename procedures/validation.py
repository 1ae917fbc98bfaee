"""Strict validation of an assessment request body (contract.md 1.1), shared by the API and the audit.

The shape is `AssessmentRequest` (procedures/api_schema.py), the model the OpenAPI schema is made
from; the knowledge base is handed to it so that it also refuses slugs that are not published.
This module says the model's refusals in the API's own words and applies the one rule a JSON
schema cannot state (symptoms cannot begin after today).

Wrong types are errors, never coerced: "3" is not a day count, true is not an integer, and an
unknown slug is reported rather than dropped. Returns either `Answers` or a dict of field errors
in the contract's `{"errors": {field: [messages]}}` shape. Every 1.0 body stays valid: the 1.1
fields are optional.
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from .api_schema import MAX_DAYS, MAX_SLUGS, AssessmentRequest, published_slugs
from .triage import TRENDS, Answers, KnowledgeBase

__all__ = ["MAX_DAYS", "MAX_SLUGS", "Errors", "parse_answers"]

# At most this many unknown fields are named back, each name cut to QUOTED_FIELD_CHARS.
MAX_UNKNOWN_FIELDS = 20
QUOTED_FIELD_CHARS = 60

Errors = dict[str, list[str]]

# The API's words for pydantic's error types; {what} is the field's kind of slug ("symptom"), {a_what}
# the same with its article ("a symptom").
_MESSAGES = {
    "missing": "This field is required.",
    "extra_forbidden": "Unknown field.",
    "string_type": "Must be {a_what} slug (a string).",
    "list_type": "Must be a list of {what} slugs.",
    "too_long": f"At most {MAX_SLUGS} items.",
    "int_type": "Must be a whole number of days.",
    "greater_than_equal": f"Must be between 0 and {MAX_DAYS}.",
    "less_than_equal": f"Must be between 0 and {MAX_DAYS}.",
    "literal_error": f"Must be one of: {', '.join(TRENDS)}.",
    "bool_type": "Must be true or false.",
}
_ITEM_MESSAGES = {"string_type": "Every item must be {a_what} slug (a string)."}
_MISSING_MESSAGES = {"symptoms": "This field is required (it may be an empty list)."}


_SLUG_FIELDS = published_slugs(AssessmentRequest)


def _slug_kind(field: str) -> dict[str, str]:
    """The kind of slug a field holds, bare and with its article: "symptom", "a symptom"."""
    marker = _SLUG_FIELDS.get(field)
    what = marker.what if marker else field
    return {"what": what, "a_what": f"{'an' if what[0] in 'aeiou' else 'a'} {what}"}


def _message(field: str, error: ErrorDetails) -> str:
    kind = error["type"]
    if kind == "missing":
        return _MISSING_MESSAGES.get(field, _MESSAGES["missing"])
    in_item = len(error["loc"]) > 1 and kind in _ITEM_MESSAGES
    template = (_ITEM_MESSAGES if in_item else _MESSAGES).get(kind)
    if template is None:  # our own checks (an unknown slug) already speak plainly
        return error["msg"]
    return template.format(**_slug_kind(field))


def _field_errors(invalid: ValidationError) -> Errors:
    """The model's refusals as {field: [messages]}, each message once per field."""
    errors: Errors = {}
    refusals = invalid.errors()
    unknown = sorted(str(e["loc"][0]) for e in refusals if e["type"] == "extra_forbidden")
    for name in unknown[:MAX_UNKNOWN_FIELDS]:
        errors.setdefault(name[:QUOTED_FIELD_CHARS], []).append(_MESSAGES["extra_forbidden"])
    for error in refusals:
        if error["type"] == "extra_forbidden":
            continue
        field = str(error["loc"][0])
        message = _message(field, error)
        if message not in errors.setdefault(field, []):
            errors[field].append(message)
    return errors


def _started_after_today(body: dict[str, Any], errors: Errors) -> bool:
    """symptoms_started_day may not exceed days_since_treatment (when both are otherwise valid)."""
    if "symptoms_started_day" in errors or "days_since_treatment" in errors:
        return False
    started, days = body.get("symptoms_started_day"), body.get("days_since_treatment")
    return started is not None and days is not None and started > days


def parse_answers(kb: KnowledgeBase, body: Any) -> tuple[Answers | None, Errors]:
    if not isinstance(body, dict):
        return None, {"non_field_errors": ["The body must be a JSON object."]}
    # A null is an absent field, as it has always been: optional ones are unknown, required ones missing.
    present = {key: value for key, value in body.items() if value is not None}
    try:
        request = AssessmentRequest.model_validate(present, context={"knowledge_base": kb})
        errors: Errors = {}
    except ValidationError as invalid:
        request, errors = None, _field_errors(invalid)
    if _started_after_today(present, errors):
        errors.setdefault("symptoms_started_day", []).append(
            "Cannot be later than days_since_treatment: symptoms cannot begin after today."
        )
    if errors or request is None:
        return None, errors
    return (
        Answers(
            procedure=request.procedure,
            days_since_treatment=request.days_since_treatment,
            symptoms=frozenset(request.symptoms),
            trend=request.trend,
            area=request.area,
            symptoms_started_day=request.symptoms_started_day,
            risk_factors=frozenset(request.risk_factors or ()),
            already_seen=bool(request.already_seen),
        ),
        {},
    )
