"""Strict validation of an assessment request body (contract.md), shared by the API and the audit.

Wrong types are errors, never coerced: "3" is not a day count, true is not an integer, and an
unknown slug is reported rather than dropped. Returns either `Answers` or a dict of field errors
in the contract's `{"errors": {field: [messages]}}` shape.
"""

from __future__ import annotations

from typing import Any

from .triage import TRENDS, Answers, KnowledgeBase

MAX_DAYS = 3650
MAX_SYMPTOMS = 200
FIELDS = ("procedure", "days_since_treatment", "symptoms", "trend", "area")


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def parse_answers(kb: KnowledgeBase, body: Any) -> tuple[Answers | None, dict[str, list[str]]]:
    errors: dict[str, list[str]] = {}

    def fail(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    if not isinstance(body, dict):
        return None, {"non_field_errors": ["The body must be a JSON object."]}

    unknown = sorted(str(key) for key in body if key not in FIELDS)
    for key in unknown[:20]:
        fail(key if len(key) <= 60 else key[:60], "Unknown field.")

    procedure = body.get("procedure")
    if "procedure" not in body or procedure is None:
        fail("procedure", "This field is required.")
    elif not isinstance(procedure, str):
        fail("procedure", "Must be a procedure slug (a string).")
    elif procedure not in kb.procedures:
        fail("procedure", f"Unknown procedure '{procedure[:60]}'.")

    days = body.get("days_since_treatment")
    if "days_since_treatment" not in body or days is None:
        fail("days_since_treatment", "This field is required.")
    elif not _is_int(days):
        fail("days_since_treatment", "Must be a whole number of days.")
    elif days < 0 or days > MAX_DAYS:
        fail("days_since_treatment", f"Must be between 0 and {MAX_DAYS}.")

    symptoms = body.get("symptoms")
    symptom_set: frozenset[str] = frozenset()
    if "symptoms" not in body or symptoms is None:
        fail("symptoms", "This field is required (it may be an empty list).")
    elif not isinstance(symptoms, list):
        fail("symptoms", "Must be a list of symptom slugs.")
    elif len(symptoms) > MAX_SYMPTOMS:
        fail("symptoms", f"At most {MAX_SYMPTOMS} items.")
    elif not all(isinstance(s, str) for s in symptoms):
        fail("symptoms", "Every item must be a symptom slug (a string).")
    else:
        unknown_symptoms = sorted({s for s in symptoms if s not in kb.symptoms})
        if unknown_symptoms:
            shown = ", ".join(s[:60] for s in unknown_symptoms[:10])
            fail("symptoms", f"Unknown symptom(s): {shown}.")
        symptom_set = frozenset(symptoms)

    trend = body.get("trend")
    if trend is not None and (not isinstance(trend, str) or trend not in TRENDS):
        fail("trend", f"Must be one of: {', '.join(TRENDS)}.")

    area = body.get("area")
    if area is not None and (not isinstance(area, str) or area not in kb.areas):
        fail("area", f"Must be one of: {', '.join(kb.areas)}.")

    if errors:
        return None, errors
    return (
        Answers(
            procedure=procedure,
            days_since_treatment=days,
            symptoms=symptom_set,
            trend=trend,
            area=area,
        ),
        {},
    )
