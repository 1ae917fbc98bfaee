"""Vigilance (issue 15): treatment records and the risk factors they imply, the patient naming the
product at contact and check-in (kept unchecked until staff check it), cluster alerts (one per
grouping, even when two processes count at once), prefilled adverse-event reports (MedWatch, Yellow
Card, EU device incident report), FHIR R4 export validated with fhir.resources, privacy and roles."""

from __future__ import annotations

import json
import logging
import threading
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone, translation
from fhir.resources.R4B.adverseevent import AdverseEvent
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.questionnaire import Questionnaire

from checkins.links import checkin_token
from checkins.models import Checkin, Enrolment
from procedures.models import ContactRequest, StaffNotification
from procedures.readability import TARGET_READING_AGE, reading_age
from procedures.triage import Answers, assess
from tests.concurrency_support import at_once
from tests.factories import ContactRequestFactory, staff_user
from tests.session_support import store_in_session
from vigilance import clusters, fhir, services, vocabulary
from vigilance.forms import ReportedProductForm
from vigilance.models import (
    AdverseEventReport,
    ClusterAlert,
    ClusterAlertGrouping,
    ComplicationCase,
    ExportLog,
    TreatmentLink,
    TreatmentRecord,
)
from vigilance.risk import answers_from_record, answers_with_treatment, implied_risk_factors

INFECTION = "atypical-mycobacterial-infection"
DAY = date(2026, 3, 2)
MESOTHERAPY_ANSWERS = {
    "screen": {"red_flags": [], "none": True},
    "treatment": {"procedure": "mesotherapy", "days": 21, "area": "face"},
    "symptoms": {"symptoms": ["spreading-redness", "pus-or-drainage"], "trend": "worsening"},
    "followup": {"started_day": 18, "risk_factors": ["diabetes"], "already_seen": False},
}


def treatment(**overrides) -> TreatmentRecord:
    fields = {
        "procedure": "mesotherapy",
        "performed_at": datetime(2026, 2, 1, 10, 0, tzinfo=UTC),
        "area": "face",
        "product_name": "Meso Cocktail",
        "manufacturer": "Example Labs",
        "product_class": "other_medicine",
        "lot_number": "L-2026-01",
        "practitioner": "Dr Rivera",
        "site": "Main clinic",
    }
    return TreatmentRecord.objects.create(**{**fields, **overrides})


def confirmed_case(record: TreatmentRecord, noticed_on: date, complication: str = INFECTION) -> ComplicationCase:
    case = ComplicationCase(treatment=record, complication=complication, urgency="urgent", noticed_on=noticed_on)
    services.confirm_case(case, None)
    return case


def reviewer(client):
    user = staff_user("Clinical reviewer", first_name="Carmen", last_name="Reyes")
    client.force_login(user)
    return user


# --- Treatment records and the engine --------------------------------------------------------


@pytest.mark.parametrize(
    ("product_class", "licensed", "implied"),
    [
        ("non_ha_filler", True, {"non-ha-filler"}),
        ("ha_filler", True, set()),
        ("toxin", False, {"unknown-product"}),
        ("non_ha_filler", False, {"non-ha-filler", "unknown-product"}),
        ("device", True, set()),
    ],
)
def test_a_treatment_record_implies_the_contracts_risk_factors(product_class, licensed, implied):
    assert implied_risk_factors(TreatmentRecord(product_class=product_class, licensed=licensed)) == implied


@pytest.mark.django_db
def test_the_records_risk_factors_join_the_patients_answers(kb):
    stored = {**MESOTHERAPY_ANSWERS, "treatment": {"procedure": "dermal-filler", "days": 1, "area": "lips"}}
    answers = answers_from_record(stored, kb)
    record = treatment(procedure="dermal-filler", product_class="non_ha_filler")
    joined = answers_with_treatment(answers, record, kb)
    assert joined.risk_factors == answers.risk_factors | {"non-ha-filler"}
    assert "non-ha-filler" in kb.risk_factors


# --- Cluster alerts --------------------------------------------------------------------------


@pytest.mark.django_db
def test_three_infections_on_one_mesotherapy_lot_within_the_window_raise_one_alert(settings):
    settings.CONTACT_NOTIFY_EMAILS = ["clinic@example.com"]
    cases = [
        confirmed_case(treatment(practitioner=name), DAY + timedelta(days=offset))
        for name, offset in (("Dr Rivera", 0), ("Dr Chen", 20), ("Dr Okafor", 41))
    ]
    alert = ClusterAlert.objects.get()
    assert set(alert.cases.all()) == set(cases)
    assert alert.threshold == 3 and alert.window_days == 180
    assert {entry["dimension"] for entry in alert.crossed} == {"lot", "site"}
    email = StaffNotification.objects.get()
    assert "3 cases of atypical-mycobacterial-infection" in email.body
    assert "Meso Cocktail lot L-2026-01" in email.body
    assert all(f"#{case.pk}" in email.body for case in cases)
    assert email.recipients == ["clinic@example.com"] and alert.sent_to == "email clinic@example.com"


@pytest.mark.django_db
def test_two_infections_on_one_lot_do_not_raise_an_alert():
    for offset in (0, 30):
        confirmed_case(treatment(), DAY + timedelta(days=offset))
    assert not ClusterAlert.objects.exists()
    assert not StaffNotification.objects.exists()


@pytest.mark.django_db
def test_cases_outside_the_window_do_not_count_together():
    for offset in (0, 100, 200):  # any two within 180 days, never three
        confirmed_case(treatment(), DAY + timedelta(days=offset))
    assert not ClusterAlert.objects.exists()


@pytest.mark.django_db
def test_a_further_case_joins_the_open_alert_without_a_second_alarm():
    for offset in (0, 1, 2, 3):
        confirmed_case(treatment(), DAY + timedelta(days=offset))
    alert = ClusterAlert.objects.get()
    assert alert.cases.count() == 4
    assert StaffNotification.objects.count() == 1


@pytest.mark.django_db
def test_the_alert_goes_to_the_check_ins_escalation_contacts(settings):
    settings.CHECKIN_ON_CALL_EMAIL = "oncall@example.com"
    settings.CHECKIN_CLINICAL_LEAD_EMAIL = "lead@example.com"
    settings.CHECKIN_CLINICAL_LEAD_PHONE = "+1 213 555 0100"
    for offset in (0, 1, 2):
        confirmed_case(treatment(), DAY + timedelta(days=offset))
    assert StaffNotification.objects.get().recipients == ["oncall@example.com", "lead@example.com"]
    assert "text +1 213 555 0100" in ClusterAlert.objects.get().sent_to


@pytest.mark.django_db
def test_reported_cases_count_only_at_urgent_or_above():
    record = treatment()
    for urgency in ("soon", "soon", "urgent"):
        request = ContactRequestFactory(answers=MESOTHERAPY_ANSWERS, urgency=urgency)
        request.result = {"urgency": urgency, "complications": [{"slug": INFECTION, "name": "NTM", "urgency": urgency}]}
        request.save()
        services.link_contact_request(record, request)
    assert ComplicationCase.objects.count() == 3
    assert [case.counts for case in ComplicationCase.objects.order_by("pk")] == [False, False, True]
    assert not ClusterAlert.objects.exists()


@pytest.mark.django_db
def test_other_complications_need_the_default_threshold(settings):
    for offset in range(4):
        confirmed_case(treatment(), DAY + timedelta(days=offset), complication="hematoma")
    assert not ClusterAlert.objects.exists()
    confirmed_case(treatment(), DAY + timedelta(days=4), complication="hematoma")
    assert ClusterAlert.objects.get().threshold == settings.VIGILANCE_CLUSTER_DEFAULT["threshold"]


@pytest.mark.django_db
def test_weekly_counts_per_lot_give_the_chart_its_bars():
    for offset in (0, 1, 8):
        confirmed_case(treatment(), DAY + timedelta(days=offset))
    [row] = clusters.weekly_counts_per_lot(weeks=4, today=DAY + timedelta(days=10))
    assert row.label == "Meso Cocktail lot L-2026-01" and row.total == 3
    assert [bar.count for bar in row.bars] == [0, 0, 2, 1]
    assert row.bars[2].height == clusters.CHART_HEIGHT


@pytest.mark.django_db
def test_the_cluster_alert_list_shows_the_per_lot_chart(client):
    reviewer(client)
    confirmed_case(treatment(), timezone.localdate())
    page = client.get(reverse("admin:vigilance_clusteralert_changelist"))
    assert page.status_code == 200
    assert b"<svg" in page.content and b"Meso Cocktail lot L-2026-01" in page.content


# --- Adverse-event reports -------------------------------------------------------------------


@pytest.mark.django_db
def test_a_prefilled_report_exports_as_a_valid_fhir_adverse_event(client):
    user = reviewer(client)
    case = confirmed_case(treatment(product_class="non_ha_filler", product_name="Radiesse"), DAY)
    report = services.prefill_report(case, user)
    assert report.lot_number == "L-2026-01" and report.onset_on == DAY and report.reporter_name == "Carmen Reyes"
    assert report.event_text.startswith("Slow-growing germ infection") and report.meddra_code == ""
    response = client.get(reverse("vigilance:report_fhir", args=[report.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/fhir+json"
    event = AdverseEvent.model_validate(json.loads(response.content))
    assert event.contained[0].lotNumber == "L-2026-01"  # a filler is a device
    assert event.suspectEntity[0].instance.reference == "#product"
    assert event.outcome.coding[0].code == "unknown"
    # No MedDRA code until staff enter one; the complication's verified SNOMED CT finding beside it.
    assert [(c.system, c.code) for c in event.event.coding] == [("http://snomed.info/sct", "88415009")]


@pytest.mark.django_db
def test_a_medicine_report_carries_its_batch_and_a_meddra_code_only_when_staff_entered_one(client):
    user = reviewer(client)
    report = services.prefill_report(confirmed_case(treatment(product_class="toxin"), DAY), user, "yellow_card")
    report.meddra_code = "12345678"  # as if looked up by staff in their MedDRA browser
    report.save()
    event = AdverseEvent.model_validate(fhir.adverse_event(report))
    assert event.contained[0].batch.lotNumber == "L-2026-01"
    assert event.event.coding[0].system == "https://www.meddra.org"
    form = client.get(reverse("vigilance:report_form", args=[report.pk]))
    assert form.status_code == 200
    assert b"Batch / lot number" in form.content and b"Nothing has been sent" in form.content


@pytest.mark.django_db
def test_only_a_confirmed_case_is_reported():
    case = ComplicationCase.objects.create(
        treatment=treatment(), complication=INFECTION, urgency="urgent", noticed_on=DAY
    )
    with pytest.raises(ValueError):
        services.prefill_report(case, None)


# --- FHIR export -----------------------------------------------------------------------------


def _resources(bundle: dict, kind: str) -> list[dict]:
    return [entry["resource"] for entry in bundle["entry"] if entry["resource"]["resourceType"] == kind]


@pytest.mark.django_db
def test_a_contact_request_bundle_validates_and_round_trips_its_answers(client):
    reviewer(client)
    request = ContactRequestFactory(answers=MESOTHERAPY_ANSWERS, name="Alice Patient", email="alice@example.com")
    request.result = {
        "urgency": "urgent",
        "complications": [
            {"slug": "bacterial-skin-infection", "name": "Skin infection", "urgency": "urgent"},
            {"slug": INFECTION, "name": "Atypical mycobacterial infection", "urgency": "soon"},
        ],
    }
    request.save()
    services.link_contact_request(treatment(), request)
    response = client.get(reverse("vigilance:contact_request_bundle", args=[request.pk]))
    assert response.status_code == 200
    parsed = Bundle.model_validate_json(response.content)  # every entry is validated with it
    kinds = [entry.resource.get_resource_type() for entry in parsed.entry]
    assert kinds == ["QuestionnaireResponse", "RiskAssessment", "Medication", "Procedure", "Task", "Communication"]
    # Round trip: parse → the same answers.
    dumped = json.loads(parsed.model_dump_json())
    [response_resource] = _resources(dumped, "QuestionnaireResponse")
    assert fhir.answers_from_questionnaire_response(response_resource) == fhir.exported_answers(MESOTHERAPY_ANSWERS)
    [risk] = _resources(dumped, "RiskAssessment")
    assert [p["qualitativeRisk"]["coding"][0]["code"] for p in risk["prediction"]] == ["urgent", "urgent", "soon"]
    snomed = [
        [c["code"] for c in p["outcome"].get("coding", []) if c["system"] == "http://snomed.info/sct"]
        for p in risk["prediction"]
    ]
    assert snomed == [[], ["108365000"], ["88415009"]]  # infection of skin, mycobacteriosis (docs/terminology.md)
    [medication] = _resources(dumped, "Medication")
    assert medication["batch"]["lotNumber"] == "L-2026-01"
    # Privacy: what staff need, no more.
    assert b"Alice" not in response.content and b"alice@example.com" not in response.content
    # The phone number itself (a bare "555" can turn up inside a random id or a timestamp).
    assert request.phone and request.phone.encode() not in response.content and b"213 555" not in response.content


@pytest.mark.django_db
def test_the_questionnaire_is_generated_from_the_interview_and_validates(client, kb):
    reviewer(client)
    response = client.get(reverse("vigilance:questionnaire"))
    questionnaire = Questionnaire.model_validate_json(response.content)
    assert questionnaire.url.endswith("/vigilance/fhir/Questionnaire/symptomcheck")
    procedures = next(i for g in questionnaire.item for i in g.item if i.linkId == "treatment.procedure")
    assert {option.valueCoding.code for option in procedures.answerOption} == set(kb.procedures)


@pytest.mark.django_db
def test_a_check_in_bundle_validates(client, kb):
    reviewer(client)
    enrolment = Enrolment.objects.create(procedure="mesotherapy", treated_on=DAY, consent_text_version="t", name="Bo")
    checkin = Checkin.objects.create(
        enrolment=enrolment, day=7, due_at=timezone.now(), status=Checkin.Status.ANSWERED, answer="nothing_new"
    )
    TreatmentLink.objects.create(treatment=treatment(product_class="device"), checkin=checkin)
    response = client.get(reverse("vigilance:checkin_bundle", args=[checkin.pk]))
    parsed = Bundle.model_validate_json(response.content)
    assert [e.resource.get_resource_type() for e in parsed.entry] == [
        "QuestionnaireResponse",
        "Device",
        "Procedure",
        "Communication",
    ]
    [qr] = _resources(json.loads(response.content), "QuestionnaireResponse")
    assert fhir.answers_from_questionnaire_response(qr) == {"checkin": {"day": 7, "answer": "nothing_new"}}
    assert b"Bo" not in response.content.replace(b"Bundle", b"")


@pytest.mark.django_db
def test_a_bundle_without_a_treatment_record_names_the_treatment_as_the_patient_did(kb):
    request = ContactRequestFactory(answers=MESOTHERAPY_ANSWERS)
    bundle = fhir.contact_request_bundle(request, kb, None)
    Bundle.model_validate(bundle)
    [procedure] = _resources(bundle, "Procedure")
    assert procedure["code"]["coding"][0]["code"] == "mesotherapy" and "usedReference" not in procedure


# --- Privacy, audit and roles ----------------------------------------------------------------


def _export_urls(
    report: AdverseEventReport, request: ContactRequest, checkin: Checkin, eu_report: AdverseEventReport
) -> list[str]:
    return [
        reverse("vigilance:contact_request_bundle", args=[request.pk]),
        reverse("vigilance:checkin_bundle", args=[checkin.pk]),
        reverse("vigilance:report_fhir", args=[report.pk]),
        reverse("vigilance:report_form", args=[report.pk]),
        reverse("vigilance:report_form", args=[eu_report.pk]),
    ]


@pytest.fixture
def exportable(db):
    case = confirmed_case(treatment(), DAY)
    report = services.prefill_report(case, None)
    request = ContactRequestFactory(answers=MESOTHERAPY_ANSWERS)
    enrolment = Enrolment.objects.create(procedure="mesotherapy", treated_on=DAY, consent_text_version="t")
    checkin = Checkin.objects.create(enrolment=enrolment, day=3, due_at=timezone.now(), contact_request=request)
    filler = confirmed_case(treatment(procedure="dermal-filler", product_class="ha_filler"), DAY, "hematoma")
    eu_report = services.prefill_report(filler, None, vocabulary.EU_MDR_INCIDENT)
    return report, request, checkin, eu_report


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["Front desk", "Content editor", None])
def test_only_clinical_reviewers_may_export(client, exportable, role):
    client.force_login(staff_user(role))
    for url in _export_urls(*exportable):
        assert client.get(url).status_code == 403, url
    assert not ExportLog.objects.exists()


@pytest.mark.django_db
def test_exports_need_a_staff_login(client, exportable):
    for url in _export_urls(*exportable):
        assert client.get(url).status_code == 302  # to the admin login


@pytest.mark.django_db
def test_every_export_is_in_the_audit_log(client, exportable):
    user = reviewer(client)
    report, request, checkin, eu_report = exportable
    for url in _export_urls(*exportable):
        assert client.get(url).status_code == 200, url
    logged = list(ExportLog.objects.order_by("pk").values_list("user", "username", "kind", "object_id"))
    assert logged == [
        (user.pk, user.username, "contact_request_bundle", request.pk),
        (user.pk, user.username, "checkin_bundle", checkin.pk),
        (user.pk, user.username, "adverse_event_fhir", report.pk),
        (user.pk, user.username, "adverse_event_form", report.pk),
        (user.pk, user.username, "adverse_event_form", eu_report.pk),
    ]


@pytest.mark.django_db
def test_a_request_past_its_retention_is_not_exported_and_its_purge_takes_the_link(client, settings):
    reviewer(client)
    request = ContactRequestFactory(answers=MESOTHERAPY_ANSWERS)
    services.link_contact_request(treatment(), request)
    old = timezone.now() - timedelta(days=settings.CONTACT_REQUEST_RETENTION_DAYS + 1)
    ContactRequest.objects.filter(pk=request.pk).update(created_at=old)
    assert client.get(reverse("vigilance:contact_request_bundle", args=[request.pk])).status_code == 410
    assert not ExportLog.objects.exists()
    call_command("purge_contact_requests", verbosity=0)
    assert not TreatmentLink.objects.exists()
    assert TreatmentRecord.objects.exists()  # the lot record stays for vigilance, with no patient tied to it


@pytest.mark.django_db
def test_the_vigilance_purge_keeps_records_for_the_configured_time(settings):
    settings.VIGILANCE_RECORD_RETENTION_DAYS = 30
    old = treatment(performed_at=timezone.now() - timedelta(days=31))
    confirmed_case(old, DAY)
    recent = treatment(performed_at=timezone.now() - timedelta(days=5))
    call_command("purge_vigilance_records", verbosity=0)
    assert list(TreatmentRecord.objects.all()) == [recent]
    assert not ComplicationCase.objects.exists()


@pytest.mark.django_db
def test_front_desk_records_treatments_but_sees_no_reports_or_export_log(client):
    client.force_login(staff_user("Front desk"))
    assert client.get(reverse("admin:vigilance_treatmentrecord_add")).status_code == 200
    assert client.get(reverse("admin:vigilance_clusteralert_changelist")).status_code == 200
    assert client.get(reverse("admin:vigilance_adverseeventreport_changelist")).status_code == 403
    assert client.get(reverse("admin:vigilance_exportlog_changelist")).status_code == 403
    assert client.get(reverse("admin:vigilance_complicationcase_add")).status_code == 403


@pytest.mark.django_db
def test_content_editors_see_nothing_of_vigilance(client):
    client.force_login(staff_user("Content editor"))
    assert client.get(reverse("admin:vigilance_treatmentrecord_changelist")).status_code == 403
    assert client.get(reverse("admin:vigilance_clusteralert_changelist")).status_code == 403


@pytest.mark.django_db
def test_a_reviewer_confirms_cases_and_prepares_reports_in_the_admin(client):
    reviewer(client)
    case = ComplicationCase.objects.create(
        treatment=treatment(), complication=INFECTION, urgency="soon", noticed_on=DAY
    )
    changelist = reverse("admin:vigilance_complicationcase_changelist")
    client.post(changelist, {"action": "confirm_selected", "_selected_action": [case.pk]})
    case.refresh_from_db()
    assert case.basis == ComplicationCase.Basis.CONFIRMED and case.confirmed_by is not None
    client.post(changelist, {"action": "prepare_yellow_card", "_selected_action": [case.pk]})
    assert AdverseEventReport.objects.get().form == "yellow_card"


@pytest.mark.django_db
def test_staff_link_a_request_to_a_treatment_in_the_admin(client):
    client.force_login(staff_user("Front desk"))
    request = ContactRequestFactory(answers=MESOTHERAPY_ANSWERS)
    request.result = {"urgency": "urgent", "complications": [{"slug": INFECTION, "name": "NTM", "urgency": "urgent"}]}
    request.save()
    record = treatment()
    url = reverse("admin:vigilance_treatmentrecord_change", args=[record.pk])
    page = client.get(url)
    form = page.context["adminform"].form
    data = {name: form.initial.get(name, "") for name in form.fields}
    data.update(
        {
            "performed_at_0": "2026-02-01",
            "performed_at_1": "10:00:00",
            "licensed": "true",
            "links-TOTAL_FORMS": "1",
            "links-INITIAL_FORMS": "0",
            "links-0-contact_request": str(request.pk),
        }
    )
    data.pop("performed_at", None)
    response = client.post(url, data)
    assert response.status_code == 302, response.context["errors"] if response.context else response
    assert TreatmentLink.objects.get().contact_request == request
    assert ComplicationCase.objects.get().contact_request == request


def test_the_sample_bundle_in_the_docs_validates():
    sample = Path(__file__).resolve().parent.parent / "docs" / "fhir" / "sample-bundle.json"
    parsed = Bundle.model_validate_json(sample.read_text(encoding="utf-8"))
    assert [e.resource.get_resource_type() for e in parsed.entry][:2] == ["QuestionnaireResponse", "RiskAssessment"]


# --- The patient names the product (contact and check-in) ------------------------------------

RESULT = reverse("procedures:result")
CONTACT = reverse("procedures:contact")
DETAILS = {"name": "Alice", "phone": "+1 213 555 0199", "email": "", "preferred_time": "morning", "consent": "on"}
# A filler, day 14, redness getting worse: the engine says "soon", and "urgent" when the product is
# unknown or unlicensed (the knowledge base's unknown-product floor for infections).
FILLER = {
    "screen": {"red_flags": [], "none": True},
    "treatment": {"procedure": "dermal-filler", "days": 14, "days_ago": 14, "treatment_date": None, "area": "lips"},
    "symptoms": {"symptoms": ["redness"], "trend": "worsening"},
}
NAMED = {
    "product_name": "Radiesse",
    "product_kind": "other_filler",
    "product_lot": "RX-2291",
    "product_place": "Glow Spa",
    "product_licensed": "no",
}


def _levels(kb, procedure: str, day: int, symptoms: set[str], factors: set[str]) -> tuple[str, str]:
    """The engine's level without and with the product's risk factors."""
    answers = Answers(procedure, day, frozenset(symptoms), "worsening")
    return assess(kb, answers).urgency, assess(kb, replace(answers, risk_factors=frozenset(factors))).urgency


@pytest.mark.django_db
def test_a_patient_names_the_product_when_asking_to_be_contacted(client, kb, caplog):
    store_in_session(client, check=FILLER)
    assert b"Do you know what was used? (optional)" in client.get(RESULT).content
    with caplog.at_level(logging.DEBUG):
        response = client.post(CONTACT, {**DETAILS, **NAMED})
    assert response.status_code == 302 and "?" not in response.url
    request = ContactRequest.objects.get()
    record = TreatmentRecord.objects.get()
    assert record.source == TreatmentRecord.Source.PATIENT and record.unchecked and record.recorded_by is None
    assert (record.product_name, record.product_class, record.lot_number, record.site, record.licensed) == (
        "Radiesse",
        "non_ha_filler",
        "RX-2291",
        "Glow Spa",
        False,
    )
    assert (record.procedure, record.area, record.practitioner) == ("dermal-filler", "lips", "")
    assert timezone.localdate(record.performed_at) == timezone.localdate(request.created_at) - timedelta(days=14)
    assert TreatmentLink.objects.get().contact_request == request
    case = ComplicationCase.objects.get()
    assert case.contact_request == request and case.treatment == record and not case.counts
    # Filed after the result: what the patient was told does not change…
    told, with_product = _levels(kb, "dermal-filler", 14, {"redness"}, {"non-ha-filler", "unknown-product"})
    assert told != with_product
    assert request.urgency == request.result["urgency"] == told
    assert implied_risk_factors(record) == {"non-ha-filler", "unknown-product"}
    # …and nothing the patient named is in the request, a URL or a log line.
    stored = json.dumps([request.answers, request.result, request.name, request.phone])
    assert "RX-2291" not in stored and "Radiesse" not in stored
    assert "RX-2291" not in caplog.text and "Radiesse" not in caplog.text


@pytest.mark.django_db
def test_the_staff_export_says_the_product_is_the_patients_unchecked_report(client, kb):
    store_in_session(client, check=FILLER)
    client.post(CONTACT, {**DETAILS, **NAMED})
    request = ContactRequest.objects.get()
    reviewer(client)
    bundle = json.loads(client.get(reverse("vigilance:contact_request_bundle", args=[request.pk])).content)
    Bundle.model_validate(bundle)
    [procedure] = _resources(bundle, "Procedure")
    assert "reported by the patient; not checked by the clinic" in procedure["note"][0]["text"]
    [device] = _resources(bundle, "Device")
    assert device["lotNumber"] == "RX-2291" and device["type"]["text"].endswith("(not licensed)")
    [risk] = _resources(bundle, "RiskAssessment")
    _, with_product = _levels(kb, "dermal-filler", 14, {"redness"}, {"non-ha-filler", "unknown-product"})
    factors = "(risk factors: non-ha-filler, unknown-product)"
    assert f"patient's own report of the product {factors} the engine gives {with_product}" in risk["note"][0]["text"]


@pytest.mark.django_db
def test_a_contact_request_without_the_product_block_records_no_product(client):
    store_in_session(client, check=FILLER)
    assert client.post(CONTACT, DETAILS).status_code == 302
    assert ContactRequest.objects.count() == 1
    assert not TreatmentRecord.objects.exists() and not TreatmentLink.objects.exists()


@pytest.mark.django_db
def test_wrong_product_answers_come_back_with_clear_errors_and_nothing_lost(client):
    store_in_session(client, check=FILLER)
    blank = client.get(RESULT).content.decode()
    assert '<details class="product-report-toggle mb-3">' in blank  # folded: sending is the one action
    typed = {**DETAILS, "product_name": "Juvéderm", "product_lot": "L" * 61, "product_kind": "glitter"}
    response = client.post(CONTACT, {**typed, "product_licensed": "dont_know"})
    assert response.status_code == 302 and response.url == RESULT + "#contact"
    assert not ContactRequest.objects.exists() and not TreatmentRecord.objects.exists()
    page = client.get(RESULT).content.decode()
    assert "Please use 60 characters or fewer." in page and "Please choose one of the answers." in page
    assert '<a href="#id_product_lot">' in page and '<a href="#id_product_kind_0">' in page  # the summary links
    assert 'value="Juvéderm"' in page and f'value="{"L" * 61}"' in page and 'value="Alice"' in page
    assert 'aria-invalid="true" aria-describedby="id_product_lot-hint id_product_lot-error"' in page
    assert 'id="id_product_lot-error"' in page
    assert '<details class="product-report-toggle mb-3" open>' in page  # unfolded to show what is wrong
    assert 'value="dont_know" id="id_product_licensed_2" checked' in page  # the valid answer stays ticked
    fixed = client.post(CONTACT, {**typed, "product_lot": "L-77", "product_kind": "ha_filler"})
    assert fixed.status_code == 302 and fixed.url == reverse("procedures:contact-sent")
    assert TreatmentRecord.objects.get().lot_number == "L-77"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("answers", "product_class", "licensed", "implied"),
    [
        ({"product_kind": "ha_filler", "product_licensed": "yes"}, "ha_filler", True, set()),
        ({"product_kind": "other_filler", "product_name": "Sculptra"}, "non_ha_filler", None, {"non-ha-filler"}),
        ({"product_kind": "toxin", "product_licensed": "no"}, "toxin", False, {"unknown-product"}),
        ({"product_kind": "fat_dissolving"}, "deoxycholic_acid", None, set()),
        ({"product_kind": "device", "product_licensed": "dont_know"}, "device", None, set()),
        # Neither the kind nor the name known: the knowledge base's "name or origin is unknown".
        ({"product_kind": "dont_know"}, "unknown", None, {"non-ha-filler", "unknown-product"}),
        ({"product_kind": "dont_know", "product_name": "Profhilo"}, "unknown", None, {"non-ha-filler"}),
        ({"product_lot": "A1"}, "unknown", None, {"non-ha-filler", "unknown-product"}),
    ],
)
def test_the_patients_words_map_to_the_product_classes_and_risk_factors(answers, product_class, licensed, implied):
    form = ReportedProductForm(answers)
    assert form.is_valid(), form.errors
    request = ContactRequestFactory(answers=MESOTHERAPY_ANSWERS)
    record = services.record_reported_product_for_request(request, form.reported_product())
    assert (record.product_class, record.licensed) == (product_class, licensed)
    assert implied_risk_factors(record) == implied


def patient_record(**overrides) -> TreatmentRecord:
    return treatment(source=TreatmentRecord.Source.PATIENT, practitioner="", **overrides)


@pytest.mark.django_db
def test_a_patients_report_counts_for_clusters_only_once_staff_checked_it():
    records = [patient_record(site=f"Spa {n}") for n in range(3)]  # the same typed lot, three places
    cases = [confirmed_case(record, DAY + timedelta(days=n)) for n, record in enumerate(records)]
    assert not ClusterAlert.objects.exists() and not StaffNotification.objects.exists()
    assert [case.counts for case in cases] == [False, False, False]
    assert clusters.weekly_counts_per_lot(weeks=2, today=DAY + timedelta(days=3)) == []
    assert services.check_patient_record(records[0], None) is None
    assert services.check_patient_record(records[1], None) is None  # two checked: below the threshold
    alert = services.check_patient_record(records[2], None)
    assert alert == ClusterAlert.objects.get() and set(alert.cases.all()) == set(cases)
    assert [entry["dimension"] for entry in alert.crossed] == ["lot"]
    assert StaffNotification.objects.count() == 1
    assert services.check_patient_record(records[2], None) is None  # checking twice changes nothing


@pytest.mark.django_db
def test_staff_see_the_patients_report_marked_and_check_and_correct_it(client):
    user = staff_user("Front desk")
    client.force_login(user)
    record = patient_record(product_name="Radiese", lot_number="RX2291", product_class="unknown", licensed=None)
    page = client.get(reverse("admin:vigilance_treatmentrecord_changelist")).content.decode()
    assert "Reported by the patient, not checked" in page
    url = reverse("admin:vigilance_treatmentrecord_change", args=[record.pk])
    page = client.get(url)
    html = page.content.decode()
    assert html.index("Reported by the patient, not checked") < html.index('name="product_name"')
    form = page.context["adminform"].form
    assert "mark_checked" in form.fields and not form.fields["lot_number"].required
    data = {name: form.initial.get(name, "") or "" for name in form.fields}
    data.update(
        {
            "performed_at_0": "2026-02-01",
            "performed_at_1": "12:00:00",
            "product_name": "Radiesse",
            "product_class": "non_ha_filler",
            "lot_number": "RX-2291",
            "licensed": "true",
            "mark_checked": "on",
            "links-TOTAL_FORMS": "0",
            "links-INITIAL_FORMS": "0",
        }
    )
    data.pop("performed_at", None)
    response = client.post(url, data)
    assert response.status_code == 302, response.context["errors"] if response.context else response
    record.refresh_from_db()
    assert (record.product_name, record.lot_number, record.product_class, record.licensed) == (
        "Radiesse",
        "RX-2291",
        "non_ha_filler",
        True,
    )
    assert record.checked_by == user and record.checked_at is not None and record.counts_for_clusters
    assert "Reported by the patient, checked by the clinic" in client.get(url).content.decode()
    # The clinic's own records still need their lot, practitioner and site.
    clinic_form = client.get(reverse("admin:vigilance_treatmentrecord_add")).context["adminform"].form
    assert clinic_form.fields["lot_number"].required and "mark_checked" not in clinic_form.fields


@pytest.mark.django_db
def test_the_admin_action_checks_patients_reports(client):
    reviewer(client)
    unchecked, clinic = patient_record(), treatment()
    changelist = reverse("admin:vigilance_treatmentrecord_changelist")
    client.post(changelist, {"action": "check_selected", "_selected_action": [unchecked.pk, clinic.pk]})
    unchecked.refresh_from_db()
    clinic.refresh_from_db()
    assert unchecked.checked_at is not None and clinic.checked_at is None


@pytest.mark.django_db
def test_a_report_is_not_prepared_from_an_unchecked_product():
    case = confirmed_case(patient_record(), DAY)
    with pytest.raises(ValueError, match="check it in its treatment record first"):
        services.prefill_report(case, None)


def _open_checkin(client, enrolment: Enrolment, day: int = 14) -> Checkin:
    now = timezone.now()
    checkin = Checkin.objects.create(
        enrolment=enrolment,
        day=day,
        due_at=now,
        status=Checkin.Status.SENT,
        sent_at=now,
        link_expires_at=now + timedelta(days=2),
    )
    assert client.get(reverse("checkins:open", args=[checkin_token(checkin.pk)])).status_code == 302
    return checkin


def _enrolment(procedure: str = "dermal-filler", day: int = 14) -> Enrolment:
    return Enrolment.objects.create(
        procedure=procedure,
        treated_on=timezone.localdate() - timedelta(days=day),
        consent_text_version="t",
        name="Bo",
        email="bo@example.com",
    )


@pytest.mark.django_db
def test_a_product_named_at_a_check_in_is_recorded_and_used_by_its_assessment(client, kb):
    checkin = _open_checkin(client, _enrolment())
    page = client.get(reverse("checkins:answer")).content.decode()
    assert "Do you know what was used? (optional)" in page and 'name="product_lot"' in page
    response = client.post(
        reverse("checkins:answer"), {"answer": "new_or_worse", "product_kind": "dont_know", "product_licensed": "no"}
    )
    assert response.status_code == 302 and response.url == reverse("checkins:emergency")
    record = TreatmentRecord.objects.get()
    assert record.unchecked and record.product_class == "unknown" and record.licensed is False
    assert TreatmentLink.objects.get(checkin=checkin).treatment == record
    client.post(reverse("checkins:emergency"), {"none_of_these": "on"})
    done = client.post(reverse("checkins:symptoms"), {"symptoms": ["redness"], "trend": "worsening"})
    assert done.url == reverse("checkins:result")
    # Asked before the assessment: the product's risk factors join the patient's answers.
    without, with_product = _levels(kb, "dermal-filler", 14, {"redness"}, {"non-ha-filler", "unknown-product"})
    assert without != with_product
    request = ContactRequest.objects.get()
    assert request.urgency == Checkin.objects.get(pk=checkin.pk).urgency == with_product
    assert "risk_factors" not in request.answers.get("followup", {})  # the patient did not tick them
    assert TreatmentLink.objects.get(contact_request=request).treatment == record
    assert ComplicationCase.objects.get().contact_request == request
    result = client.get(reverse("checkins:result"))
    assert result.status_code == 200 and result.context["assessment"].urgency == with_product


@pytest.mark.django_db
def test_a_check_in_asks_what_was_used_only_until_it_is_known(client, kb):
    enrolment = _enrolment()
    first = _open_checkin(client, enrolment)
    client.post(reverse("checkins:answer"), {"answer": "nothing_new", "product_name": "Juvederm Voluma"})
    assert TreatmentLink.objects.get(checkin=first).treatment.product_name == "Juvederm Voluma"
    assert not ContactRequest.objects.exists() and not ComplicationCase.objects.exists()
    second = _open_checkin(client, enrolment, day=28)
    page = client.get(reverse("checkins:answer")).content.decode()
    assert "Is anything new or worse?" in page and "Do you know what was used?" not in page
    client.post(reverse("checkins:answer"), {"answer": "new_or_worse", "product_name": "Something else"})
    assert TreatmentRecord.objects.count() == 1
    client.post(reverse("checkins:emergency"), {"none_of_these": "on"})
    client.post(reverse("checkins:symptoms"), {"symptoms": ["redness", "severe-pain"], "trend": "worsening"})
    # The product named at the first check-in still counts, and the new queue line is tied to it.
    _, with_product = _levels(kb, "dermal-filler", 14, {"redness", "severe-pain"}, {"non-ha-filler"})
    request = ContactRequest.objects.get()
    assert Checkin.objects.get(pk=second.pk).urgency == request.urgency == with_product
    assert TreatmentLink.objects.get(contact_request=request).treatment.product_name == "Juvederm Voluma"


@pytest.mark.django_db
def test_a_failure_to_record_the_product_never_stops_the_check_in_answer(client, monkeypatch, caplog):
    checkin = _open_checkin(client, _enrolment())

    def broken(*args):
        raise RuntimeError("boom")

    monkeypatch.setattr(services, "record_reported_product_for_checkin", broken)
    response = client.post(reverse("checkins:answer"), {"answer": "nothing_new", "product_lot": "RX-2291"})

    assert response.status_code == 200 and "Good to hear that nothing is new or worse." in response.content.decode()
    assert Checkin.objects.get(pk=checkin.pk).answer == Checkin.Answer.NOTHING_NEW
    assert f"check-in #{checkin.pk}" in caplog.text and "RX-2291" not in caplog.text


@pytest.mark.django_db
def test_a_check_in_keeps_the_product_answers_when_the_question_is_missed(client):
    _open_checkin(client, _enrolment())
    response = client.post(reverse("checkins:answer"), {"product_name": "Belotero", "product_lot": "x" * 61})
    assert response.status_code == 200 and not TreatmentRecord.objects.exists()
    page = response.content.decode()
    assert "Please choose one answer." in page and "Please use 60 characters or fewer." in page
    assert 'value="Belotero"' in page and '<a href="#id_product_lot">' in page


@pytest.mark.django_db
def test_the_product_questions_are_in_spanish(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "es-MX,es;q=0.9"
    store_in_session(client, check=FILLER)
    page = client.get(RESULT).content.decode()
    for english in ("Do you know what was used?", "Product or brand name", "Lot or batch number", "I don&#x27;t know"):
        assert english not in page
    assert "¿Sabe qué se usó? (opcional)" in page
    client.post(CONTACT, {**DETAILS, "product_lot": "L" * 61})
    assert "Escriba 60 caracteres o menos." in client.get(RESULT).content.decode()


def _product_texts() -> str:
    from django.utils.translation import gettext

    form = ReportedProductForm()
    texts = [
        gettext("Do you know what was used? (optional)"),
        gettext("If you know, tell us. It helps the clinic check the product. You can leave all of this empty."),
    ]
    for field in form.fields.values():
        texts += [str(field.label), str(field.help_text)]
        texts += [str(label) for _, label in getattr(field, "choices", [])]
    return " ".join(t if t.endswith((".", "?", ")")) else f"{t}." for t in texts if t)


@pytest.mark.parametrize("language", ["en", "es"])
def test_the_product_questions_read_at_age_twelve_or_below(language):
    with translation.override(language):
        words = _product_texts()
    assert reading_age(words, language) <= TARGET_READING_AGE, words


# --- The EU device incident report -----------------------------------------------------------


def _filler_case(**overrides) -> ComplicationCase:
    fields = {
        "procedure": "dermal-filler",
        "product_class": "ha_filler",
        "product_name": "Juvederm Voluma",
        "manufacturer": "Allergan",
        "lot_number": "VB20A123",
    }
    return confirmed_case(treatment(**{**fields, **overrides}), DAY, complication="vascular-occlusion")


@pytest.mark.django_db
def test_an_eu_device_incident_report_is_prepared_for_a_filler_printed_and_logged(client):
    user = reviewer(client)
    report = services.prefill_report(_filler_case(), user, vocabulary.EU_MDR_INCIDENT)
    assert report.form == "eu_mdr_incident" and report.lot_number == "VB20A123" and report.patient_sex == ""
    report.udi = "(01)00889876543210(17)271231(10)VB20A123"
    report.model_number = "94843JR"
    report.patient_sex = "female"
    report.save()
    response = client.get(reverse("vigilance:report_form", args=[report.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    for text in (
        "EU Manufacturer Incident Report (MIR) form, version 7.3.1",
        "Section 1. Administrative information",
        "Other: healthcare professional or user of the device (not the manufacturer)",
        "Section 2. Medical device information",
        "<dt>Lot number</dt><dd>VB20A123</dd>",
        "<dt>Model or catalogue number</dt><dd>94843JR</dd>",
        "(01)00889876543210(17)271231(10)VB20A123",
        "Section 3. Incident information",
        "(in words: no verified IMDRF code)",
        "<dt>Patient's age</dt><dd>not recorded</dd>",
        "<dt>Patient's sex</dt><dd>Female</dd>",
        "Section 4. Manufacturer's analysis",
        "Nothing has been sent",
    ):
        assert text in html, text
    assert "Alice" not in html
    assert list(ExportLog.objects.values_list("kind", "object_id")) == [("adverse_event_form", report.pk)]
    exported = client.get(reverse("vigilance:report_fhir", args=[report.pk]))
    device = AdverseEvent.model_validate(json.loads(exported.content)).contained[0]
    assert device.get_resource_type() == "Device" and device.lotNumber == "VB20A123"
    assert device.udiCarrier[0].carrierHRF.startswith("(01)00889876543210") and device.modelNumber == "94843JR"


@pytest.mark.django_db
@pytest.mark.parametrize("product_class", ["ha_filler", "non_ha_filler", "device"])
def test_the_eu_device_form_is_offered_for_devices_and_fillers(product_class):
    report = services.prefill_report(_filler_case(product_class=product_class), None, vocabulary.EU_MDR_INCIDENT)
    assert report.form == vocabulary.EU_MDR_INCIDENT


@pytest.mark.django_db
@pytest.mark.parametrize("product_class", ["toxin", "deoxycholic_acid", "other_medicine", "unknown"])
def test_a_medicine_or_an_unknown_product_is_not_put_on_the_eu_device_form(product_class):
    case = _filler_case(product_class=product_class)
    words = (
        "set it in the treatment record" if product_class == "unknown" else "Yellow Card or the national medicines form"
    )
    with pytest.raises(ValueError, match=words):
        services.prefill_report(case, None, vocabulary.EU_MDR_INCIDENT)
    assert not AdverseEventReport.objects.exists()
    services.prefill_report(case, None, "yellow_card")  # the medicines form still works


@pytest.mark.django_db
def test_the_admin_action_refuses_a_toxin_on_the_eu_form_and_says_where_it_goes(client):
    reviewer(client)
    toxin, filler = _filler_case(product_class="toxin"), _filler_case()
    changelist = reverse("admin:vigilance_complicationcase_changelist")
    response = client.post(
        changelist, {"action": "prepare_eu_mdr", "_selected_action": [toxin.pk, filler.pk]}, follow=True
    )
    shown = [str(message) for message in response.context["messages"]]
    assert any(f"Case #{toxin.pk}" in m and "Yellow Card" in m for m in shown), shown
    assert list(AdverseEventReport.objects.values_list("case", "form")) == [(filler.pk, "eu_mdr_incident")]


@pytest.mark.django_db
def test_an_eu_form_whose_product_became_a_medicine_says_to_use_the_medicines_form(client):
    reviewer(client)
    report = services.prefill_report(_filler_case(), None, vocabulary.EU_MDR_INCIDENT)
    AdverseEventReport.objects.filter(pk=report.pk).update(product_class="toxin")
    html = client.get(reverse("vigilance:report_form", args=[report.pk])).content.decode()
    assert "Not a device: use the medicines form" in html and "Section 2." not in html


# --- One open alert per grouping, even when two processes count at once ----------------------


@pytest.mark.django_db
def test_counting_a_case_again_does_not_raise_a_second_alert():
    cases = [confirmed_case(treatment(), DAY + timedelta(days=n)) for n in range(3)]
    alert = ClusterAlert.objects.get()
    for case in cases:
        assert clusters.check_case(case) == alert
        services.confirm_case(case, None)
    assert ClusterAlert.objects.count() == 1 and StaffNotification.objects.count() == 1
    assert sorted(alert.groupings.values_list("dimension", "is_open")) == [
        ("lot", True),
        ("practitioner", True),
        ("site", True),
    ]


@pytest.mark.django_db
def test_the_database_refuses_a_second_open_alert_for_a_grouping_until_the_first_is_closed():
    for n in range(3):
        confirmed_case(treatment(), DAY + timedelta(days=n))
    alert = ClusterAlert.objects.get()
    held = alert.groupings.get(dimension="lot")
    second = ClusterAlert.objects.create(complication=INFECTION, crossed=alert.crossed, threshold=3, window_days=180)
    same = {"complication": INFECTION, "dimension": "lot", "value": held.value, "window_days": held.window_days}
    with pytest.raises(IntegrityError), transaction.atomic():
        ClusterAlertGrouping.objects.create(alert=second, **same)
    second.delete()
    alert.status = ClusterAlert.Status.CLOSED
    alert.save()
    assert not alert.groupings.filter(is_open=True).exists()  # closing lets go of its groupings
    confirmed_case(treatment(), DAY + timedelta(days=3))
    new = ClusterAlert.objects.exclude(pk=alert.pk).get()
    assert new.cases.count() == 4 and new.groupings.filter(is_open=True).count() == 3


@pytest.mark.django_db
def test_a_count_that_loses_the_race_joins_the_alert_raised_first(monkeypatch):
    """As on PostgreSQL below, without threads: the first look misses an alert another process
    has just raised; the constraint refuses the second alert and the case joins the first."""
    for n in range(3):
        confirmed_case(treatment(), DAY + timedelta(days=n))
    first = ClusterAlert.objects.get()
    real, looks = clusters._open_groupings, []

    def stale_then_real(*args):
        looks.append(args)
        return {} if len(looks) == 1 else real(*args)

    monkeypatch.setattr(clusters, "_open_groupings", stale_then_real)
    late = confirmed_case(treatment(), DAY + timedelta(days=3))
    assert len(looks) == 2
    assert ClusterAlert.objects.get() == first and late in first.cases.all()
    assert StaffNotification.objects.count() == 1  # the refused alert's email went with it


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL and two connections")
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("round_", [1, 2, 3])
def test_two_cases_confirmed_at_once_in_two_processes_raise_one_alert(monkeypatch, round_):
    for n in range(2):  # below the threshold of 3
        confirmed_case(treatment(), DAY + timedelta(days=n))
    records = [treatment(), treatment()]
    real, looked, mine = clusters._open_groupings, threading.Barrier(2, timeout=30), threading.local()

    def look_then_wait(*args):
        """Both processes have looked for an open alert (and found none) before either raises one."""
        found = real(*args)
        if not getattr(mine, "waited", False):
            mine.waited = True
            looked.wait()
        return found

    monkeypatch.setattr(clusters, "_open_groupings", look_then_wait)

    def confirm(record, day):
        case = ComplicationCase(treatment=record, complication=INFECTION, urgency="urgent", noticed_on=day)
        return services.confirm_case(case, None)

    results = at_once(
        lambda: confirm(records[0], DAY + timedelta(days=2)), lambda: confirm(records[1], DAY + timedelta(days=3))
    )
    alert = ClusterAlert.objects.get()
    assert [result.pk for result in results] == [alert.pk, alert.pk]
    assert alert.cases.count() == 4
    assert alert.groupings.filter(is_open=True).count() == 3
    assert StaffNotification.objects.count() == 1


@pytest.mark.django_db
def test_closing_an_alert_in_the_admin_is_final_and_frees_its_groupings(client):
    reviewer(client)
    for n in range(3):
        confirmed_case(treatment(), DAY + timedelta(days=n))
    alert = ClusterAlert.objects.get()
    url = reverse("admin:vigilance_clusteralert_change", args=[alert.pk])
    assert client.post(url, {"status": "closed"}).status_code == 302
    alert.refresh_from_db()
    assert alert.status == "closed" and not alert.groupings.filter(is_open=True).exists()
    assert 'name="status"' not in client.get(url).content.decode()  # no reopening


@pytest.mark.django_db
def test_the_migration_gives_alerts_raised_before_it_their_groupings():
    from importlib import import_module

    from django.apps import apps

    migration = import_module("vigilance.migrations.0003_patient_reports_eu_form_one_open_alert")
    crossed = [{"dimension": "lot", "value": "meso cocktail|l-1", "label": "Meso Cocktail lot L-1"}]
    older, newer, closed = (
        ClusterAlert.objects.create(complication=INFECTION, crossed=crossed, threshold=3, window_days=180, status=s)
        for s in ("open", "acknowledged", "closed")
    )
    migration.hold_open_groupings(apps, None)
    assert [(g.alert_id, g.is_open) for g in ClusterAlertGrouping.objects.order_by("alert_id")] == [
        (older.pk, True),
        (newer.pk, False),  # the race this migration closes: the older alert keeps the grouping
        (closed.pk, False),
    ]


@pytest.mark.django_db
def test_the_eu_form_suggests_a_verified_imdrf_code_and_otherwise_says_it_in_words(client):
    reviewer(client)
    case = confirmed_case(
        treatment(procedure="dermal-filler", product_class="ha_filler"), DAY, "allergic-skin-reaction"
    )
    report = services.prefill_report(case, None, vocabulary.EU_MDR_INCIDENT)
    html = client.get(reverse("vigilance:report_form", args=[report.pk])).content.decode()
    assert "suggested: E0402 Hypersensitivity/Allergic reaction (confirm it in the IMDRF tables)" in html
    assert "no verified IMDRF code" not in html.split("Device problem")[0]
