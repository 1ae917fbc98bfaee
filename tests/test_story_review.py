"""Test stories go through the release review (procedures/story_review.py): the review page and the
safety case list stories added, changed and removed since the latest release with who changed
them; lowering a story's right level, or removing an emergency or urgent story, needs a written
reason and a second clinical reviewer; whoever changed a story does not publish the release."""

import json

import pytest
from django.urls import reverse

from procedures.models import Complication, ContentStatus, KnowledgeBaseRelease, Procedure, Vignette, WarningSign
from procedures.services import PublishRefused, publish_content, publish_knowledge_base, submit_for_review
from procedures.story_review import changes_since_latest_release
from tests.factories import staff_user

LOWERED = "story clinic-1: emergency → urgent"
REMOVED = "story clinic-1: emergency → removed"
BLOCKED_VESSEL = {"days_since_treatment": 0, "symptoms": ["skin-blanching"], "area": "face"}  # as sc-086
INFECTED_LUMP = {  # as sc-093
    "days_since_treatment": 5,
    "symptoms": ["swelling", "warmth", "painful-red-lump", "pus-or-drainage"],
    "trend": "worsening",
    "area": "face",
}


@pytest.fixture
def people(db):
    return {
        "eddie": staff_user("Content editor", username="eddie"),
        "rosa": staff_user("Clinical reviewer", username="rosa"),
        "sam": staff_user("Clinical reviewer", username="sam"),
    }


@pytest.fixture
def released_story(people) -> Vignette:
    """An emergency story of the clinic's, in the gate when the latest release was published."""
    story = Vignette(
        slug="clinic-1",
        procedure=Procedure.objects.get(slug="dermal-filler"),
        story="My lip went white right after the filler.",
        answers=BLOCKED_VESSEL,
        gold_level="emergency",
        author="Rosa",
    )
    story._history_user = people["rosa"]
    story.save()
    story.gold_complications.set([Complication.objects.get(slug="vascular-occlusion")])
    publish_knowledge_base(note="baseline with the clinic's story")
    assert changes_since_latest_release() == []
    return story


def _edit_in_admin(client, vignette: Vignette, **changes) -> None:
    page = client.get(reverse("admin:procedures_vignette_change", args=[vignette.pk]))
    form = page.context["adminform"].form
    data = {
        "slug": vignette.slug,
        "procedure": vignette.procedure_id,
        "story": vignette.story,
        "answers": json.dumps(vignette.answers),
        "gold_level": vignette.gold_level,
        "gold_complications": [c.pk for c in vignette.gold_complications.all()],
        "author": vignette.author,
        "source": vignette.source,
    }
    data.update(changes)
    response = client.post(reverse("admin:procedures_vignette_change", args=[vignette.pk]), data)
    assert response.status_code == 302, form.errors or response.context["adminform"].form.errors


def _content_change_in_review(editor) -> WarningSign:
    """A harmless content change, so that publishing makes a release (and its safety case)."""
    sign = WarningSign.objects.get(complication__slug="sepsis", symptom__slug="confusion")
    sign.weight = 0.95
    sign.status = ContentStatus.DRAFT
    sign._history_user = editor
    sign.save()
    submit_for_review([sign], user=editor)
    return sign


def _relabel_as_urgent(client, story: Vignette) -> None:
    """The editor makes the clinic's story an infected lump, right answer urgent: it still passes,
    but the gate now accepts a lower level for a story that was an emergency."""
    infection = Complication.objects.get(slug="bacterial-skin-infection")
    _edit_in_admin(
        client,
        story,
        answers=json.dumps(INFECTED_LUMP),
        gold_level="urgent",
        gold_complications=[infection.pk],
        story="A hot, painful lump with pus five days after filler.",
    )


@pytest.mark.django_db
def test_a_lowered_story_needs_a_reason_and_a_second_reviewer_and_the_safety_case_lists_it(
    client, people, released_story
):
    client.force_login(people["eddie"])
    _relabel_as_urgent(client, released_story)
    sign = _content_change_in_review(people["eddie"])

    with pytest.raises(PublishRefused) as refused:
        publish_content([sign], user=people["rosa"])
    assert any(LOWERED in p for p in refused.value.report.problems), refused.value.report.problems

    from procedures.models import WeakeningSignOff

    WeakeningSignOff.objects.create(
        change=LOWERED,
        reason="It was mislabelled: the blocked-vessel story is sc-086.",
        written_by=people["rosa"],
        approved_by=people["sam"],
    )
    sign.refresh_from_db()
    published = publish_content([sign], user=people["rosa"])
    assert published.release is not None, published.report.problems
    case = published.release.safety_case
    assert "| clinic-1 | changed | dermal-filler | emergency → urgent | eddie | rosa |" in case
    assert LOWERED in case and "It was mislabelled" in case
    assert changes_since_latest_release() == []  # reviewed with this release


@pytest.mark.django_db
def test_the_review_page_lists_story_changes_with_who_made_them(client, people, released_story):
    client.force_login(people["eddie"])
    _relabel_as_urgent(client, released_story)
    added = Vignette(
        slug="clinic-2",
        procedure=released_story.procedure,
        story="Swollen lips the next morning.",
        answers={"days_since_treatment": 1, "symptoms": ["swelling"], "area": "lips"},
        gold_level="self_care",
        author="Eddie",
    )
    added._history_user = people["eddie"]
    added.save()

    client.force_login(people["rosa"])
    page = client.get(reverse("admin:procedures_review"))

    rows = {change.id: (what, weakens, change.changed_by_names) for change, what, weakens in page.context["story_rows"]}
    assert rows == {"clinic-1": ("changed", True, ("eddie",)), "clinic-2": ("added", False, ("eddie",))}
    weakenings = [w.change for w, _sign_off, _url in page.context["weakening_rows"]]
    assert LOWERED in weakenings
    html = page.content.decode()
    assert 'id="story-changes"' in html and "weakens the safety check" in html


@pytest.mark.django_db
def test_removing_an_emergency_story_is_a_weakening(client, people, released_story):
    client.force_login(people["rosa"])
    response = client.post(reverse("admin:procedures_vignette_delete", args=[released_story.pk]), {"post": "yes"})
    assert response.status_code == 302
    (change,) = changes_since_latest_release()
    assert (change.kind, change.changed_by_names) == ("removed", ("rosa",))
    assert change.weakening.change == REMOVED


@pytest.mark.django_db
def test_a_story_raised_or_reworded_is_listed_but_is_not_a_weakening(client, people, released_story):
    client.force_login(people["eddie"])
    _edit_in_admin(client, released_story, story="My upper lip went white and hurt right after the filler.")
    (change,) = changes_since_latest_release()
    assert change.kind == "changed" and change.weakening is None


@pytest.mark.django_db
def test_a_reviewer_who_changed_a_story_does_not_publish_the_release(client, people, released_story, settings):
    client.force_login(people["rosa"])
    _edit_in_admin(client, released_story, story="My lip went white and cold right after the filler.")
    _content_change_in_review(people["eddie"])
    releases = KnowledgeBaseRelease.objects.count()

    refused = client.post(reverse("admin:procedures_review"), {"note": "x"})

    assert refused.status_code == 409
    assert "You changed the test stories clinic-1 yourself" in refused.content.decode()
    assert KnowledgeBaseRelease.objects.count() == releases

    client.force_login(people["sam"])  # another clinical reviewer publishes it
    assert client.post(reverse("admin:procedures_review"), {"note": "x"}).status_code == 302
    assert KnowledgeBaseRelease.objects.count() == releases + 1


def test_the_story_two_person_rule_holds_outside_the_admin_too(client, people, released_story):
    """The rule lives in the publishing service, so every way of publishing keeps it."""
    from procedures.services import PublishRefused, publish_content, rows_in_review

    client.force_login(people["rosa"])
    _edit_in_admin(client, released_story, story="My lip went white and cold right after the filler.")
    _content_change_in_review(people["eddie"])

    with pytest.raises(PublishRefused) as refused:
        publish_content(rows_in_review(), user=people["rosa"])

    assert any("You changed the test stories clinic-1 yourself" in p for p in refused.value.report.problems)
    assert publish_content(rows_in_review(), user=people["sam"]).release is not None
