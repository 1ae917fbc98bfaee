"""Vigilance in a real browser: a clinical reviewer logs in to the admin, sees the per-lot weekly
cluster chart (inline SVG, no Content-Security-Policy violation), opens a prefilled report's
printable form and downloads it as a FHIR AdverseEvent, which validates and is in the audit log;
then opens an EU device incident report from the report list, prints it to PDF and downloads it.
A patient names their product at a check-in on a phone, with a mistake first (axe at each state)."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from fhir.resources.R4B.adverseevent import AdverseEvent

from checkins.links import checkin_token
from checkins.models import Checkin, Enrolment
from tests.factories import staff_user
from vigilance import services, vocabulary
from vigilance.models import ClusterAlert, ComplicationCase, ExportLog, TreatmentLink, TreatmentRecord

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery staple"


def _cluster_on_one_lot() -> ComplicationCase:
    today = timezone.localdate()
    case = None
    for days_ago in (15, 8, 1):
        record = TreatmentRecord.objects.create(
            procedure="mesotherapy",
            performed_at=timezone.now() - timedelta(days=days_ago + 20),
            product_name="Meso Cocktail",
            product_class="other_medicine",
            lot_number="L-2026-01",
            practitioner="Dr Rivera",
            site="Main clinic",
        )
        case = ComplicationCase(
            treatment=record,
            complication="atypical-mycobacterial-infection",
            urgency="urgent",
            noticed_on=today - timedelta(days=days_ago),
        )
        services.confirm_case(case, None)
    return case


def _filler_case() -> ComplicationCase:
    record = TreatmentRecord.objects.create(
        procedure="dermal-filler",
        performed_at=timezone.now() - timedelta(days=3),
        product_name="Juvederm Voluma",
        manufacturer="Allergan",
        product_class="ha_filler",
        lot_number="VB20A123",
        practitioner="Dr Chen",
        site="Main clinic",
    )
    case = ComplicationCase(
        treatment=record, complication="vascular-occlusion", urgency="emergency", noticed_on=timezone.localdate()
    )
    services.confirm_case(case, None)
    return case


def _no_csp_violations(page) -> None:
    assert page.page.evaluate("() => window.__csp || []") == []


def test_a_reviewer_sees_the_cluster_chart_and_downloads_a_report(browser, app_url, monkeypatch, tmp_path):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # ORM calls beside Playwright's loop
    reviewer = staff_user("Clinical reviewer", username="carmen", password=PASSWORD)
    report = services.prefill_report(_cluster_on_one_lot(), reviewer)
    assert ClusterAlert.objects.count() == 1

    staff = browser.open("desktop")
    staff.goto("/admin/login/")
    staff.page.fill("#id_username", "carmen")
    staff.page.fill("#id_password", PASSWORD)
    staff.page.click("input[type=submit]")
    staff.page.wait_for_url("**/admin/")

    staff.goto("/admin/vigilance/clusteralert/")
    chart = staff.page.locator("#lot-chart svg")
    assert chart.count() == 1 and chart.is_visible()
    assert "Meso Cocktail lot L-2026-01" in staff.page.locator("#lot-chart").inner_text()
    assert staff.page.locator("#lot-chart rect[height]:not([height='0'])").count() >= 2
    _no_csp_violations(staff)
    staff.page.screenshot(path=str(_shots() / "vigilance-cluster-chart.png"), full_page=True)

    staff.goto(f"/vigilance/reports/{report.pk}/form/")
    assert "Nothing has been sent" in staff.page.content()
    assert "L-2026-01" in staff.page.locator("main").inner_text()
    _no_csp_violations(staff)
    staff._axe("desktop: vigilance report form")
    with staff.page.expect_download() as download_info:
        staff.page.click("#download-fhir")
    saved = tmp_path / "report.json"
    download_info.value.save_as(saved)
    event = AdverseEvent.model_validate(json.loads(saved.read_text()))
    assert event.contained[0].batch.lotNumber == "L-2026-01"
    assert list(ExportLog.objects.order_by("pk").values_list("kind", flat=True)) == [
        "adverse_event_form",
        "adverse_event_fhir",
    ]

    # The EU device incident report: from the report list, printed to PDF, downloaded as FHIR.
    eu = services.prefill_report(_filler_case(), reviewer, vocabulary.EU_MDR_INCIDENT)
    eu.udi = "(01)00889876543210(10)VB20A123"
    eu.save()
    staff.goto("/admin/vigilance/adverseeventreport/")
    with staff.page.expect_navigation():
        staff.page.click(f"a.report-form[href='/vigilance/reports/{eu.pk}/form/']")
    shown = staff.page.locator("main").inner_text()
    assert "Section 2. Medical device information" in shown and "VB20A123" in shown
    assert "EU Manufacturer Incident Report (MIR) form, version 7.3.1" in shown
    assert "Nothing has been sent" in staff.page.content()
    _no_csp_violations(staff)
    staff._axe("desktop: EU device incident report form")
    staff.page.screenshot(path=str(_shots() / "vigilance-eu-device-report.png"), full_page=True)
    printed = _printouts() / "eu-device-incident-report.pdf"
    staff.page.pdf(path=str(printed), format="A4")
    assert printed.read_bytes().startswith(b"%PDF")
    with staff.page.expect_download() as download_info:
        staff.page.click("#download-fhir")
    saved = tmp_path / "eu-report.json"
    download_info.value.save_as(saved)
    device = AdverseEvent.model_validate(json.loads(saved.read_text())).contained[0]
    assert device.lotNumber == "VB20A123" and device.udiCarrier[0].carrierHRF.startswith("(01)")
    assert list(ExportLog.objects.order_by("pk").values_list("kind", "object_id"))[-2:] == [
        ("adverse_event_form", eu.pk),
        ("adverse_event_fhir", eu.pk),
    ]


def test_a_patient_names_the_product_at_a_check_in_on_a_phone(browser, app_url, monkeypatch):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    enrolment = Enrolment.objects.create(
        procedure="dermal-filler",
        treated_on=timezone.localdate() - timedelta(days=14),
        consent_text_version="t",
        name="Alice",
        email="alice@example.com",
    )
    now = timezone.now()
    checkin = Checkin.objects.create(
        enrolment=enrolment,
        day=14,
        due_at=now,
        status=Checkin.Status.SENT,
        sent_at=now,
        link_expires_at=now + timedelta(days=2),
    )
    patient = browser.open("phone")
    patient.goto(f"/checkins/c/{checkin_token(checkin.pk)}/")
    patient.page.wait_for_url("**/checkins/answer/")
    assert patient.page.locator("legend", has_text="Do you know what was used? (optional)").is_visible()
    patient.shown("check-in: what was used", strict=True)
    patient.tap("label[for='id_answer_0']")  # nothing new or worse
    patient.page.fill("#id_product_name", "Radiesse")
    patient.tap("label[for='id_product_kind_1']")  # another kind of filler
    patient.page.fill("#id_product_lot", "L" * 61)
    patient.tap("label[for='id_product_licensed_2']")  # I don't know
    patient.submit()
    patient.shown("check-in: what was used, with a mistake", strict=True)
    assert "Please use 60 characters or fewer." in patient.page.locator("#form-errors").inner_text()
    assert patient.page.input_value("#id_product_name") == "Radiesse"
    assert patient.page.is_checked("#id_product_kind_1") and patient.page.is_checked("#id_answer_0")
    assert (
        patient.page.get_attribute("#id_product_lot", "aria-describedby") == "id_product_lot-hint id_product_lot-error"
    )
    assert not TreatmentRecord.objects.exists()
    patient.page.fill("#id_product_lot", "RX-2291")
    patient.submit()
    assert "Good to hear that nothing is new or worse." in patient.page.content()
    record = TreatmentLink.objects.select_related("treatment").get(checkin=checkin).treatment
    assert (record.product_name, record.product_class, record.lot_number, record.licensed) == (
        "Radiesse",
        "non_ha_filler",
        "RX-2291",
        None,
    )
    assert record.unchecked


def _printouts() -> Path:
    from .conftest import ARTIFACTS

    printouts = ARTIFACTS / "printouts"
    printouts.mkdir(parents=True, exist_ok=True)
    return printouts


def _shots() -> Path:
    from .conftest import ARTIFACTS

    shots = ARTIFACTS / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    return shots
