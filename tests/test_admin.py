"""The staff admin: every page opens for a clinician, lists have fixed query counts, edits become
drafts with history, a previous version can be restored, and validation speaks plainly."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from procedures.models import (
    Area,
    CombinationRule,
    Complication,
    ContactRequest,
    ExpectedEffect,
    KnowledgeBaseRelease,
    Procedure,
    ProcedureComplication,
    RiskFactor,
    Source,
    StaffNotification,
    Symptom,
    Vignette,
    WarningSign,
    WeakeningSignOff,
)
from tests.admin_support import form_data
from tests.factories import (
    ContactRequestFactory,
    ExpectedEffectFactory,
    LinkFactory,
    WarningSignFactory,
    staff_user,
)

EDITABLE = [Procedure, ExpectedEffect, ProcedureComplication, Complication, WarningSign, CombinationRule]
# The shared vocabulary is edited with review like the rest (issue 13).
VOCABULARY = [Symptom, Area, Source]
SEARCHES = {
    Procedure: "Botox",  # a brand alias
    ExpectedEffect: "swelling",
    ProcedureComplication: "trusculpt",
    Complication: "vascular-occlusion",
    WarningSign: "fever",
    CombinationRule: "vision",
    Symptom: "redness",
    Area: "face",
    Source: "S1",
}


def url(model, view, *args):
    return reverse(f"admin:procedures_{model._meta.model_name}_{view}", args=args)


@pytest.fixture
def reviewer(db):
    return staff_user("Clinical reviewer", username="rosa")


@pytest.fixture
def reviewer_client(client, reviewer):
    client.force_login(reviewer)
    return client


@pytest.mark.django_db
@pytest.mark.parametrize("model", EDITABLE + VOCABULARY + [KnowledgeBaseRelease], ids=lambda m: m.__name__)
def test_list_with_search_change_and_history_pages_open_for_a_clinician(reviewer_client, model):
    listing = reviewer_client.get(url(model, "changelist"), {"q": SEARCHES.get(model, "")})
    assert listing.status_code == 200
    if model in SEARCHES:
        assert listing.context["cl"].result_count > 0, f"search {SEARCHES[model]!r} found nothing"
    obj = model.objects.first()
    assert reviewer_client.get(url(model, "change", obj.pk)).status_code == 200
    assert reviewer_client.get(url(model, "history", obj.pk)).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("model", EDITABLE + VOCABULARY + [Vignette], ids=lambda m: m.__name__)
def test_add_pages_open_for_a_clinician(reviewer_client, model):
    assert reviewer_client.get(url(model, "add")).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("model", [KnowledgeBaseRelease], ids=lambda m: m.__name__)
def test_releases_are_read_only(reviewer_client, model):
    assert reviewer_client.get(url(model, "add")).status_code == 403
    obj = model.objects.first()
    page = reviewer_client.get(url(model, "change", obj.pk))
    assert page.status_code == 200
    assert b'name="_save"' not in page.content


@pytest.mark.django_db
def test_follow_up_queue_pages_open(reviewer_client):
    request = ContactRequestFactory()
    assert reviewer_client.get(url(ContactRequest, "changelist"), {"q": "Alice"}).status_code == 200
    assert reviewer_client.get(url(ContactRequest, "change", request.pk)).status_code == 200
    assert reviewer_client.get(reverse("admin:procedures_contactrequest_triage_stats")).status_code == 200


# --- No N+1 on list pages ---------------------------------------------------------------------
# Every list page costs the same whatever the number of rows: 3 queries for the request itself
# (user, the user's permissions through groups, the user's own permissions; the session is a
# cookie, procedures/sessions.py), then a
# count of the filtered rows, a count of all rows, and the page of rows with its joins and
# annotated counts; list filters over a relation add one query each for their choices.
BASE = 3 + 3
LIST_QUERIES = {
    Procedure: BASE + 1,  # rows annotated with effect and link counts; + the kinds for the kind filter
    ExpectedEffect: BASE + 1,  # + procedure filter choices
    ProcedureComplication: BASE + 1,  # + procedure filter choices
    Complication: BASE + 1,  # + procedures that have links (RelatedOnlyFieldListFilter)
    WarningSign: BASE + 1,  # + complications that have signs
    CombinationRule: BASE + 1,  # + complications that have rules
    Symptom: BASE,
    Area: BASE,
    Source: BASE,
    RiskFactor: BASE + 1,  # rows annotated with their effect counts; + the groups for the group filter
    KnowledgeBaseRelease: BASE,  # the large frozen data and safety case are deferred
    Vignette: BASE + 1,  # rows joined with their procedure; + procedures that have stories
    WeakeningSignOff: BASE,  # rows joined with who wrote and who approved
    StaffNotification: BASE,  # the mail outbox
    ContactRequest: BASE
    + 3,  # rows annotated with level rank; + the date hierarchy's range and its dates; + failing emails
}


def _add_rows(model):
    """More rows of `model`, so an N+1 would change the query count."""
    if model in (ProcedureComplication, Complication, Procedure):
        LinkFactory.create_batch(3)
    elif model is WarningSign:
        WarningSignFactory.create_batch(3)
    elif model is ExpectedEffect:
        ExpectedEffectFactory.create_batch(3)
    elif model is ContactRequest:
        ContactRequestFactory.create_batch(3)
    elif model is Vignette:
        for i, procedure in enumerate(Procedure.objects.all()[:3]):
            Vignette.objects.create(
                slug=f"n1-{i}", procedure=procedure, story="A story", answers={}, gold_level="soon", author="t"
            )


@pytest.mark.django_db
@pytest.mark.parametrize("model", list(LIST_QUERIES), ids=lambda m: m.__name__)
def test_list_pages_have_a_fixed_number_of_queries(reviewer_client, model, django_assert_num_queries):
    ContactRequestFactory()
    with django_assert_num_queries(LIST_QUERIES[model]):
        assert reviewer_client.get(url(model, "changelist")).status_code == 200
    _add_rows(model)
    with django_assert_num_queries(LIST_QUERIES[model]):
        assert reviewer_client.get(url(model, "changelist")).status_code == 200


# --- Edits, review state, history, restore ----------------------------------------------------


@pytest.mark.django_db
def test_saving_makes_a_draft_with_history_and_a_previous_version_can_be_restored(reviewer_client, reviewer):
    link = ProcedureComplication.objects.select_related("procedure", "complication").first()
    assert link.status == "published"
    original = link.onset_max_days
    page = reviewer_client.get(url(ProcedureComplication, "change", link.pk))
    response = reviewer_client.post(url(ProcedureComplication, "change", link.pk), form_data(page, onset_max_days="99"))
    assert response.status_code == 302, response.context and response.context["adminform"].form.errors
    link.refresh_from_db()
    assert (link.onset_max_days, link.status) == (99, "draft")
    latest = link.history.first()
    assert latest.history_user == reviewer
    assert latest.onset_max_days == 99

    # Restore the version before the edit from the history page.
    before = link.history.filter(onset_max_days=original).first()
    restore_url = reverse("admin:procedures_procedurecomplication_simple_history", args=[link.pk, before.history_id])
    page = reviewer_client.get(restore_url)
    assert page.status_code == 200
    assert reviewer_client.post(restore_url, form_data(page)).status_code == 302
    link.refresh_from_db()
    assert link.onset_max_days == original
    assert link.status == "draft"  # a restored version is reviewed like any other change


@pytest.mark.django_db
def test_inline_edit_makes_the_part_and_its_page_drafts(reviewer_client):
    complication = Complication.objects.get(slug="vascular-occlusion")
    page = reviewer_client.get(url(Complication, "change", complication.pk))
    data = form_data(page)
    weight_key = next(k for k in data if k.startswith("warning_signs-0-weight"))
    data[weight_key] = "0.5"
    response = reviewer_client.post(url(Complication, "change", complication.pk), data)
    assert response.status_code == 302, response.context["errors"]
    first_sign = complication.warning_signs.order_by("-weight").get(weight=0.5)
    assert first_sign.status == "draft"
    complication.refresh_from_db()
    assert complication.status == "draft"
    assert complication.warning_signs.exclude(pk=first_sign.pk).filter(status="draft").count() == 0


@pytest.mark.django_db
def test_onset_window_the_wrong_way_round_is_refused_with_a_clear_message(reviewer_client):
    link = ProcedureComplication.objects.first()
    page = reviewer_client.get(url(ProcedureComplication, "change", link.pk))
    response = reviewer_client.post(
        url(ProcedureComplication, "change", link.pk), form_data(page, onset_min_days="10", onset_max_days="3")
    )
    assert response.status_code == 200
    assert (
        "The latest day cannot be before the earliest day."
        in response.context["adminform"].form.errors["onset_max_days"]
    )


@pytest.mark.django_db
def test_expected_effect_worst_day_after_normal_day_is_refused(reviewer_client):
    effect = ExpectedEffect.objects.first()
    page = reviewer_client.get(url(ExpectedEffect, "change", effect.pk))
    response = reviewer_client.post(
        url(ExpectedEffect, "change", effect.pk), form_data(page, worst_by_day="30", normal_until_day="3")
    )
    assert response.status_code == 200
    assert "worst_by_day" in response.context["adminform"].form.errors


@pytest.mark.django_db
def test_a_level_outside_the_list_is_refused(reviewer_client):
    sign = WarningSign.objects.first()
    page = reviewer_client.get(url(WarningSign, "change", sign.pk))
    response = reviewer_client.post(url(WarningSign, "change", sign.pk), form_data(page, urgency="whenever"))
    assert response.status_code == 200
    assert "urgency" in response.context["adminform"].form.errors


@pytest.mark.django_db
def test_a_warning_sign_for_an_unknown_symptom_is_refused(reviewer_client):
    sign = WarningSign.objects.first()
    page = reviewer_client.get(url(WarningSign, "add"))
    data = {
        "complication": str(sign.complication_id),
        "symptom": "999999",
        "weight": "0.5",
        "urgency": "urgent",
    }
    response = reviewer_client.post(url(WarningSign, "add"), data)
    assert page.status_code == 200 and response.status_code == 200
    assert "symptom" in response.context["adminform"].form.errors


@pytest.mark.django_db
def test_the_slug_of_an_existing_row_cannot_be_changed(reviewer_client):
    procedure = Procedure.objects.first()
    page = reviewer_client.get(url(Procedure, "change", procedure.pk))
    response = reviewer_client.post(url(Procedure, "change", procedure.pk), form_data(page, slug="renamed"))
    assert response.status_code == 200
    assert "slug" in response.context["adminform"].form.errors


@pytest.mark.django_db
def test_symptom_autocomplete_answers_editors(client):
    client.force_login(staff_user("Content editor"))
    response = client.get(
        reverse("admin:autocomplete"),
        {"term": "red", "app_label": "procedures", "model_name": "warningsign", "field_name": "symptom"},
    )
    assert response.status_code == 200
    assert any("redness" in r["text"] for r in response.json()["results"])


# --- Translations: a field per text and language, one collapsed fieldset per language -----------


def _fieldsets(page) -> dict[str, tuple]:
    return {str(name): options for name, options in page.context["adminform"].fieldsets}


@pytest.mark.django_db
def test_each_translation_is_its_own_field_in_a_collapsed_fieldset_per_language(reviewer_client):
    burn = Complication.objects.get(slug="thermal-burn")
    page = reviewer_client.get(url(Complication, "change", burn.pk))
    spanish = _fieldsets(page)["Español"]
    assert spanish["classes"] == ("collapse",)
    texts = ("name", "summary", "what_to_do", "self_care", "escalation", "evidence_note")
    assert spanish["fields"] == tuple(f"{name}_es" for name in texts)
    form = page.context["adminform"].form
    assert form["summary_es"].value() == burn.translations["es"]["summary"]
    assert form.fields["name_es"].required and not form.fields["self_care_es"].required

    response = reviewer_client.post(url(Complication, "change", burn.pk), form_data(page, summary_es="Nuevo."))
    assert response.status_code == 302, response.context and response.context["adminform"].form.errors
    burn.refresh_from_db()
    assert burn.translations["es"]["summary"] == "Nuevo."
    assert burn.translations["es"]["what_to_do"]  # the other texts of the field are kept
    assert burn.status == "draft"


@pytest.mark.django_db
def test_a_required_translation_cannot_be_emptied(reviewer_client):
    burn = Complication.objects.get(slug="thermal-burn")
    page = reviewer_client.get(url(Complication, "change", burn.pk))
    response = reviewer_client.post(url(Complication, "change", burn.pk), form_data(page, name_es=""))
    assert response.status_code == 200
    assert "name_es" in response.context["adminform"].form.errors


@pytest.mark.django_db
def test_a_language_added_in_settings_gets_its_fieldset_and_is_optional_until_required(reviewer_client, settings):
    settings.LANGUAGES = [*settings.LANGUAGES, ("fr", "Français")]
    effect = ExpectedEffect.objects.select_related("procedure").first()
    page = reviewer_client.get(url(ExpectedEffect, "change", effect.pk))
    assert _fieldsets(page)["Français"]["fields"] == ("name_fr", "description_fr")
    assert not page.context["adminform"].form.fields["name_fr"].required
    response = reviewer_client.post(url(ExpectedEffect, "change", effect.pk), form_data(page, name_fr="Rougeur"))
    assert response.status_code == 302, response.context and response.context["adminform"].form.errors
    effect.refresh_from_db()
    assert effect.translations["fr"] == {"name": "Rougeur"}
    assert effect.translations["es"]["name"]

    settings.KNOWLEDGE_BASE_REQUIRED_LANGUAGES = ["en", "es", "fr"]
    page = reviewer_client.get(url(ExpectedEffect, "change", effect.pk))
    assert page.context["adminform"].form.fields["description_fr"].required


@pytest.mark.django_db
def test_inline_expected_effects_have_their_translations(reviewer_client):
    procedure = Procedure.objects.first()
    page = reviewer_client.get(url(Procedure, "change", procedure.pk))
    inline = next(i for i in page.context["inline_admin_formsets"] if i.opts.model is ExpectedEffect)
    fieldsets = {str(name): options["fields"] for name, options in inline.fieldsets}
    assert fieldsets["Español"] == ("name_es", "description_es")
    effect = inline.formset.forms[0]
    assert effect["name_es"].value() == effect.instance.translations["es"]["name"]


@pytest.mark.django_db
def test_vocabulary_shows_its_translations(reviewer_client):
    symptom = Symptom.objects.get(slug="redness")
    page = reviewer_client.get(url(Symptom, "change", symptom.pk))
    assert "label_es" in _fieldsets(page)["Español"]["fields"]
    assert symptom.translations["es"]["label"] in page.content.decode()


@pytest.mark.django_db
def test_a_contact_request_shows_the_patients_answers_as_words_not_slugs(reviewer_client, kb):
    request = ContactRequestFactory()
    page = reviewer_client.get(url(ContactRequest, "change", request.pk)).content.decode()
    assert kb.procedures["rf-microneedling"].name.get("en") in page
    assert kb.symptoms["spreading-redness"].label.get("en") in page
    assert "spreading-redness" not in page


@pytest.mark.django_db
def test_the_review_page_links_the_staff_preview(reviewer_client):
    page = reviewer_client.get(reverse("admin:procedures_review"))
    assert reverse("procedures:staff-preview").encode() in page.content


@pytest.fixture
def everything_loaded(db, reviewer):
    """The whole knowledge base (loaded for the session), every test story of the suites, and rows
    in the lists the knowledge base leaves empty: sign-offs (with their two people), staff emails
    and contact requests. 50 rows a page (100 for vocabulary and stories), so an N+1 shows."""
    from django.core.management import call_command
    from django.utils import timezone

    call_command("load_vignettes", verbosity=0)
    other = staff_user("Clinical reviewer", username="sam")
    for i in range(3):
        WeakeningSignOff.objects.create(
            change=f"warning_sign x/y{i}: emergency → soon", reason="r", written_by=reviewer, approved_by=other
        )
        StaffNotification.objects.create(
            contact_request=ContactRequestFactory(), subject="s", body="b", next_attempt_at=timezone.now()
        )
    assert Vignette.objects.count() > 1000


@pytest.mark.django_db
def test_list_pages_cost_the_same_with_everything_loaded(reviewer_client, everything_loaded):
    """The numbers of LIST_QUERIES hold with every row of the real content on the page, on any page,
    searched or sorted (measured: Symptom, Area, Source, releases, sign-offs, staff emails 6;
    procedures, effects, links, complications, signs, rules, risk factors, stories 7; contact
    requests 9). One test for every list, as loading every story takes seconds."""
    wrong = []
    for model, expected in LIST_QUERIES.items():
        for params in ({}, {"p": "2"}, {"q": "a"}, {"o": "-1"}):
            with CaptureQueriesContext(connection) as queries:
                response = reviewer_client.get(url(model, "changelist"), params)
            assert response.status_code == 200, (model, params)
            assert response.context["cl"].result_list or model is KnowledgeBaseRelease, (model, params, "no rows")
            if len(queries) != expected:
                sql = "\n    ".join(q["sql"][:160] for q in queries.captured_queries)
                wrong.append(f"{model.__name__} {params}: {len(queries)} queries, not {expected}:\n    {sql}")
    assert not wrong, "\n".join(wrong)
