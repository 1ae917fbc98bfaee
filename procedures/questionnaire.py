"""The questionnaire's answers as kept in the server-side session, shared by every patient view."""

from __future__ import annotations

from django.utils.translation import get_language

from .triage import Answers, KnowledgeBase

SESSION_KEY = "check"


def patient_language() -> str:
    """The language of the current request, as the engine and the knowledge base name it."""
    return "es" if (get_language() or "en").startswith("es") else "en"


def saved_answers(session, kb: KnowledgeBase) -> Answers | None:
    """The engine's input from a completed questionnaire, or None while a step is missing."""
    saved = session.get(SESSION_KEY) or {}
    treatment, reported = saved.get("treatment"), saved.get("symptoms")
    if not treatment or reported is None or treatment.get("procedure") not in kb.procedures:
        return None
    return Answers(
        procedure=treatment["procedure"],
        days_since_treatment=treatment["days"],
        symptoms=frozenset(s for s in reported.get("symptoms", []) if s in kb.symptoms),
        trend=reported.get("trend"),
        area=treatment.get("area"),
    )
