"""Vigilance in a real browser: a clinical reviewer logs in to the admin, sees the per-lot weekly
cluster chart (inline SVG, no Content-Security-Policy violation), opens a prefilled report's
printable form and downloads it as a FHIR AdverseEvent, which validates and is in the audit log."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from fhir.resources.R4B.adverseevent import AdverseEvent

from tests.factories import staff_user
from vigilance import services
from vigilance.models import ClusterAlert, ComplicationCase, ExportLog, TreatmentRecord

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


def _shots() -> Path:
    from .conftest import ARTIFACTS

    shots = ARTIFACTS / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    return shots
