"""FHIR R4 resources, built as plain JSON-ready dicts: the published Questionnaire (generated from
the questionnaire itself), and per contact request or check-in a Bundle of QuestionnaireResponse,
RiskAssessment, Procedure with its Device or Medication and lot, Task and Communication; and the
AdverseEvent of a report.

What leaves is what staff need (docs/vigilance.md, "Privacy"): no name, phone, email or free-text
note of the patient. The patient is named only by the request's or check-in's number, as an
identifier that the clinic's own system matches. Codes: our own code systems under
settings.VIGILANCE_FHIR_BASE_URL for slugs and levels; HL7's adverse-event outcome codes; a MedDRA
code only when staff entered one; a SNOMED CT finding beside our complication code only where
one was verified (vigilance/terminology.py, docs/terminology.md), words otherwise.
Tests validate every resource with fhir.resources (tests/test_vigilance.py).
"""

from __future__ import annotations

import html
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.utils import timezone

from checkins.models import Checkin
from procedures.models import ContactRequest
from procedures.triage import KnowledgeBase
from procedures.triage.scales import TRENDS_SPEC, level

from . import terminology, vocabulary
from .models import AdverseEventReport, TreatmentRecord
from .risk import assessment_with_treatment, implied_risk_factors

QUESTIONNAIRE_ID = "symptomcheck"
_NAMESPACE = uuid.UUID("9c1b6c8e-4a53-4c2e-9a0e-6b1f5f0d7a11")  # fixed: the same export, the same ids


def base_url() -> str:
    return settings.VIGILANCE_FHIR_BASE_URL


def code_system(name: str) -> str:
    """One of our own code systems (the knowledge base's slugs, the urgency levels)."""
    return f"{base_url()}/CodeSystem/{name}"


def questionnaire_url() -> str:
    return f"{base_url()}/Questionnaire/{QUESTIONNAIRE_ID}"


def _en(text) -> str:
    return text.get("en") if hasattr(text, "get") else str(text)


# --- The questionnaire: one description of every item, read by both directions ---------------


@dataclass(frozen=True)
class Item:
    """One question, as stored in a contact request's answers (`group` → `key`)."""

    group: str
    key: str
    text: str
    kind: str  # FHIR item type: choice, integer or boolean
    repeats: bool = False
    system: str = ""  # our code system for a choice's answers
    options: Callable[[KnowledgeBase], Iterable[tuple[str, str]]] | None = None

    @property
    def link_id(self) -> str:
        return f"{self.group}.{self.key}"


def _symptoms(kb: KnowledgeBase, slugs: Iterable[str]) -> list[tuple[str, str]]:
    return [(slug, _en(kb.symptoms[slug].label)) for slug in slugs if slug in kb.symptoms]


ITEMS = (
    Item(
        "screen",
        "red_flags",
        "Emergency signs now",
        "choice",
        True,
        "symptom",
        lambda kb: _symptoms(kb, kb.emergency_screen_symptoms),
    ),
    Item(
        "treatment",
        "procedure",
        "Treatment",
        "choice",
        False,
        "procedure",
        lambda kb: [(s, _en(p.name)) for s, p in kb.procedures.items()],
    ),
    Item("treatment", "days", "Days since the treatment", "integer"),
    Item(
        "treatment",
        "area",
        "Treated area",
        "choice",
        False,
        "area",
        lambda kb: [(s, _en(a.name)) for s, a in kb.areas.items()],
    ),
    Item("symptoms", "symptoms", "Symptoms", "choice", True, "symptom", lambda kb: _symptoms(kb, kb.symptoms)),
    Item(
        "symptoms",
        "trend",
        "How the symptoms are going",
        "choice",
        False,
        "trend",
        lambda kb: [(t.value, t.label) for t in TRENDS_SPEC],
    ),
    Item("followup", "started_day", "Day the symptoms began", "integer"),
    Item(
        "followup",
        "risk_factors",
        "Risk factors",
        "choice",
        True,
        "risk-factor",
        lambda kb: [(s, _en(r.label)) for s, r in kb.risk_factors.items()],
    ),
    Item("followup", "already_seen", "Already seen by a clinician for this", "boolean"),
    Item("checkin", "day", "Check-in day after the treatment", "integer"),
    Item(
        "checkin",
        "answer",
        "Anything new or worse?",
        "choice",
        False,
        "checkin-answer",
        lambda kb: list(Checkin.Answer.choices),
    ),
)
GROUP_TEXT = {
    "screen": "Emergency check",
    "treatment": "The treatment",
    "symptoms": "Symptoms",
    "followup": "Follow-up questions",
    "checkin": "Check-in after the visit",
}


def questionnaire(kb: KnowledgeBase) -> dict[str, Any]:
    """The published Questionnaire, generated from the interview's items and the release's lists."""
    groups: dict[str, list[dict]] = {}
    for item in ITEMS:
        question: dict[str, Any] = {"linkId": item.link_id, "text": item.text, "type": item.kind}
        if item.repeats:
            question["repeats"] = True
        if item.options is not None:
            question["answerOption"] = [
                {"valueCoding": {"system": code_system(item.system), "code": code, "display": str(display)}}
                for code, display in item.options(kb)
            ]
        groups.setdefault(item.group, []).append(question)
    return {
        "resourceType": "Questionnaire",
        "id": QUESTIONNAIRE_ID,
        "url": questionnaire_url(),
        "version": kb.version,
        "name": "SymptomcheckAfterCosmeticTreatment",
        "title": "Symptom check after a cosmetic treatment",
        "status": "active",
        "subjectType": ["Patient"],
        "item": [
            {"linkId": group, "text": GROUP_TEXT[group], "type": "group", "item": questions}
            for group, questions in groups.items()
        ],
    }


def exported_answers(stored: dict) -> dict[str, dict[str, Any]]:
    """The answers a QuestionnaireResponse carries: every item of ITEMS the patient answered."""
    found: dict[str, dict[str, Any]] = {}
    for item in ITEMS:
        value = (stored.get(item.group) or {}).get(item.key)
        if value is None or value == "" or value == []:
            continue
        found.setdefault(item.group, {})[item.key] = list(value) if item.repeats else value
    return found


def _answer(item: Item, value: Any, kb: KnowledgeBase) -> dict[str, Any]:
    if item.kind == "integer":
        return {"valueInteger": int(value)}
    if item.kind == "boolean":
        return {"valueBoolean": bool(value)}
    labels = dict(item.options(kb)) if item.options else {}
    return {
        "valueCoding": {"system": code_system(item.system), "code": value, "display": str(labels.get(value, value))}
    }


def questionnaire_response(stored: dict, kb: KnowledgeBase, *, authored: datetime, subject: dict, version: str) -> dict:
    answers = exported_answers(stored)
    groups = []
    for group, values in answers.items():
        questions = []
        for item in ITEMS:
            if item.group == group and item.key in values:
                value = values[item.key]
                listed = value if item.repeats else [value]
                questions.append(
                    {"linkId": item.link_id, "text": item.text, "answer": [_answer(item, v, kb) for v in listed]}
                )
        groups.append({"linkId": group, "text": GROUP_TEXT[group], "item": questions})
    return {
        "resourceType": "QuestionnaireResponse",
        "questionnaire": f"{questionnaire_url()}|{version}",
        "status": "completed",
        "subject": subject,
        "authored": authored.isoformat(),
        "item": groups,
    }


def answers_from_questionnaire_response(response: dict) -> dict[str, dict[str, Any]]:
    """The answers back out of a QuestionnaireResponse (the inverse of questionnaire_response)."""
    by_link = {item.link_id: item for item in ITEMS}
    found: dict[str, dict[str, Any]] = {}
    for group in response.get("item", []):
        for question in group.get("item", []):
            item = by_link[question["linkId"]]
            values = [_value(answer) for answer in question.get("answer", [])]
            found.setdefault(item.group, {})[item.key] = values if item.repeats else values[0]
    return found


def _value(answer: dict) -> Any:
    if "valueCoding" in answer:
        return answer["valueCoding"]["code"]
    return answer.get("valueInteger", answer.get("valueBoolean"))


# --- The rest of a Bundle --------------------------------------------------------------------


def level_concept(value: str) -> dict:
    label = str(level(value).label)
    return {"coding": [{"system": code_system("urgency-level"), "code": value, "display": label}], "text": label}


def risk_assessment(result: dict, *, subject: dict, basis: str, when: datetime, method: str, note: str = "") -> dict:
    """The level the patient was given and the complications in the order they were ranked."""
    predictions = [{"outcome": {"text": "Urgency of care"}, "qualitativeRisk": level_concept(result["urgency"])}]
    for rank, found in enumerate(result.get("complications") or [], start=1):
        predictions.append(
            {
                "outcome": complication_concept(found["slug"], str(found["name"])),
                "qualitativeRisk": level_concept(found["urgency"]),
                "rationale": f"Ranked {rank} of {len(result['complications'])} by the symptom checker",
            }
        )
    resource = {
        "resourceType": "RiskAssessment",
        "status": "final",
        "subject": subject,
        "occurrenceDateTime": when.isoformat(),
        "method": {"text": method},
        "basis": [{"reference": basis}],
        "prediction": predictions,
    }
    if note:
        resource["note"] = [{"text": note}]
    return resource


LICENCE_TEXT = {True: "", False: " (not licensed)", None: " (licence not known)"}


def product(treatment: TreatmentRecord) -> dict:
    """The product as FHIR knows it: a Device (fillers, energy devices, or a product whose kind is
    not known) or a Medication, with its lot when known."""
    spec = vocabulary.PRODUCT_CLASS[treatment.product_class]
    licence = LICENCE_TEXT[treatment.licensed]
    name = treatment.product_name or "Product not named"
    if spec.fhir_resource == vocabulary.DEVICE:
        resource = {
            "resourceType": "Device",
            "deviceName": [{"name": name, "type": "user-friendly-name"}],
            "type": {"text": f"{spec.label}{licence}"},
        }
        if treatment.lot_number:
            resource["lotNumber"] = treatment.lot_number
        if treatment.manufacturer:
            resource["manufacturer"] = treatment.manufacturer
        return resource
    resource = {"resourceType": "Medication", "code": {"text": f"{name} ({spec.label}){licence}"}}
    if treatment.lot_number:
        resource["batch"] = {"lotNumber": treatment.lot_number}
    if treatment.manufacturer:
        resource["manufacturer"] = {"display": treatment.manufacturer}
    return resource


def procedure(
    kb: KnowledgeBase, stored: dict, treatment: TreatmentRecord | None, *, subject: dict, product_ref: str
) -> dict:
    """The treatment: from the clinic's record when linked, else as the patient named it."""
    slug = treatment.procedure if treatment else (stored.get("treatment") or {}).get("procedure", "")
    known = kb.procedures.get(slug)
    name = _en(known.name) if known else slug
    resource: dict[str, Any] = {
        "resourceType": "Procedure",
        "status": "completed",
        "subject": subject,
        "code": {"coding": [{"system": code_system("procedure"), "code": slug, "display": name}], "text": name},
    }
    if treatment is None:
        resource["note"] = [{"text": "As named by the patient; no treatment record is linked."}]
        return resource
    resource["usedReference"] = [{"reference": product_ref}]
    if treatment.reported_by_patient:
        checked = "checked by the clinic" if treatment.checked_at else "not checked by the clinic"
        resource["note"] = [{"text": f"Product, date and place as reported by the patient; {checked}."}]
        resource["performedDateTime"] = timezone.localdate(treatment.performed_at).isoformat()
    else:
        resource["performedDateTime"] = treatment.performed_at.isoformat()
    if treatment.practitioner:
        resource["performer"] = [{"actor": {"display": treatment.practitioner}}]
    if treatment.site:
        resource["location"] = {"display": treatment.site}
    if treatment.area:
        area = kb.areas.get(treatment.area)
        resource["bodySite"] = [
            {
                "coding": [{"system": code_system("area"), "code": treatment.area}],
                "text": _en(area.name) if area else treatment.area,
            }
        ]
    return resource


TASK_STATUS = {
    ContactRequest.Status.NEW: "requested",
    ContactRequest.Status.ACKNOWLEDGED: "accepted",
    ContactRequest.Status.CONTACTED: "in-progress",
    ContactRequest.Status.CLOSED: "completed",
}
TASK_PRIORITY = {"emergency": "stat", "urgent": "urgent"}  # FHIR request-priority; others routine


def task(request: ContactRequest, *, subject: dict, focus: str) -> dict:
    resource = {
        "resourceType": "Task",
        "status": TASK_STATUS[request.status],
        "businessStatus": {"text": request.get_status_display()},
        "intent": "order",
        "priority": TASK_PRIORITY.get(request.urgency, "routine"),
        "description": f"Contact the patient: {request.get_urgency_display()} result of the symptom checker",
        "focus": {"reference": focus},
        "for": subject,
        "authoredOn": request.created_at.isoformat(),
        "lastModified": request.updated_at.isoformat(),
    }
    if request.outcome:
        resource["note"] = [{"text": f"Outcome: {request.get_outcome_display()}"}]
    return resource


def communication(request: ContactRequest, *, subject: dict, task_ref: str) -> dict:
    """The clinic's contact with the patient: done (when it was) or still to do."""
    resource: dict[str, Any] = {
        "resourceType": "Communication",
        "basedOn": [{"reference": task_ref}],
        "subject": subject,
        "category": [{"text": "Follow-up of a symptom check"}],
    }
    if request.contacted_at:
        resource["status"] = "completed"
        resource["sent"] = request.contacted_at.isoformat()
        resource["payload"] = [{"contentString": "The clinic contacted the patient."}]
    else:
        resource["status"] = "preparation"
        resource["payload"] = [{"contentString": "The clinic has not contacted the patient yet."}]
    return resource


def checkin_communication(checkin: Checkin, *, subject: dict) -> dict:
    """The check-in message itself, when no queue line followed it."""
    sent = checkin.status not in (Checkin.Status.SCHEDULED, Checkin.Status.CANCELLED)
    resource: dict[str, Any] = {
        "resourceType": "Communication",
        "status": "completed" if sent else "preparation",
        "subject": subject,
        "category": [{"text": f"Check-in on day {checkin.day} after the treatment"}],
        "payload": [{"contentString": f"Check-in: {checkin.get_status_display()}"}],
    }
    if checkin.sent_at:
        resource["sent"] = checkin.sent_at.isoformat()
    return resource


# --- Bundles ---------------------------------------------------------------------------------


class _Entries:
    """A Bundle's entries, each with a stable urn:uuid full URL (the same export, the same ids)."""

    def __init__(self, scope: str):
        self.scope = scope
        self.entries: list[dict] = []

    def url(self, name: str) -> str:
        return f"urn:uuid:{uuid.uuid5(_NAMESPACE, f'{self.scope}/{name}')}"

    def add(self, name: str, resource: dict) -> str:
        full_url = self.url(name)
        resource.setdefault("id", full_url.rsplit(":", 1)[1])
        self.entries.append({"fullUrl": full_url, "resource": resource})
        return full_url

    def bundle(self) -> dict:
        return {
            "resourceType": "Bundle",
            "id": str(uuid.uuid5(_NAMESPACE, self.scope)),
            "identifier": {"system": f"{base_url()}/export", "value": self.scope},
            "type": "collection",
            "timestamp": timezone.now().isoformat(),
            "entry": self.entries,
        }


def subject_of(kind: str, pk: int) -> dict:
    """The patient, named only by the number staff find them under in the queue."""
    return {
        "type": "Patient",
        "identifier": {"system": f"{base_url()}/{kind}", "value": str(pk)},
        "display": f"Patient of {kind.replace('-', ' ')} #{pk}",
    }


def _treatment_part(
    entries: _Entries, kb: KnowledgeBase, stored: dict, treatment: TreatmentRecord | None, subject: dict
) -> None:
    product_ref = ""
    if treatment is not None:
        product_ref = entries.add("product", product(treatment))
    entries.add("procedure", procedure(kb, stored, treatment, subject=subject, product_ref=product_ref))


def _treatment_note(kb: KnowledgeBase, stored: dict, treatment: TreatmentRecord | None, told: str) -> str:
    """What the clinic's record adds to the engine's answer (contract 1.1 risk factors)."""
    if treatment is None or not implied_risk_factors(treatment):
        return ""
    again = assessment_with_treatment(kb, stored, treatment)
    if again is None:
        return ""
    factors = ", ".join(sorted(implied_risk_factors(treatment)))
    record = (
        "the patient's own report of the product" if treatment.reported_by_patient else "the clinic's treatment record"
    )
    return f"With {record} (risk factors: {factors}) the engine gives {again.urgency}; the patient was told {told}."


def _request_part(
    entries: _Entries, kb: KnowledgeBase, request: ContactRequest, stored: dict, subject: dict, treatment
) -> None:
    response = entries.add(
        "questionnaire-response",
        questionnaire_response(
            stored, kb, authored=request.created_at, subject=subject, version=request.knowledge_base_version
        ),
    )
    method = f"symptomcheck engine {request.engine_version}, knowledge base {request.knowledge_base_version}"
    note = _treatment_note(kb, request.answers, treatment, request.urgency)
    result = {"urgency": request.urgency, **(request.result or {})}
    entries.add(
        "risk-assessment",
        risk_assessment(result, subject=subject, basis=response, when=request.created_at, method=method, note=note),
    )
    _treatment_part(entries, kb, request.answers, treatment, subject)
    task_ref = entries.add("task", task(request, subject=subject, focus=response))
    entries.add("communication", communication(request, subject=subject, task_ref=task_ref))


def contact_request_bundle(request: ContactRequest, kb: KnowledgeBase, treatment: TreatmentRecord | None) -> dict:
    entries = _Entries(f"contact-request/{request.pk}")
    subject = subject_of("contact-request", request.pk)
    _request_part(entries, kb, request, request.answers, subject, treatment)
    return entries.bundle()


def checkin_bundle(checkin: Checkin, kb: KnowledgeBase, treatment: TreatmentRecord | None) -> dict:
    entries = _Entries(f"checkin/{checkin.pk}")
    subject = subject_of("checkin", checkin.pk)
    request = checkin.contact_request
    stored = dict(request.answers) if request else {}
    stored["checkin"] = {"day": checkin.day, "answer": checkin.answer or None}
    if request is not None:
        _request_part(entries, kb, request, stored, subject, treatment)
        return entries.bundle()
    authored = checkin.answered_at or checkin.due_at
    version = kb.version
    entries.add(
        "questionnaire-response",
        questionnaire_response(stored, kb, authored=authored, subject=subject, version=version),
    )
    if treatment is not None:
        _treatment_part(entries, kb, {}, treatment, subject)
    entries.add("communication", checkin_communication(checkin, subject=subject))
    return entries.bundle()


# --- Adverse-event reports -------------------------------------------------------------------

OUTCOME_DISPLAY = {  # as the R4 code system adverse-event-outcome displays them
    "resolved": "Resolved",
    "recovering": "Recovering",
    "ongoing": "Ongoing",
    "resolvedWithSequelae": "Resolved with Sequelae",
    "fatal": "Fatal",
    "unknown": "Unknown",
}


def _report_product(report: AdverseEventReport) -> dict:
    resource = product(
        TreatmentRecord(
            product_name=report.product_name,
            manufacturer=report.manufacturer,
            product_class=report.product_class,
            licensed=report.licensed,
            lot_number=report.lot_number,
        )
    )
    resource["id"] = "product"
    if resource["resourceType"] == "Device":
        # What the EU device form asks for, when staff entered it (FHIR R4 Device elements).
        if report.udi:
            resource["udiCarrier"] = [{"carrierHRF": report.udi}]
        if report.serial_number:
            resource["serialNumber"] = report.serial_number
        if report.model_number:
            resource["modelNumber"] = report.model_number
    return resource


def complication_concept(slug: str, name: str) -> dict:
    """A complication: our own code, and beside it the SNOMED CT finding where one was verified
    (docs/terminology.md); words otherwise."""
    coding = [{"system": code_system("complication"), "code": slug, "display": name}]
    snomed = terminology.snomed_finding(slug)
    if snomed is not None:
        coding.append(snomed.as_fhir())
    return {"coding": coding, "text": name}


def event_concept(report: AdverseEventReport) -> dict:
    """The event in words, with the MedDRA code staff entered, if any, and the verified SNOMED CT
    finding of the complication; IMDRF codes in the text, and the device problem in words."""
    text = report.event_text
    if report.imdrf_codes:
        text += f" (IMDRF: {report.imdrf_codes})"
    if report.device_problem:
        text += f"; device problem: {report.device_problem}"
    concept: dict[str, Any] = {"text": text}
    coding = []
    if report.meddra_code:
        coding.append({"system": vocabulary.MEDDRA_SYSTEM, "code": report.meddra_code, "display": report.event_text})
    snomed = terminology.snomed_finding(report.case.complication)
    if snomed is not None:
        coding.append(snomed.as_fhir())
    if coding:
        concept["coding"] = coding
    return concept


def adverse_event(report: AdverseEventReport) -> dict:
    """The report as a FHIR R4 AdverseEvent, its product (with lot) contained in it."""
    narrative = html.escape(report.narrative)
    return {
        "resourceType": "AdverseEvent",
        "id": f"report-{report.pk}",
        "text": {"status": "generated", "div": f'<div xmlns="http://www.w3.org/1999/xhtml"><p>{narrative}</p></div>'},
        "contained": [_report_product(report)],
        "identifier": {"system": f"{base_url()}/adverse-event-report", "value": str(report.pk)},
        "actuality": "actual",
        "event": event_concept(report),
        "subject": subject_of("adverse-event-report", report.pk),
        "date": report.onset_on.isoformat(),
        "detected": report.onset_on.isoformat(),
        "recordedDate": report.created_at.isoformat(),
        "seriousness": {"text": "Serious" if report.serious else "Non-serious"},
        "outcome": {
            "coding": [
                {
                    "system": vocabulary.OUTCOME_SYSTEM,
                    "code": report.outcome,
                    "display": OUTCOME_DISPLAY[report.outcome],
                }
            ]
        },
        "recorder": {"display": f"{report.reporter_name}, {report.reporter_role}".strip(", ")},
        "suspectEntity": [
            {
                "instance": {
                    "reference": "#product",
                    "display": f"{report.product_name} lot {report.lot_number or 'not known'}",
                }
            }
        ],
    }
