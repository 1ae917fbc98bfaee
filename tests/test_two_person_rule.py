"""The two-person rule: a demoted emergency sign, or a risk factor's lowered emergency floor, needs
a written reason and a second clinical reviewer, and nobody publishes a change they made
themselves (unless the unsafe setting is off)."""

import pytest
from django.urls import reverse

from procedures.models import ContentStatus, RiskFactorEffect, WarningSign, WeakeningSignOff
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


# --- Risk factors: their effects decide levels too (contract 1.1, brief 8.2) ------------------------

FLOOR_LOWERED = "risk_effect unknown-product/toxin-spread-at-least-emergency: floor emergency → floor urgent"


def _lower_toxin_floor(editor) -> RiskFactorEffect:
    """Botulism after an unknown product stops being an emergency by itself (brief 8.2 says any
    spread sign is botulism until shown otherwise)."""
    effect = RiskFactorEffect.objects.get(risk_factor__slug="unknown-product", slug="toxin-spread-at-least-emergency")
    effect.floor = "urgent"
    effect.status = ContentStatus.DRAFT
    effect._history_user = editor
    effect.save()
    submit_for_review([effect], user=editor)
    return effect


@pytest.mark.django_db
def test_a_lowered_emergency_floor_of_a_risk_factor_needs_a_reason_and_a_second_reviewer(people, client):
    effect = _lower_toxin_floor(people["editor"])
    with pytest.raises(PublishRefused) as refused:
        publish_content([effect], user=people["rosa"])
    assert any(FLOOR_LOWERED in p for p in refused.value.report.problems), refused.value.report.problems

    client.force_login(people["rosa"])  # the review page lists it, with where to write the reason
    page = client.get(reverse("admin:procedures_review"))
    rows = {w.change: (sign_off, url) for w, sign_off, url in page.context["weakening_rows"]}
    assert rows[FLOOR_LOWERED][0] is None
    form = client.get(rows[FLOOR_LOWERED][1])
    assert form.context["adminform"].form["change"].value() == FLOOR_LOWERED

    sign_off = WeakeningSignOff.objects.create(
        change=FLOOR_LOWERED,
        reason="Only with a spread sign, which is an emergency sign itself.",
        written_by=people["rosa"],
    )
    effect.refresh_from_db()
    with pytest.raises(PublishRefused):  # a reason without a second reviewer is not enough
        publish_content([effect], user=people["rosa"])
    sign_off.approved_by = people["sam"]
    sign_off.save()
    effect.refresh_from_db()
    published = publish_content([effect], user=people["rosa"])
    assert published.release is not None, published.report.problems
    case = published.release.safety_case
    assert FLOOR_LOWERED in case and "which is an emergency sign itself" in case and "| sam |" in case


@pytest.mark.django_db
def test_an_unchanged_or_stronger_risk_factor_effect_is_not_flagged(people):
    effect = RiskFactorEffect.objects.get(risk_factor__slug="unknown-product", slug="toxin-spread-at-least-emergency")
    effect.evidence_weight = 0.4  # lists the complication more readily: not a weakening
    effect.status = ContentStatus.DRAFT
    effect._history_user = people["editor"]
    effect.save()
    submit_for_review([effect], user=people["editor"])
    published = publish_content([effect], user=people["rosa"])
    assert published.release is not None, published.report.problems
    assert not [w for w in published.report.impact.weakenings if w.table == "risk_effect"]
