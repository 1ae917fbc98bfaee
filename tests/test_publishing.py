"""Review workflow and publishing: releases hold reviewed content only, behind a safety gate."""

import pytest
from django.urls import reverse

from procedures.models import Complication, ContentStatus, KnowledgeBaseRelease, ProcedureComplication, WarningSign
from procedures.releases import merge_release, release_candidate_data
from procedures.selectors import latest_release, published_knowledge_base
from procedures.services import PublishRefused, check_release, publish_content, submit_for_review
from tests.factories import staff_user

# --- The merge, without a database -----------------------------------------------------------

PREVIOUS = {
    "sources": [],
    "areas": [],
    "symptoms": [{"slug": "fever", "label": "Fever"}],
    "complications": [
        {
            "slug": "infection",
            "name": "Infection",
            "warning_signs": [{"symptom": "fever", "urgency": "urgent"}],
            "rules": [],
        }
    ],
    "procedures": [],
}


def statuses(**overrides):
    """Review statuses by table name (kb_schema) and natural key."""
    base = {
        "source": {},
        "area": {},
        "symptom": {("fever",): "published"},
        "complication": {("infection",): "published"},
        "warning_sign": {("infection", "fever"): "published"},
        "rule": {},
        "procedure": {},
        "effect": {},
        "link": {},
    }
    for table, values in overrides.items():
        base[table] = {**base[table], **values}
    return base


def working(name="Infection", urgency="urgent", extra_complication=False):
    data = {
        "sources": [],
        "areas": [],
        "symptoms": [{"slug": "fever", "label": "Fever"}],
        "complications": [
            {
                "slug": "infection",
                "name": name,
                "warning_signs": [{"symptom": "fever", "urgency": urgency}],
                "rules": [],
            }
        ],
        "procedures": [],
    }
    if extra_complication:
        data["complications"].append({"slug": "new", "name": "New", "warning_signs": [], "rules": []})
    return data


def test_published_rows_go_in_with_their_current_values():
    merged = merge_release(working(name="Skin infection"), PREVIOUS, statuses())
    assert merged["complications"][0]["name"] == "Skin infection"


def test_a_draft_keeps_the_values_patients_already_see():
    merged = merge_release(
        working(name="Skin infection", urgency="soon"),
        PREVIOUS,
        statuses(complication={("infection",): "draft"}, warning_sign={("infection", "fever"): "in_review"}),
    )
    complication = merged["complications"][0]
    assert complication["name"] == "Infection"
    assert complication["warning_signs"] == [{"symptom": "fever", "urgency": "urgent"}]


def test_new_content_stays_out_until_published_and_deleted_content_leaves():
    merged = merge_release(working(extra_complication=True), PREVIOUS, statuses(complication={("new",): "draft"}))
    assert [c["slug"] for c in merged["complications"]] == ["infection"]
    gone = working()
    gone["complications"][0]["warning_signs"] = []
    assert merge_release(gone, PREVIOUS, statuses())["complications"][0]["warning_signs"] == []


# --- With the real knowledge base ------------------------------------------------------------


@pytest.fixture
def reviewer(db):
    return staff_user("Clinical reviewer", username="rosa")


@pytest.mark.django_db
def test_the_unchanged_knowledge_base_passes_the_gate():
    report = check_release(release_candidate_data())
    assert report.passed, report.problems
    assert report.summary["vignettes"] > 0


@pytest.mark.django_db
def test_release_candidate_equals_the_latest_release_when_nothing_is_pending():
    assert release_candidate_data() == latest_release().data


def _demote_vascular_occlusion():
    """A careless edit: every sign of a blocked artery after filler becomes "soon"."""
    complication = Complication.objects.get(slug="vascular-occlusion")
    complication.warning_signs.update(urgency="soon", status=ContentStatus.IN_REVIEW)
    complication.rules.update(urgency="soon", status=ContentStatus.IN_REVIEW)
    ProcedureComplication.objects.filter(complication=complication).update(urgency="soon", status="in_review")
    complication.default_urgency = "soon"
    complication.status = ContentStatus.IN_REVIEW
    complication.save()
    return complication


@pytest.mark.django_db
def test_the_gate_refuses_a_change_that_would_miss_an_emergency_and_nothing_changes(reviewer):
    complication = _demote_vascular_occlusion()
    releases = KnowledgeBaseRelease.objects.count()
    with pytest.raises(PublishRefused) as refused:
        publish_content([complication], user=reviewer)
    report = refused.value.report
    assert any("emergencies would be missed" in p for p in report.problems)
    assert any(m.expected == "emergency" and m.got != "emergency" for m in report.misses)
    assert KnowledgeBaseRelease.objects.count() == releases
    complication.refresh_from_db()
    assert complication.status == ContentStatus.IN_REVIEW  # still waiting for a fixed version


@pytest.mark.django_db
def test_the_publish_action_shows_the_failing_stories(client, reviewer):
    complication = _demote_vascular_occlusion()
    client.force_login(reviewer)
    response = client.post(
        reverse("admin:procedures_complication_changelist"),
        {"action": "publish_selected", "_selected_action": [complication.pk]},
    )
    assert response.status_code == 409
    assert b"Publishing refused" in response.content
    miss = response.context["report"].misses[0]
    assert miss.id.encode() in response.content


@pytest.mark.django_db
def test_gate_fails_closed_without_vignettes(settings):
    settings.PUBLISH_GATE_VIGNETTES = []
    report = check_release(release_candidate_data())
    assert not report.passed
    assert "No vignette suite" in report.problems[0]


@pytest.mark.django_db
def test_a_reviewed_change_is_published_and_drafts_stay_out(reviewer):
    editor = staff_user("Content editor", username="eddie")
    reviewed = Complication.objects.get(slug="vascular-occlusion")
    reviewed.summary = "Reviewed wording."
    reviewed.status = ContentStatus.DRAFT
    reviewed.save()
    draft = Complication.objects.get(slug="sepsis")
    draft.summary = "Unreviewed wording."
    draft.status = ContentStatus.DRAFT
    draft.save()

    assert submit_for_review([reviewed], user=editor) == 1
    published = publish_content([reviewed, draft], user=reviewer)  # the draft is skipped: never submitted

    assert published.rows == 1 and published.release is not None
    kb = published_knowledge_base()
    assert kb.complications["vascular-occlusion"].summary.get("en") == "Reviewed wording."
    assert kb.complications["sepsis"].summary.get("en") != "Unreviewed wording."
    reviewed.refresh_from_db()
    assert (reviewed.status, reviewed.reviewed_by) == (ContentStatus.PUBLISHED, reviewer)
    assert reviewed.history.first().history_user == reviewer


@pytest.mark.django_db
def test_submitting_a_complication_submits_its_warning_signs(reviewer):
    complication = Complication.objects.get(slug="sepsis")
    WarningSign.objects.filter(complication=complication).update(status=ContentStatus.DRAFT)
    submit_for_review(Complication.objects.filter(pk=complication.pk), user=reviewer)
    assert set(complication.warning_signs.values_list("status", flat=True)) == {ContentStatus.IN_REVIEW}


# --- Preview as a patient --------------------------------------------------------------------


@pytest.mark.django_db
def test_staff_preview_shows_drafts_that_patients_do_not_see(client, reviewer):
    procedure_name = "Draft name for preview"
    from procedures.models import Procedure

    procedure = Procedure.objects.get(slug="trusculpt-id")
    procedure.name = procedure_name
    procedure.status = ContentStatus.DRAFT
    procedure.save()
    client.force_login(reviewer)
    data = {
        "knowledge_base": "draft",
        "procedure": "trusculpt-id",
        "days": "1",
        "symptoms": ["redness"],
        "language": "en",
    }
    page = client.post(reverse("procedures:staff-preview"), data)
    assert page.status_code == 200
    assert procedure_name.encode() in page.content
    assert b"Preview for staff" in page.content
    assert b'action="/check/contact/"' not in page.content  # no contact form in a preview

    page = client.post(reverse("procedures:staff-preview"), {**data, "knowledge_base": "candidate"})
    assert procedure_name.encode() not in page.content


@pytest.mark.django_db
def test_preview_is_for_staff_only(client):
    response = client.get(reverse("procedures:staff-preview"))
    assert response.status_code == 302 and "/admin/login/" in response.url
    client.force_login(staff_user("Front desk"))
    assert client.get(reverse("procedures:staff-preview")).status_code == 403
