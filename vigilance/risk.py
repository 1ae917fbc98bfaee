"""What a recorded treatment tells the engine: the risk factors of contract 1.1 its product implies.

The engine is not changed: a treatment record only adds risk-factor slugs to the patient's own
answers (a non-HA filler is `non-ha-filler`; an unlicensed product is `unknown-product`), exactly
as if the patient had ticked them, and the published knowledge base says what they do. The same
holds for a record the patient reported themselves (a check-in asks before it assesses; the contact
form comes after the result and changes nothing the patient was told).
"""

from __future__ import annotations

from dataclasses import replace

from checkins.models import Checkin
from procedures.questionnaire import SESSION_KEY, saved_answers
from procedures.triage import Answers, Assessment, KnowledgeBase, UnknownProcedure, assess

from . import vocabulary
from .models import TreatmentRecord


def implied_risk_factors(treatment: TreatmentRecord) -> frozenset[str]:
    """The risk-factor slugs a treatment record implies, from its product class and licence.

    `unknown-product` is the knowledge base's "the product's name or origin is unknown, or it was
    bought online": a product not licensed here, or one whose kind and name are both unknown. A
    licence the patient does not know about implies nothing by itself (few patients know it)."""
    implied = set(vocabulary.PRODUCT_CLASS[treatment.product_class].risk_factors)
    if treatment.licensed is False:
        implied.add(vocabulary.UNLICENSED_RISK_FACTOR)
    if treatment.product_class == vocabulary.UNKNOWN_CLASS and not treatment.product_name.strip():
        implied.add(vocabulary.UNLICENSED_RISK_FACTOR)
    return frozenset(implied)


def checkin_risk_factors(checkin: Checkin, kb: KnowledgeBase) -> frozenset[str]:
    """The risk factors of every treatment record linked to this enrolment's check-ins (the
    clinic's or the patient's own report), as slugs the release knows. One query."""
    records = TreatmentRecord.objects.filter(links__checkin__enrolment_id=checkin.enrolment_id).only(
        "product_class", "licensed", "product_name"
    )
    implied = frozenset().union(*(implied_risk_factors(record) for record in records))
    return frozenset(slug for slug in implied if slug in kb.risk_factors)


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
