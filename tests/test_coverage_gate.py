"""Coverage is part of the content: a procedure is published only with stories that cover it.

The issue's scenario: a clinic adds "Emsculpt NEO" with one expected effect and one complication.
Without stories it cannot be published. With the minimum stories it is published, and dark urine
with swollen muscles on day 2 answers "emergency", naming muscle breakdown, although nobody linked
rhabdomyolysis to the new device: that red flag is a system red flag rule (brief section 5), which
reaches every procedure. Kept away from the new procedure, the red flag blocks publishing.
"""

import pytest
from django.urls import reverse

from procedures.coverage import reachable_levels, red_flags_missing
from procedures.models import CombinationRule, Complication, ContentStatus, Procedure, Source, Symptom, Vignette
from procedures.releases import release_candidate_data
from procedures.selectors import published_knowledge_base
from procedures.services import PublishRefused, check_release, publish_content, submit_for_review
from procedures.stories import load_stories
from procedures.triage import Answers, assess
from tests.factories import ExpectedEffectFactory, LinkFactory, ProcedureFactory, staff_user

SCENARIO = {"days_since_treatment": 2, "symptoms": ["muscle-soreness", "muscle-swelling", "dark-urine"]}


@pytest.fixture
def editor(db):
    return staff_user("Content editor", username="eddie")


@pytest.fixture
def reviewer(db):
    return staff_user("Clinical reviewer", username="rosa")


def _emsculpt(editor) -> Procedure:
    """A new procedure as staff would add it, submitted for review by its editor."""
    procedure = ProcedureFactory(slug="emsculpt-neo", name="Emsculpt NEO", kind="muscle stimulation", status="draft")
    effect = ExpectedEffectFactory(
        procedure=procedure,
        slug="muscle-soreness",
        name="Muscle soreness",
        worst_by_day=1,
        normal_until_day=3,
        level_after="soon",
        status="draft",
        symptoms=list(Symptom.objects.filter(slug__in=["muscle-soreness", "tenderness"])),
    )
    effect.sources.set(Source.objects.filter(code="S5"))
    LinkFactory(
        procedure=procedure,
        complication=Complication.objects.get(slug="thermal-burn"),
        onset_min_days=0,
        onset_max_days=2,
        evidence_grade="C",
        urgency="urgent",
        status="draft",
    )
    submit_for_review([procedure], user=editor)
    return procedure


def _story(slug, level, days, symptoms, complications=(), **answers):
    return {
        "id": slug,
        "story": f"Emsculpt story {slug}",
        "input": {"procedure": "emsculpt-neo", "days_since_treatment": days, "symptoms": symptoms, **answers},
        "expect": {"urgency": level, "complications_any_of": list(complications)},
    }


EMSCULPT_STORIES = [
    _story("ems-1", "self_care", 1, ["muscle-soreness"], trend="improving"),
    _story("ems-2", "soon", 6, ["muscle-soreness"], trend="unchanged"),
    _story("ems-3", "urgent", 1, ["blisters"], ["thermal-burn"], area="abdomen"),
    _story("ems-4", "emergency", 2, SCENARIO["symptoms"], ["rhabdomyolysis"], trend="worsening"),
]


@pytest.mark.django_db
def test_every_procedure_of_the_knowledge_base_is_covered_by_its_stories():
    report = check_release(release_candidate_data())
    assert report.passed, report.problems
    assert len(report.impact.stories) == report.summary["vignettes"] + 172  # + the real-patient suites


@pytest.mark.django_db
def test_a_procedure_added_without_stories_cannot_be_published(editor, reviewer):
    procedure = _emsculpt(editor)
    with pytest.raises(PublishRefused) as refused:
        publish_content([procedure], user=reviewer)
    assert any("Emsculpt NEO (emsculpt-neo) has no test stories" in p for p in refused.value.report.problems)
    procedure.refresh_from_db()
    assert procedure.status == ContentStatus.IN_REVIEW


@pytest.mark.django_db
def test_stories_that_miss_a_level_or_a_complication_are_named(editor, reviewer):
    procedure = _emsculpt(editor)
    load_stories(EMSCULPT_STORIES[:2], source="test", author="eddie")
    with pytest.raises(PublishRefused) as refused:
        publish_content([procedure], user=reviewer)
    problems = refused.value.report.problems
    assert any("no test story at urgent, emergency" in p for p in problems), problems
    assert any("no test story names thermal-burn" in p for p in problems), problems


@pytest.mark.django_db
def test_the_emsculpt_scenario_answers_emergency_once_published(editor, reviewer):
    procedure = _emsculpt(editor)
    loaded = load_stories(EMSCULPT_STORIES, source="test", author="eddie")
    assert loaded.created == 4 and not loaded.skipped

    published = publish_content([procedure], user=reviewer)

    assert published.release is not None, published.report.problems
    assert not procedure.links.filter(complication__slug="rhabdomyolysis").exists()  # nobody linked it
    kb = published_knowledge_base()
    outcome = assess(kb, Answers(procedure="emsculpt-neo", **SCENARIO))
    assert outcome.urgency == "emergency"
    assert "rhabdomyolysis" in [c.slug for c in outcome.complications[:3]]


@pytest.mark.django_db
def test_a_system_red_flag_kept_away_from_a_new_procedure_blocks_it(editor, reviewer):
    procedure = _emsculpt(editor)
    load_stories(EMSCULPT_STORIES, source="test", author="eddie")
    rule = CombinationRule.objects.get(slug="ems-muscle-pain-with-dark-or-little-urine")
    rule.except_procedures.add(procedure)
    rule.status = ContentStatus.IN_REVIEW
    rule.save()

    with pytest.raises(PublishRefused) as refused:
        publish_content([procedure, rule], user=reviewer)

    problems = refused.value.report.problems
    expected = "red flag 'ems-muscle-pain-with-dark-or-little-urine' does not reach it"
    assert any(expected in p for p in problems), problems


@pytest.mark.django_db
def test_a_failing_story_of_the_new_procedure_blocks_it(editor, reviewer):
    procedure = _emsculpt(editor)
    wrong = [*EMSCULPT_STORIES[:3], _story("ems-4", "emergency", 2, ["muscle-soreness"], ["rhabdomyolysis"])]
    load_stories(wrong, source="test", author="eddie")
    with pytest.raises(PublishRefused) as refused:
        publish_content([procedure], user=reviewer)
    problems = refused.value.report.problems
    assert any("its test stories ems-4 fail" in p for p in problems), problems


def test_red_flags_kept_away_from_a_procedure_are_found_without_a_database():
    data = {
        "complications": [
            {
                "slug": "anaphylaxis",
                "cross_cutting": True,
                "warning_signs": [{"symptom": "throat-tightness", "urgency": "emergency", "except_procedures": ["x"]}],
                "rules": [],
            }
        ],
        "procedures": [{"slug": "x", "complications": [], "expected_effects": []}],
    }
    assert red_flags_missing(data, "x") == ["anaphylaxis"]
    assert red_flags_missing(data, "y") == []
    assert reachable_levels(data, data["procedures"][0]) == {"self_care"}


def test_system_red_flag_rules_reach_every_procedure_unless_kept_away():
    rule = {"slug": "dark-urine-with-sore-muscles", "urgency": "emergency", "system_red_flag": True}
    data = {
        "complications": [{"slug": "rhabdomyolysis", "warning_signs": [], "rules": [rule]}],
        "procedures": [{"slug": "x", "complications": [], "expected_effects": []}],
    }
    assert red_flags_missing(data, "x") == []
    assert reachable_levels(data, data["procedures"][0]) == {"self_care", "emergency"}
    rule["except_procedures"] = ["x"]
    assert red_flags_missing(data, "x") == ["dark-urine-with-sore-muscles"]


@pytest.mark.django_db
def test_stories_are_edited_in_the_admin(client, reviewer):
    client.force_login(reviewer)
    procedure = Procedure.objects.get(slug="trusculpt-flex")
    response = client.post(
        reverse("admin:procedures_vignette_add"),
        {
            "slug": "admin-1",
            "procedure": procedure.pk,
            "story": "Dark urine the day after my session.",
            "answers": '{"days_since_treatment": 1, "symptoms": ["muscle-soreness", "dark-urine"]}',
            "gold_level": "emergency",
            "gold_complications": [Complication.objects.get(slug="rhabdomyolysis").pk],
            "author": "Rosa",
            "source": "clinic case",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    story = Vignette.objects.get(slug="admin-1")
    assert story.answers["procedure"] == "trusculpt-flex"
    report = check_release(release_candidate_data())
    assert "admin-1" in {s.id for s in report.impact.stories} and report.passed


@pytest.mark.django_db
def test_a_source_added_in_admin_can_be_cited_and_published(client, editor, reviewer):
    client.force_login(editor)
    response = client.post(
        reverse("admin:procedures_source_add"),
        {"code": "S900", "title": "A new case series", "url": "https://example.org/s900", "grade": "B"},
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    source = Source.objects.get(code="S900")
    assert source.status == ContentStatus.DRAFT
    complication = Complication.objects.get(slug="thermal-burn")
    complication.sources.add(source)
    complication._history_user = editor
    complication.save()
    submit_for_review([source, complication], user=editor)
    published = publish_content([source, complication], user=reviewer)
    assert published.release is not None, published.report.problems
    assert "S900" in published_knowledge_base().complications["thermal-burn"].sources
