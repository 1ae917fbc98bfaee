"""The questionnaire as kept in the server-side session: the one place that knows its keys.

The patient views, the contact views and the contact form's template tag read and write the
session only through these helpers, so nothing else names a session key.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import get_language

from .languages import supported_language
from .triage import Answers, KnowledgeBase

SESSION_KEY = "check"  # the answers, one entry per step
PENDING_KEY = "contact_pending"  # what the patient typed, kept in the session only until shown again
SENT_KEY = "contact_sent"  # the reference of the request made in this session

STEPS = ("screen", "treatment", "symptoms")


def patient_language() -> str:
    """The language of the current request, as the engine and the knowledge base name it: the
    active language when it is one of settings.LANGUAGES (or a variant of one), else English."""
    return supported_language(get_language())


# --- The answers, step by step ---------------------------------------------------------------


def saved_steps(session) -> dict:
    """The answers saved so far, by step name (empty before the first step)."""
    return session.get(SESSION_KEY, {})


def save_step(session, step: str, data: dict) -> None:
    answers = dict(saved_steps(session))
    answers[step] = data
    # A changed earlier step invalidates nothing the patient typed later, so later steps stay.
    session[SESSION_KEY] = answers


def missing_step(session, upto: str | None = None) -> str | None:
    """The first step before `upto` (or, without it, of the whole questionnaire) not answered yet."""
    answers = saved_steps(session)
    for step in STEPS if upto is None else STEPS[: STEPS.index(upto)]:
        if step not in answers:
            return step
    return None


def forget_answers(session) -> None:
    """Start again: the answers are dropped from the session, with any contact request made about
    them (a new result is judged on its own level, and offers its own contact form)."""
    for key in (SESSION_KEY, SENT_KEY, PENDING_KEY):
        session.pop(key, None)


def saved_answers(session, kb: KnowledgeBase) -> Answers | None:
    """The engine's input from a completed questionnaire, or None while a step is missing."""
    saved = session.get(SESSION_KEY) or {}
    treatment, reported = saved.get("treatment"), saved.get("symptoms")
    if not treatment or reported is None or treatment.get("procedure") not in kb.procedures:
        return None
    more = saved.get("followup") or {}
    return Answers(
        procedure=treatment["procedure"],
        days_since_treatment=treatment["days"],
        symptoms=frozenset(s for s in reported.get("symptoms", []) if s in kb.symptoms),
        trend=reported.get("trend"),
        area=treatment.get("area") if treatment.get("area") in kb.areas else None,
        symptoms_started_day=_started_day(more.get("started_day"), treatment["days"]),
        risk_factors=frozenset(s for s in more.get("risk_factors", []) if s in kb.risk_factors),
        already_seen=bool(more.get("already_seen")),
    )


def _started_day(value: object, days: int) -> int | None:
    """The saved onset day, if it still fits the treatment day (the patient may have changed it)."""
    return value if isinstance(value, int) and 0 <= value <= days else None


def save_follow_up(session, data: dict) -> None:
    """The optional follow-up answers (onset, risk factors, already seen)."""
    save_step(session, "followup", data)


def forget_follow_up(session) -> None:
    """Changed symptoms may make other follow-up questions matter: ask them afresh."""
    answers = dict(saved_steps(session))
    answers.pop("followup", None)
    session[SESSION_KEY] = answers


# --- "Ask my clinic to contact me" -----------------------------------------------------------


def keep_pending_contact(session, typed: dict[str, Any]) -> None:
    """Keep a refused contact form until the result page shows it again with its errors."""
    session[PENDING_KEY] = typed


def pop_pending_contact(session) -> dict[str, Any] | None:
    """The refused contact form to show again, dropped from the session as it is read."""
    return session.pop(PENDING_KEY, None)


def remember_contact_sent(session, reference: int) -> None:
    session[SENT_KEY] = reference


def contact_sent_reference(session) -> int | None:
    """The reference of the contact request made in this session, if any."""
    return session.get(SENT_KEY)
