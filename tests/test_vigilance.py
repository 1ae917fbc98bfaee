"""Vigilance (issue 15): treatment records and the risk factors they imply, cluster alerts,
prefilled adverse-event reports, FHIR R4 export validated with fhir.resources, privacy and roles."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from fhir.resources.R4B.adverseevent import AdverseEvent
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.questionnaire import Questionnaire

from checkins.models import Checkin, Enrolment
from procedures.models import ContactRequest, StaffNotification
from tests.factories import ContactRequestFactory, staff_user
from vigilance import clusters, fhir, services
from vigilance.models import (
    AdverseEventReport,
    ClusterAlert,
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
    assert event.outcome.coding[0].code == "unknown" and event.event.coding is None  # no invented code


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
    [medication] = _resources(dumped, "Medication")
    assert medication["batch"]["lotNumber"] == "L-2026-01"
    # Privacy: what staff need, no more.
    assert b"Alice" not in response.content and b"alice@example.com" not in response.content
    assert b"555" not in response.content


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


def _export_urls(report: AdverseEventReport, request: ContactRequest, checkin: Checkin) -> list[str]:
    return [
        reverse("vigilance:contact_request_bundle", args=[request.pk]),
        reverse("vigilance:checkin_bundle", args=[checkin.pk]),
        reverse("vigilance:report_fhir", args=[report.pk]),
        reverse("vigilance:report_form", args=[report.pk]),
    ]


@pytest.fixture
def exportable(db):
    case = confirmed_case(treatment(), DAY)
    report = services.prefill_report(case, None)
    request = ContactRequestFactory(answers=MESOTHERAPY_ANSWERS)
    enrolment = Enrolment.objects.create(procedure="mesotherapy", treated_on=DAY, consent_text_version="t")
    checkin = Checkin.objects.create(enrolment=enrolment, day=3, due_at=timezone.now(), contact_request=request)
    return report, request, checkin


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
    report, request, checkin = exportable
    for url in _export_urls(*exportable):
        assert client.get(url).status_code == 200, url
    logged = list(ExportLog.objects.order_by("pk").values_list("user", "username", "kind", "object_id"))
    assert logged == [
        (user.pk, user.username, "contact_request_bundle", request.pk),
        (user.pk, user.username, "checkin_bundle", checkin.pk),
        (user.pk, user.username, "adverse_event_fhir", report.pk),
        (user.pk, user.username, "adverse_event_form", report.pk),
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
            "licensed": "on",
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
