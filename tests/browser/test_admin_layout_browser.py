"""Admin list pages fit the screen: at 1280 × 800, with the whole knowledge base and its test stories
loaded and a row in every other list, every changelist of the procedures, checkins and vigilance
apps shows every column header inside the window and scrolls only down, never sideways (the
Urgency and Status columns used to sit off-screen at 1280 and 1920 pixels)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from procedures.models import StaffNotification, WeakeningSignOff
from procedures.selectors import published_knowledge_base
from tests.factories import ContactRequestFactory

from .conftest import ARTIFACTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a long enough test password 13"
APPS = ("procedures", "checkins", "vigilance")
WIDTHS = (1280, 1920)

# Column headers whose right edge lies beyond the window or beyond the list's own box (Django's
# list scrolls sideways inside it, hiding columns behind the filters), and how far the page and
# that box scroll sideways.
MEASURE = """() => {
    const box = document.querySelector('#changelist-form .results');
    const limit = Math.min(window.innerWidth, box ? box.getBoundingClientRect().right : window.innerWidth);
    return {
        overflow: document.documentElement.scrollWidth - window.innerWidth,
        hidden: box ? box.scrollWidth - box.clientWidth : 0,
        beyond: [...document.querySelectorAll('#result_list thead th')]
            .filter(th => th.getBoundingClientRect().right > limit + 0.5)
            .map(th => th.innerText.trim() || th.className),
        rows: document.querySelectorAll('#result_list tbody tr').length,
        csp: window.__csp || [],
    };
}"""


def changelists() -> list[str]:
    return sorted(
        reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        for model in admin.site._registry
        if model._meta.app_label in APPS
    )


def _a_row_in_every_list(user) -> None:
    """The whole knowledge base and its stories, and at least one row of everything else, with the
    longest texts each list can hold where it matters (a sign-off's change, an email's error)."""
    from checkins.models import OutgoingMessage
    from checkins.services import Contact, enrol, send_due_checkins
    from vigilance import services as vigilance
    from vigilance.models import ComplicationCase, ExportLog, TreatmentRecord

    call_command("load_knowledge_base", verbosity=0)
    call_command("load_vignettes", verbosity=0)
    call_command("seed_checkin_schedules", verbosity=0)
    request = ContactRequestFactory(urgency="emergency")
    StaffNotification.objects.create(
        contact_request=request,
        subject="Emergency contact request #1: call the patient now",
        body="-",
        recipients=["nurse@clinic.example"],
        attempts=3,
        next_attempt_at=timezone.now(),
        last_error="SMTPServerDisconnected: Connection unexpectedly closed while sending the message " * 3,
    )
    WeakeningSignOff.objects.create(
        change="risk_effect non-medical-provider/infections-at-least-urgent: floor urgent, raise 1 → narrowed",
        reason="Checked against the brief.",
        written_by=user,
    )
    kb = published_knowledge_base()
    treated = timezone.localdate() - timedelta(days=13)
    enrolment = enrol(
        kb,
        procedure="dermal-filler",
        treated_on=treated,
        contact=Contact("Alice", "alice@example.com"),
        language="en",
        consent=True,
    )
    send_due_checkins(now=enrolment.checkins.order_by("due_at").first().due_at)
    assert OutgoingMessage.objects.exists()
    case = None
    for days_ago in (15, 8, 1):
        record = TreatmentRecord.objects.create(
            procedure="mesotherapy",
            performed_at=timezone.now() - timedelta(days=days_ago + 20),
            product_name="Meso Cocktail with a long product name",
            product_class="other_medicine",
            lot_number="L-2026-01-ABCDEFGH",
            practitioner="Dr Rivera Montenegro",
            site="Main clinic, second floor",
        )
        case = ComplicationCase(
            treatment=record,
            complication="atypical-mycobacterial-infection",
            urgency="urgent",
            noticed_on=timezone.localdate() - timedelta(days=days_ago),
        )
        vigilance.confirm_case(case, user)
    report = vigilance.prefill_report(case, user)
    ExportLog.objects.create(
        user=user, username=user.username, kind=ExportLog.Kind.ADVERSE_EVENT_FORM, object_id=report.pk
    )


def test_every_admin_list_fits_the_window(browser, app_url, monkeypatch):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # ORM calls beside Playwright's loop
    user = get_user_model().objects.create_superuser("admin", "admin@clinic.example", PASSWORD)
    _a_row_in_every_list(user)
    pages = changelists()
    assert len(pages) >= 20, pages

    staff = browser.open("desktop")
    shots = ARTIFACTS / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    staff.page.goto(app_url + "/admin/login/")
    staff.page.fill("#id_username", "admin")
    staff.page.fill("#id_password", PASSWORD)
    staff.page.click("input[type=submit]")
    staff.page.wait_for_url("**/admin/")

    problems, empty = [], []
    for width in WIDTHS:
        staff.page.set_viewport_size({"width": width, "height": 800})
        for path in pages:
            staff.page.goto(app_url + path)
            found = staff.page.evaluate(MEASURE)
            # A one-row settings list opens that row's form instead: it has no columns.
            if not found["rows"] and staff.page.url.endswith(path):
                empty.append(path)
            if found["csp"]:
                problems.append(f"{width}px {path}: Content-Security-Policy violations {found['csp']}")
            if found["overflow"] > 0 or found["hidden"] > 0 or found["beyond"]:
                problems.append(
                    f"{width}px {path}: the page scrolls {found['overflow']}px sideways, the list "
                    f"{found['hidden']}px; headers out of sight: {found['beyond']}"
                )
            if width == WIDTHS[0]:
                name = path.strip("/").replace("/", "-")
                staff.page.screenshot(path=str(shots / f"{name}-1280.png"))
    assert not problems and not empty, "\n".join([*problems, f"lists without rows check no column: {empty}"])
