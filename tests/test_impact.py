"""The release impact diff lists exactly the stories whose answers change, sorted by kind."""

import pytest

from procedures.impact import Answer, StoryImpact, answer, release_impact
from procedures.models import WarningSign
from procedures.releases import release_candidate_data
from procedures.stories import gate_stories
from procedures.triage import KnowledgeBase


def _story(gold, before, after, gold_complications=()):
    return StoryImpact("s", "", "p", gold, tuple(gold_complications), Answer(*before), Answer(*after))


def test_kinds_of_change_without_a_database():
    assert _story("emergency", ("emergency",), ("urgent",)).newly_under_triaged
    assert _story("soon", ("soon",), ("urgent",)).newly_over_triaged
    assert _story("soon", ("soon", ("a",)), ("soon", ("b",)), ["a"]).changed_complications
    assert _story("soon", ("soon", ("a",)), ("soon", ("b",)), ["a"]).new_failure
    assert _story("soon", ("self_care",), ("self_care",)).existing_failure
    assert _story("soon", (None,), ("self_care",)).new_failure  # a new procedure's story
    assert not _story("urgent", ("self_care",), ("soon",)).newly_under_triaged  # better, if not right


@pytest.mark.django_db
def test_the_impact_diff_lists_exactly_the_stories_whose_answers_changed():
    current = release_candidate_data()
    # Demote every sign of a blocked artery to "soon" in the candidate.
    WarningSign.objects.filter(complication__slug="vascular-occlusion").update(urgency="soon")
    candidate = release_candidate_data()
    stories, _files = gate_stories()

    impact = release_impact(current, candidate, stories)

    before = KnowledgeBase.from_dict(current, version="a")
    after = KnowledgeBase.from_dict(candidate, version="b")
    expected = {s["id"] for s in stories if answer(before, s) != answer(after, s)}
    assert expected, "the demotion should change some answers"
    assert {s.id for s in impact.changed} == expected
    assert {s.id for s in impact.newly_under_triaged} <= expected
    assert impact.newly_under_triaged
    assert any(w.change.startswith("warning_sign vascular-occlusion/") for w in impact.weakenings)
