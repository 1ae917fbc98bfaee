"""A clinical reviewer walks through a release in the admin: what waits for review, what it would
change (the impact diff), approve and publish, and the release's safety case."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from procedures.models import ContentStatus, KnowledgeBaseRelease, WarningSign
from procedures.services import submit_for_review
from tests.factories import staff_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "a long enough test password 13"


def _edit_waiting_for_review() -> WarningSign:
    """An editor raises a sign of sepsis (no weakening) and submits it for review."""
    editor = staff_user("Content editor", username="eddie")
    sign = WarningSign.objects.get(complication__slug="sepsis", symptom__slug="confusion")
    sign.weight = 0.95
    sign.status = ContentStatus.DRAFT
    sign._history_user = editor
    sign.save()
    submit_for_review([sign], user=editor)
    return sign


def test_a_reviewer_reads_the_impact_diff_then_approves_and_publishes(browser, app_url, monkeypatch):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # ORM calls beside Playwright's loop
    call_command("load_knowledge_base", verbosity=0)  # the live server's database was emptied
    _edit_waiting_for_review()
    staff_user("Clinical reviewer", username="rosa", password=PASSWORD)
    releases = KnowledgeBaseRelease.objects.count()

    staff = browser.open("desktop")
    staff.goto("/admin/login/")
    staff.page.fill("#id_username", "rosa")
    staff.page.fill("#id_password", PASSWORD)
    staff.page.click("input[type=submit]")
    staff.page.wait_for_url("**/admin/")

    staff.goto("/admin/procedures/knowledgebaserelease/review/")
    waiting = staff.page.locator("#waiting").inner_text()
    assert "confusion" in waiting and "sepsis" in waiting
    assert staff.page.locator("#impact").is_visible()
    assert "Newly under-triaged (0)" in staff.page.content()
    assert staff.page.locator(".gate-passed").is_visible()

    staff.page.fill("#id_note", "Sepsis: confusion weighs more")
    staff.page.click("#approve-and-publish input[type=submit]")
    staff.page.wait_for_url("**/admin/procedures/knowledgebaserelease/")
    assert "Published release" in staff.page.content()
    assert KnowledgeBaseRelease.objects.count() == releases + 1

    release = KnowledgeBaseRelease.objects.order_by("-version").first()
    staff.goto(f"/admin/procedures/knowledgebaserelease/{release.pk}/safety-case/")
    case = staff.page.locator(".safety-case").inner_text()
    assert "eddie" in case and "rosa" in case  # who changed it and who approved it
