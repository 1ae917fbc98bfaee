"""The two-person rule: a demoted emergency sign needs a written reason and a second clinical
reviewer, and nobody publishes a change they made themselves (unless the unsafe setting is off)."""

import pytest

from procedures.models import ContentStatus, WarningSign, WeakeningSignOff
from procedures.services import PublishRefused, publish_content, submit_for_review
from tests.factories import staff_user

DEMOTION = "warning_sign anaphylaxis/throat-tightness: emergency → self_care"


@pytest.fixture
def people(db):
    return {
        "editor": staff_user("Clinical reviewer", username="eddie"),
        "rosa": staff_user("Clinical reviewer", username="rosa"),
        "sam": staff_user("Clinical reviewer", username="sam"),
    }


def _demote_tight_throat(editor) -> WarningSign:
    """The issue's edit: "tight throat" for anaphylaxis demoted to self-care (other rules still
    reach emergency, so no story changes its answer)."""
    sign = WarningSign.objects.get(complication__slug="anaphylaxis", symptom__slug="throat-tightness")
    sign.urgency = "self_care"
    sign.status = ContentStatus.DRAFT
    sign._history_user = editor
    sign.save()
    submit_for_review([sign], user=editor)
    return sign


@pytest.mark.django_db
def test_a_demoted_emergency_sign_is_blocked_until_it_has_a_reason_and_a_second_reviewer(people):
    sign = _demote_tight_throat(people["editor"])
    with pytest.raises(PublishRefused) as refused:
        publish_content([sign], user=people["rosa"])
    assert any(DEMOTION in p for p in refused.value.report.problems), refused.value.report.problems

    # A reason approved by the person who wrote it is not a second review.
    sign_off = WeakeningSignOff.objects.create(
        change=DEMOTION, reason="Covered by the rule X.", written_by=people["rosa"]
    )
    sign_off.approved_by = people["rosa"]
    sign_off.save()
    sign.refresh_from_db()  # a refused publish leaves the row in review
    with pytest.raises(PublishRefused):
        publish_content([sign], user=people["rosa"])

    sign_off.approved_by = people["sam"]
    sign_off.save()
    sign.refresh_from_db()
    published = publish_content([sign], user=people["rosa"])
    assert published.release is not None, published.report.problems
    assert DEMOTION in published.release.safety_case and "Covered by the rule X." in published.release.safety_case


@pytest.mark.django_db
def test_nobody_publishes_a_change_they_made_themselves(people):
    sign = WarningSign.objects.get(complication__slug="sepsis", symptom__slug="confusion")
    sign.weight = 0.95
    sign.status = ContentStatus.DRAFT
    sign._history_user = people["editor"]
    sign.save()
    submit_for_review([sign], user=people["editor"])
    with pytest.raises(PublishRefused) as refused:
        publish_content([sign], user=people["editor"])
    assert "yourself" in refused.value.report.problems[0]
    sign.refresh_from_db()
    assert sign.status == ContentStatus.IN_REVIEW
    # Submitting someone else's change for review does not make it yours.
    assert publish_content([sign], user=people["rosa"]).release is not None


@pytest.mark.django_db
def test_the_unsafe_setting_switches_the_rule_off(people, settings):
    settings.TWO_PERSON_RULE = False
    sign = _demote_tight_throat(people["editor"])
    assert publish_content([sign], user=people["editor"]).release is not None
