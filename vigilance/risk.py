"""What a recorded treatment tells the engine: the risk factors of contract 1.1 its product implies.

The engine is not changed: a treatment record only adds risk-factor slugs to the patient's own
answers (a non-HA filler is `non-ha-filler`; an unlicensed product is `unknown-product`), exactly
as if the patient had ticked them, and the published knowledge base says what they do.
"""

from __future__ import annotations

from dataclasses import replace

from procedures.questionnaire import SESSION_KEY, saved_answers
from procedures.triage import Answers, Assessment, KnowledgeBase, UnknownProcedure, assess

from . import vocabulary
from .models import TreatmentRecord


def implied_risk_factors(treatment: TreatmentRecord) -> frozenset[str]:
    """The risk-factor slugs a treatment record implies, from its product class and licence."""
    implied = set(vocabulary.PRODUCT_CLASS[treatment.product_class].risk_factors)
    if not treatment.licensed:
        implied.add(vocabulary.UNLICENSED_RISK_FACTOR)
    return frozenset(implied)


def answers_from_record(stored: dict, kb: KnowledgeBase) -> Answers | None:
    """The engine's input from answers stored with a contact request (the questionnaire's own
    session shape, read by the questionnaire's own reader). None when incomplete."""
    return saved_answers({SESSION_KEY: stored}, kb)


def answers_with_treatment(answers: Answers, treatment: TreatmentRecord, kb: KnowledgeBase) -> Answers:
    """The patient's answers plus what the clinic's record adds (only slugs the release knows)."""
    added = frozenset(slug for slug in implied_risk_factors(treatment) if slug in kb.risk_factors)
    return replace(answers, risk_factors=answers.risk_factors | added)


def assessment_with_treatment(kb: KnowledgeBase, stored: dict, treatment: TreatmentRecord) -> Assessment | None:
    """The engine's answer on the patient's answers and the treatment record together, or None
    when the answers are incomplete or name a treatment the release does not know."""
    answers = answers_from_record(stored, kb)
    if answers is None:
        return None
    try:
        return assess(kb, answers_with_treatment(answers, treatment, kb))
    except UnknownProcedure:
        return None
