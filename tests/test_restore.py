"""Restoring a row from its history page brings back the rows edited on its page as they were
(procedures/restore.py): a complication's warning signs and rules, a procedure's expected effects
and complication links, a rule's clauses, a risk factor's effects. Every row put back is a draft,
attributed to who restored it.

Most tests edit through the admin page as staff do, then post the history page's "Revert" form
for the version before the edit: the fixture load's, whose inline rows were written after it.
They count as that version's because a version lasts until the row's next history entry."""

import pytest
from django.urls import reverse

from procedures.models import (
    CombinationRule,
    Complication,
    ContentStatus,
    ExpectedEffect,
    Procedure,
    ProcedureComplication,
    RiskFactor,
    RiskFactorEffect,
    RuleClause,
    Symptom,
    WarningSign,
)
from tests.admin_support import form_data
from tests.factories import staff_user


def change_url(obj) -> str:
    return reverse(f"admin:procedures_{obj._meta.model_name}_change", args=[obj.pk])


def revert_url(obj, version) -> str:
    return reverse(f"admin:procedures_{obj._meta.model_name}_simple_history", args=[obj.pk, version.history_id])


@pytest.fixture
def reviewer(db):
    return staff_user("Clinical reviewer", username="rosa")


@pytest.fixture
def reviewer_client(client, reviewer):
    client.force_login(reviewer)
    return client


def _forms(data: dict, prefix: str) -> list[int]:
    return list(range(int(data[f"{prefix}-TOTAL_FORMS"])))


def _form_where(data: dict, prefix: str, field: str, value) -> int:
    return next(i for i in _forms(data, prefix) if data.get(f"{prefix}-{i}-{field}") == str(value))


def _add_form(data: dict, prefix: str, **values) -> None:
    i = int(data[f"{prefix}-TOTAL_FORMS"])
    data[f"{prefix}-TOTAL_FORMS"] = str(i + 1)
    data.update({f"{prefix}-{i}-{name}": value for name, value in values.items()})


def _save(client, obj, data) -> None:
    response = client.post(change_url(obj), data)
    assert response.status_code == 302, response.context and (
        response.context["adminform"].form.errors,
        [f.errors for i in response.context["inline_admin_formsets"] for f in i.formset.forms],
        [i.formset.non_form_errors() for i in response.context["inline_admin_formsets"]],
    )


def _revert(client, obj, version):
    page = client.get(revert_url(obj, version))
    assert page.status_code == 200
    return client.post(revert_url(obj, version), form_data(page))


def _signs(complication) -> dict:
    return {
        s.symptom.slug: (s.weight, s.urgency, sorted(s.except_procedures.values_list("slug", flat=True)))
        for s in WarningSign.objects.filter(complication=complication).select_related("symptom")
    }


# --- A complication and its warning signs -------------------------------------------------------


def _edit_vascular_signs(client) -> tuple[Complication, object, dict]:
    """Lower one sign, delete another and add a new one on the complication's page."""
    complication = Complication.objects.get(slug="vascular-occlusion")
    version = complication.history.first()  # the newest version: the one before this edit
    before = _signs(complication)
    data = form_data(client.get(change_url(complication)))
    blanching = WarningSign.objects.get(complication=complication, symptom__slug="skin-blanching")
    mottled = WarningSign.objects.get(complication=complication, symptom__slug="mottled-skin")
    data[f"warning_signs-{_form_where(data, 'warning_signs', 'id', blanching.pk)}-urgency"] = "urgent"
    data[f"warning_signs-{_form_where(data, 'warning_signs', 'id', mottled.pk)}-DELETE"] = "on"
    new = Symptom.objects.get(slug="fever")
    _add_form(
        data,
        "warning_signs",
        symptom=str(new.pk),
        weight="0.2",
        urgency="soon",
        complication=str(complication.pk),
        id="",
    )
    _save(client, complication, data)
    after = _signs(complication)
    assert after["skin-blanching"][1] == "urgent" and "mottled-skin" not in after and "fever" in after
    return complication, version, before


@pytest.mark.django_db
def test_restoring_a_complication_brings_back_its_warning_signs_as_they_were(reviewer_client, reviewer):
    complication, version, before = _edit_vascular_signs(reviewer_client)
    mottled_id = WarningSign.history.filter(complication_id=complication.pk, history_type="-").get().id

    response = _revert(reviewer_client, complication, version)

    assert response.status_code == 302
    assert _signs(complication) == before  # levels, weights and exceptions exactly as before
    complication.refresh_from_db()
    assert complication.status == ContentStatus.DRAFT
    put_back = WarningSign.objects.filter(
        complication=complication, symptom__slug__in=["skin-blanching", "mottled-skin"]
    )
    assert {s.status for s in put_back} == {ContentStatus.DRAFT}
    untouched = WarningSign.objects.filter(complication=complication).exclude(pk__in=put_back)
    assert {s.status for s in untouched} == {ContentStatus.PUBLISHED}  # unchanged signs stay as they are
    mottled = WarningSign.objects.get(complication=complication, symptom__slug="mottled-skin")
    assert mottled.pk == mottled_id  # re-created with its old id: its history continues
    latest = mottled.history.first()
    assert latest.history_user == reviewer and latest.history_change_reason.startswith("Restored to the version of")


@pytest.mark.django_db
def test_a_restore_goes_through_review_and_the_two_person_rule(reviewer_client, reviewer):
    from procedures.services import PublishRefused, made_by, publish_content, submit_for_review

    complication, version, _before = _edit_vascular_signs(reviewer_client)
    _revert(reviewer_client, complication, version)
    complication.refresh_from_db()
    blanching = WarningSign.objects.get(complication=complication, symptom__slug="skin-blanching")
    assert reviewer.pk in made_by(blanching)
    submit_for_review([complication], user=reviewer)
    with pytest.raises(PublishRefused) as refused:
        publish_content([complication], user=reviewer)
    assert "yourself" in refused.value.report.problems[0]


@pytest.mark.django_db
def test_a_content_editor_cannot_restore_a_version_that_deletes_rows(client, reviewer_client):
    complication, version, _before = _edit_vascular_signs(reviewer_client)
    edited = _signs(complication)
    client.force_login(staff_user("Content editor", username="eddie"))

    response = _revert(client, complication, version)

    assert response.status_code == 302 and response.url == revert_url(complication, version)
    assert _signs(complication) == edited  # nothing was written, the row itself included
    messages = [str(m) for m in response.wsgi_request._messages]
    assert any("only a clinical reviewer may delete" in m and "fever" in m for m in messages), messages


# --- A procedure's expected effects and complication links --------------------------------------


def _procedure_parts(procedure) -> tuple[dict, dict]:
    effects = {
        e.slug: (e.normal_until_day, e.level_after, sorted(e.symptoms.values_list("slug", flat=True)))
        for e in ExpectedEffect.objects.filter(procedure=procedure)
    }
    links = {
        link.complication.slug: (link.urgency, link.onset_min_days, link.onset_max_days)
        for link in ProcedureComplication.objects.filter(procedure=procedure).select_related("complication")
    }
    return effects, links


@pytest.mark.django_db
def test_restoring_a_procedure_brings_back_its_expected_effects_and_complication_links(reviewer_client):
    procedure = Procedure.objects.get(slug="dermal-filler")
    version = procedure.history.first()
    before = _procedure_parts(procedure)
    data = form_data(reviewer_client.get(change_url(procedure)))
    effect, deleted_effect = ExpectedEffect.objects.filter(procedure=procedure)[:2]
    link, deleted_link = ProcedureComplication.objects.filter(procedure=procedure)[:2]
    data[f"expected_effects-{_form_where(data, 'expected_effects', 'id', effect.pk)}-level_after"] = "urgent"
    data[f"expected_effects-{_form_where(data, 'expected_effects', 'id', deleted_effect.pk)}-DELETE"] = "on"
    data[f"links-{_form_where(data, 'links', 'id', link.pk)}-urgency"] = "self_care"
    data[f"links-{_form_where(data, 'links', 'id', deleted_link.pk)}-DELETE"] = "on"
    _save(reviewer_client, procedure, data)
    assert _procedure_parts(procedure) != before

    assert _revert(reviewer_client, procedure, version).status_code == 302

    assert _procedure_parts(procedure) == before
    restored = [
        ExpectedEffect.objects.get(procedure=procedure, slug=effect.slug),
        ExpectedEffect.objects.get(procedure=procedure, slug=deleted_effect.slug),
        ProcedureComplication.objects.get(procedure=procedure, complication=link.complication),
        ProcedureComplication.objects.get(procedure=procedure, complication=deleted_link.complication),
    ]
    assert {row.status for row in restored} == {ContentStatus.DRAFT}
    recreated = restored[1]
    assert recreated.pk == deleted_effect.pk and recreated.sources.count() == deleted_effect.sources.count()


# --- A rule's clauses -----------------------------------------------------------------------------


def _clauses(rule) -> dict[int, list[str]]:
    return {c.position: sorted(c.symptoms.values_list("slug", flat=True)) for c in RuleClause.objects.filter(rule=rule)}


@pytest.mark.django_db
def test_restoring_a_rule_brings_back_its_clauses(reviewer_client, reviewer):
    rule = CombinationRule.objects.get(slug="hot-red-swollen-painful-area")
    version = rule.history.first()
    before = _clauses(rule)
    assert len(before) == 3
    data = form_data(reviewer_client.get(change_url(rule)))
    data["clauses-0-symptoms"] = [str(Symptom.objects.get(slug="fever").pk)]
    data["clauses-2-DELETE"] = "on"
    _add_form(data, "clauses", position="4", symptoms=[str(Symptom.objects.get(slug="pus-or-drainage").pk)], id="")
    _save(reviewer_client, rule, data)
    assert _clauses(rule) != before and 4 in _clauses(rule)

    assert _revert(reviewer_client, rule, version).status_code == 302

    assert _clauses(rule) == before
    assert set(RuleClause.objects.filter(rule=rule).values_list("status", flat=True)) <= {
        ContentStatus.DRAFT,
        ContentStatus.PUBLISHED,
    }
    assert RuleClause.objects.get(rule=rule, position=1).status == ContentStatus.DRAFT
    assert RuleClause.objects.get(rule=rule, position=3).history.first().history_user == reviewer


@pytest.mark.django_db
def test_restoring_a_complication_brings_back_its_rules_and_their_clauses(reviewer_client):
    complication = Complication.objects.get(slug="bacterial-skin-infection")
    rule = CombinationRule.objects.get(slug="hot-red-swollen-painful-area")
    before = {r.slug: (r.urgency, _clauses(r)) for r in complication.rules.all()}
    version = complication.history.first()
    complication.summary += " Edited."
    complication.save()  # the version's time ends here: later edits of its rules are undone
    rule.urgency = "soon"
    rule.save()
    RuleClause.objects.filter(rule=rule, position=3).delete()

    assert _revert(reviewer_client, complication, version).status_code == 302

    assert {r.slug: (r.urgency, _clauses(r)) for r in complication.rules.all()} == before


@pytest.mark.django_db
def test_restoring_a_version_shows_and_restores_its_many_to_many_relations(reviewer_client):
    rule = CombinationRule.objects.get(slug="hot-red-swollen-painful-area")
    version = rule.history.first()
    before = sorted(rule.except_procedures.values_list("slug", flat=True))
    rule.except_procedures.add(Procedure.objects.get(slug="dermal-filler"))

    page = reviewer_client.get(revert_url(rule, version))
    shown = page.context["adminform"].form["except_procedures"].value()
    assert sorted(Procedure.objects.filter(pk__in=shown).values_list("slug", flat=True)) == before
    assert reviewer_client.post(revert_url(rule, version), form_data(page)).status_code == 302
    assert sorted(rule.except_procedures.values_list("slug", flat=True)) == before


@pytest.mark.django_db
def test_restoring_a_risk_factor_brings_back_its_effects(reviewer_client):
    factor = RiskFactor.objects.get(slug="non-medical-provider")

    def effects() -> dict:
        return {
            e.slug: (e.raise_steps, e.floor, sorted(e.complications.values_list("slug", flat=True)))
            for e in RiskFactorEffect.objects.filter(risk_factor=factor)
        }

    before = effects()
    version = factor.history.first()
    factor.meaning += " Edited."
    factor.save()  # the version's time ends here
    RiskFactorEffect.objects.filter(risk_factor=factor, slug="blocked-vessel-up-one").update(raise_steps=0)
    RiskFactorEffect.objects.get(risk_factor=factor, slug="toxin-spread-up-one").delete()

    assert _revert(reviewer_client, factor, version).status_code == 302

    assert effects() == before
