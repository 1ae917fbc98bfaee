"""A clinical reviewer walks through a release in the admin: what waits for review, what it would
change (the impact diff), approve and publish, and the release's safety case; and a weakened
risk factor signed off by two reviewers before it is published."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from procedures.models import ContentStatus, KnowledgeBaseRelease, RiskFactorEffect, WarningSign
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


FLOOR_LOWERED = "risk_effect unknown-product/toxin-spread-at-least-emergency: floor emergency → floor urgent"


def _log_in(browser, username: str):
    staff = browser.open("desktop")
    staff.goto("/admin/login/")
    staff.page.fill("#id_username", username)
    staff.page.fill("#id_password", PASSWORD)
    staff.page.click("input[type=submit]")
    staff.page.wait_for_url("**/admin/")
    return staff


def test_a_weakened_risk_factor_is_signed_off_by_two_reviewers_then_published(browser, app_url, monkeypatch):
    """The editor lowers botulism's emergency floor after an unknown product; the review page shows
    the weakening; one reviewer writes the reason from its link, another approves it, and then
    the release can be published, its safety case naming both."""
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # ORM calls beside Playwright's loop
    call_command("load_knowledge_base", verbosity=0)
    editor = staff_user("Content editor", username="eddie")
    effect = RiskFactorEffect.objects.get(risk_factor__slug="unknown-product", slug="toxin-spread-at-least-emergency")
    effect.floor = "urgent"
    effect.status = ContentStatus.DRAFT
    effect._history_user = editor
    effect.save()
    submit_for_review([effect], user=editor)
    staff_user("Clinical reviewer", username="rosa", password=PASSWORD)
    staff_user("Clinical reviewer", username="sam", password=PASSWORD)

    rosa = _log_in(browser, "rosa")
    rosa.goto("/admin/procedures/knowledgebaserelease/review/")
    weakenings = rosa.page.locator("table.weakenings")
    assert FLOOR_LOWERED in weakenings.inner_text()
    assert rosa.page.locator(".gate-problems").is_visible()  # not publishable yet
    weakenings.get_by_role("link", name="Write the reason").click()
    rosa.page.wait_for_url("**/weakeningsignoff/add/**")
    assert rosa.page.input_value("#id_change") == FLOOR_LOWERED
    rosa.page.fill("#id_reason", "A spread sign is an emergency sign by itself.")
    rosa.page.click("input[name=_save]")
    rosa.page.wait_for_url("**/weakeningsignoff/")

    sam = _log_in(browser, "sam")
    sam.goto("/admin/procedures/weakeningsignoff/")
    sam.page.check("input[name=_selected_action]")
    sam.page.select_option("select[name=action]", "approve_selected")
    sam.page.click("button[name=index]")
    sam.page.wait_for_load_state()
    assert "1 sign-off approved." in sam.page.content()

    rosa.goto("/admin/procedures/knowledgebaserelease/review/")
    assert "approved by sam" in rosa.page.locator("table.weakenings").inner_text()
    assert rosa.page.locator(".gate-passed").is_visible()
    rosa.page.click("#approve-and-publish input[type=submit]")
    rosa.page.wait_for_url("**/admin/procedures/knowledgebaserelease/")
    release = KnowledgeBaseRelease.objects.order_by("-version").first()
    assert FLOOR_LOWERED in release.safety_case and "A spread sign is an emergency sign" in release.safety_case
