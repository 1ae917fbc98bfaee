"""Each release keeps a safety case (DCB0129-style hazard log): a page and a Markdown export."""

import pytest
from django.urls import reverse

from procedures.models import ContentStatus, KnowledgeBaseRelease, WarningSign
from procedures.services import publish_content, submit_for_review
from tests.factories import staff_user


@pytest.mark.django_db
def test_a_published_release_has_a_safety_case_page_and_markdown_export(client):
    editor = staff_user("Content editor", username="eddie")
    reviewer = staff_user("Clinical reviewer", username="rosa")
    sign = WarningSign.objects.get(complication__slug="sepsis", symptom__slug="confusion")
    sign.weight = 0.95
    sign.status = ContentStatus.DRAFT
    sign._history_user = editor
    sign.save()
    submit_for_review([sign], user=editor)
    release = publish_content([sign], user=reviewer).release
    case = release.safety_case
    for heading in ("## 1. Release", "## 2. Changes", "## 3. Weakened", "## 4. Stories", "## 5. Open hazards"):
        assert heading in case
    assert "| eddie | rosa |" in case  # who changed it, who approved it
    assert "H-sc-107" in case  # an old miss stays listed as an open hazard

    client.force_login(reviewer)
    page = client.get(reverse("admin:procedures_knowledgebaserelease_safety_case", args=[release.pk]))
    assert page.status_code == 200 and b"Open hazards" in page.content
    export = client.get(reverse("admin:procedures_knowledgebaserelease_safety_case_md", args=[release.pk]))
    assert export["Content-Type"].startswith("text/markdown") and export.content.decode() == case


@pytest.mark.django_db
def test_the_review_page_lists_what_waits_and_what_it_would_change(client):
    reviewer = staff_user("Clinical reviewer", username="rosa")
    WarningSign.objects.filter(complication__slug="vascular-occlusion").update(
        urgency="soon", status=ContentStatus.IN_REVIEW
    )
    client.force_login(reviewer)
    page = client.get(reverse("admin:procedures_review"))
    assert page.status_code == 200
    assert page.context["impact"].newly_under_triaged
    assert b"Newly under-triaged" in page.content and b"Approve and publish" in page.content
    refused = client.post(reverse("admin:procedures_review"), {"note": "x"})
    assert refused.status_code == 409
    assert KnowledgeBaseRelease.objects.count() == 1
