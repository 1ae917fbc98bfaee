"""Strict validation of an assessment request body (contract.md 1.1), shared by the API and the audit.

Wrong types are errors, never coerced: "3" is not a day count, true is not an integer, and an
unknown slug is reported rather than dropped. Returns either `Answers` or a dict of field errors
in the contract's `{"errors": {field: [messages]}}` shape. Every 1.0 body stays valid: the 1.1
fields are optional.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from typing import Any

from .triage import TRENDS, Answers, KnowledgeBase

MAX_DAYS = 3650
MAX_SLUGS = 200
MAX_SYMPTOMS = MAX_SLUGS
REQUIRED = ("procedure", "days_since_treatment", "symptoms")
OPTIONAL = ("trend", "area", "symptoms_started_day", "risk_factors", "already_seen")
FIELDS = REQUIRED + OPTIONAL

Errors = dict[str, list[str]]


class Invalid(ValueError):
    """One field's value is not acceptable; the message says why, in plain words."""


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _slug(value: Any, known: Collection[str], what: str) -> str:
    if not isinstance(value, str):
        raise Invalid(f"Must be a {what} slug (a string).")
    if value not in known:
        raise Invalid(f"Unknown {what} '{value[:60]}'.")
    return value


def _slug_list(value: Any, known: Collection[str], what: str) -> frozenset[str]:
    if not isinstance(value, list):
        raise Invalid(f"Must be a list of {what} slugs.")
    if len(value) > MAX_SLUGS:
        raise Invalid(f"At most {MAX_SLUGS} items.")
    if not all(isinstance(item, str) for item in value):
        raise Invalid(f"Every item must be a {what} slug (a string).")
    unknown = sorted({item for item in value if item not in known})
    if unknown:
        raise Invalid(f"Unknown {what}(s): {', '.join(item[:60] for item in unknown[:10])}.")
    return frozenset(value)


def _day(value: Any, highest: int = MAX_DAYS) -> int:
    if not _is_int(value):
        raise Invalid("Must be a whole number of days.")
    if value < 0 or value > highest:
        raise Invalid(f"Must be between 0 and {highest}.")
    return int(value)


def _trend(value: Any) -> str:
    if not isinstance(value, str) or value not in TRENDS:
        raise Invalid(f"Must be one of: {', '.join(TRENDS)}.")
    return value


def _boolean(value: Any) -> bool:
    if not isinstance(value, bool):
        raise Invalid("Must be true or false.")
    return value


def _parsers(kb: KnowledgeBase) -> dict[str, Callable[[Any], Any]]:
    return {
        "procedure": lambda v: _slug(v, kb.procedures, "procedure"),
        "days_since_treatment": _day,
        "symptoms": lambda v: _slug_list(v, kb.symptoms, "symptom"),
        "trend": _trend,
        "area": lambda v: _slug(v, kb.areas, "area"),
        "symptoms_started_day": _day,
        "risk_factors": lambda v: _slug_list(v, kb.risk_factors, "risk factor"),
        "already_seen": _boolean,
    }


_MISSING_MESSAGES = {"symptoms": "This field is required (it may be an empty list)."}


def parse_answers(kb: KnowledgeBase, body: Any) -> tuple[Answers | None, Errors]:
    if not isinstance(body, dict):
        return None, {"non_field_errors": ["The body must be a JSON object."]}
    errors: Errors = {}
    for key in sorted(str(key) for key in body if key not in FIELDS)[:20]:
        errors.setdefault(key[:60], []).append("Unknown field.")
    values: dict[str, Any] = {}
    parsers = _parsers(kb)
    for name in FIELDS:
        value = body.get(name)
        if value is None:
            if name in REQUIRED:
                errors.setdefault(name, []).append(_MISSING_MESSAGES.get(name, "This field is required."))
            continue
        try:
            values[name] = parsers[name](value)
        except Invalid as problem:
            errors.setdefault(name, []).append(str(problem))
    started, days = values.get("symptoms_started_day"), values.get("days_since_treatment")
    if started is not None and days is not None and started > days:
        errors.setdefault("symptoms_started_day", []).append(
            "Cannot be later than days_since_treatment: symptoms cannot begin after today."
        )
    if errors:
        return None, errors
    return (
        Answers(
            procedure=values["procedure"],
            days_since_treatment=values["days_since_treatment"],
            symptoms=values["symptoms"],
            trend=values.get("trend"),
            area=values.get("area"),
            symptoms_started_day=started,
            risk_factors=values.get("risk_factors", frozenset()),
            already_seen=values.get("already_seen", False),
        ),
        {},
    )
