"""The release impact diff lists exactly the stories whose answers change, sorted by kind, and
what the candidate weakens (risk-factor effects included)."""

import pytest

from procedures.impact import Answer, StoryImpact, answer, release_impact, weakenings
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


# --- Risk factors' effects (no database) ------------------------------------------------------------


def _risk_data(**effect) -> dict:
    base = {"slug": "e", "complications": ["sepsis", "cellulitis"], "procedures": [], "raise_steps": 0, "floor": ""}
    return {"risk_factors": [{"slug": "diabetes", "effects": [{**base, **effect}]}]}


def _changes(before: dict, after: dict) -> list[str]:
    return [w.change for w in weakenings(before, after)]


@pytest.mark.parametrize(
    ("before", "after", "expected"),
    [
        ({"floor": "emergency"}, {"floor": "urgent"}, ["risk_effect diabetes/e: floor emergency → floor urgent"]),
        ({"floor": "urgent"}, {"floor": ""}, ["risk_effect diabetes/e: floor urgent → floor none"]),
        ({"raise_steps": 2}, {"raise_steps": 1}, ["risk_effect diabetes/e: raise 2 → raise 1"]),
        (
            {"floor": "urgent"},
            {"floor": "urgent", "procedures": ["dermal-filler"]},
            ["risk_effect diabetes/e: floor urgent → narrowed"],
        ),
        (
            {"raise_steps": 1},
            {"raise_steps": 1, "complications": ["sepsis"]},
            ["risk_effect diabetes/e: raise 1 → narrowed"],
        ),
        (
            {"route_fallback": "Go to the emergency department."},
            {"route_fallback": ""},
            ["risk_effect diabetes/e: fallback words → removed"],
        ),
        ({"floor": "urgent"}, {"floor": "emergency"}, []),  # stronger
        ({"raise_steps": 1, "procedures": ["a"]}, {"raise_steps": 1, "procedures": []}, []),  # every procedure now
        ({"floor": "soon"}, {"floor": ""}, []),  # not an urgent or emergency floor
        ({"floor": "urgent", "raise_steps": 1}, {"floor": "urgent", "raise_steps": 1}, []),  # unchanged
    ],
)
def test_weakened_risk_factor_effects_without_a_database(before, after, expected):
    assert _changes(_risk_data(**before), _risk_data(**after)) == expected


def test_a_removed_risk_factor_removes_its_strong_effects():
    before = _risk_data(floor="urgent", raise_steps=1)
    assert _changes(before, {"risk_factors": []}) == ["risk_effect diabetes/e: floor urgent, raise 1 → removed"]
    assert _changes(_risk_data(evidence_weight=0.3), {"risk_factors": []}) == []  # only made a cause likelier
