"""A third language is settings, a catalogue and content: no Python.

French is added to settings.LANGUAGES here as a clinic would add it, and left out of
KNOWLEDGE_BASE_REQUIRED_LANGUAGES: it is being added gradually, so a few rows have French and
everything else falls back to English. There is no French catalogue in locale/ either, so the
engine's own words fall back to their English message ids.
"""

from __future__ import annotations

import json
import re
import shutil
from html import unescape

import pytest
from django.conf import settings

from procedures.integrity import check_knowledge_base
from procedures.kb_loader import load_knowledge_base, read_fixture_rows, rows_from_data
from procedures.models import ContentStatus, KnowledgeBaseRelease, Procedure, Symptom
from procedures.releases import release_candidate_data
from procedures.selectors import knowledge_base_data, published_knowledge_base
from procedures.services import publish_content
from tests.factories import staff_user
from tests.patient_stories import EXPECTED_REDNESS, walk

FRENCH = ("fr", "Français")
REDNESS_FR = "Rougeur de la peau traitée"
PROCEDURE_FR = "Remodelage du corps par radiofréquence"


@pytest.fixture
def french(settings):
    settings.LANGUAGES = [*settings.LANGUAGES, FRENCH]
    return settings


def _give_french(model, slug: str, **texts: str):
    row = model.objects.get(slug=slug)
    row.translations = {**row.translations, "fr": texts}
    row.status = ContentStatus.IN_REVIEW
    row.save()
    return row


@pytest.fixture
def french_content(french, db):
    """A little French content, published through the safety gate as a reviewer would."""
    rows = [
        _give_french(Symptom, "redness", label=REDNESS_FR),
        _give_french(Procedure, EXPECTED_REDNESS.procedure, name=PROCEDURE_FR),
    ]
    published = publish_content(rows, user=staff_user("Clinical reviewer", username="rosa"))
    assert published.release is not None, published.report.problems
    return published.release


def _text(response) -> str:
    return unescape(response.content.decode())


@pytest.mark.django_db
def test_french_text_is_published_beside_english_and_spanish(french_content):
    data = french_content.data
    redness = next(s for s in data["symptoms"] if s["slug"] == "redness")
    assert redness["label_fr"] == REDNESS_FR
    assert redness["label_es"]  # Spanish untouched
    other = next(s for s in data["symptoms"] if s["slug"] == "warmth")
    assert other["label_fr"] == ""  # not translated yet
    kb = published_knowledge_base()
    assert kb.symptoms["redness"].label.get("fr") == REDNESS_FR
    assert kb.symptoms["warmth"].label.get("fr") == kb.symptoms["warmth"].label.get("en")


@pytest.mark.django_db
def test_a_patient_in_french_sees_french_where_it_exists_and_english_elsewhere(client, french_content):
    kb = published_knowledge_base()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"

    walk(client, EXPECTED_REDNESS)
    treatment = client.get("/check/treatment/")
    assert treatment.status_code == 200
    assert '<html lang="fr">' in treatment.content.decode()
    assert PROCEDURE_FR in _text(treatment)

    symptoms = client.get("/check/symptoms/")
    assert symptoms.status_code == 200
    page = _text(symptoms)
    assert REDNESS_FR in page
    assert kb.symptoms["warmth"].label.get("en") in page  # no French yet: English
    assert kb.symptoms["warmth"].label.by_language["es"] not in page  # never another language
    assert re.search(r"<label[^>]*>\s*</label>", page) is None  # no empty labels

    result = client.get("/check/result/")
    assert result.status_code == 200
    assert result.context["level"].value == EXPECTED_REDNESS.level
    page = _text(result)
    assert '<html lang="fr">' in page
    assert PROCEDURE_FR in page and REDNESS_FR in page
    assert kb.symptoms["warmth"].label.get("en") in page


@pytest.mark.django_db
def test_the_api_keeps_its_shape_and_gives_every_language(client, french_content):
    body = client.get("/api/v1/symptoms").json()
    redness = next(s for s in body["symptoms"] if s["slug"] == "redness")
    assert set(redness) == {"slug", "label", "label_es", "group", "translations"}
    assert redness["translations"]["fr"] == {"label": REDNESS_FR}
    assert redness["translations"]["es"] == {"label": redness["label_es"]}
    assert set(body["areas"][0]) == {"slug", "name", "name_es", "translations"}

    body = client.get("/api/v1/procedures").json()
    procedure = next(p for p in body["procedures"] if p["slug"] == EXPECTED_REDNESS.procedure)
    assert set(procedure) == {"slug", "name", "name_es", "aliases", "kind", "translations"}
    assert procedure["translations"]["fr"] == {"name": PROCEDURE_FR}
    assert set(procedure["translations"]) == {"en", "es", "fr"}

    story = {
        "procedure": EXPECTED_REDNESS.procedure,
        "days_since_treatment": EXPECTED_REDNESS.days_ago,
        "symptoms": list(EXPECTED_REDNESS.symptoms),
        "trend": EXPECTED_REDNESS.trend,
    }
    response = client.post("/api/v1/assessments", json.dumps(story), content_type="application/json")
    assert response.status_code == 200
    assert response.json()["urgency"] == EXPECTED_REDNESS.level


@pytest.mark.django_db
def test_french_is_only_required_once_the_clinic_says_so(french):
    data = release_candidate_data()
    assert check_knowledge_base(data, None) == []
    french.KNOWLEDGE_BASE_REQUIRED_LANGUAGES = ["en", "es", "fr"]
    problems = check_knowledge_base(data, None)
    assert "[text] symptom 'redness' has no label_fr" in problems
    assert not any(problem.endswith("_es") for problem in problems)


@pytest.mark.django_db
def test_the_loader_round_trips_a_fixture_with_french(french, tmp_path):
    directory = tmp_path / "knowledge_base"
    shutil.copytree(settings.KNOWLEDGE_BASE_DIR, directory)
    path = directory / "symptoms.json"
    symptoms = json.loads(path.read_text(encoding="utf-8"))
    redness = next(s for s in symptoms if s["slug"] == "redness")
    redness["label_fr"] = REDNESS_FR
    path.write_text(json.dumps(symptoms, ensure_ascii=False), encoding="utf-8")

    report = load_knowledge_base(directory)
    assert report.updated == ["symptom redness"] and not report.kept_edits
    row = Symptom.objects.get(slug="redness")
    assert row.translations["fr"] == {"label": REDNESS_FR}
    assert row.translations["es"]["label"] == redness["label_es"]  # one field, merged
    assert rows_from_data(knowledge_base_data()) == read_fixture_rows(directory)
    exported = next(s for s in knowledge_base_data()["symptoms"] if s["slug"] == "redness")
    assert list(exported) == ["slug", "label", "label_es", "label_fr", "group", "position"]
    assert not load_knowledge_base(directory).changed


@pytest.mark.django_db
def test_adding_a_language_leaves_every_loaded_row_as_it_was(french):
    """Fingerprints ignore empty text: French without content is not an edit of every row."""
    report = load_knowledge_base(settings.KNOWLEDGE_BASE_DIR)
    assert not report.changed and report.kept_edits == []


@pytest.mark.django_db
def test_a_fixture_with_french_loads_where_french_is_not_configured(tmp_path):
    directory = tmp_path / "knowledge_base"
    shutil.copytree(settings.KNOWLEDGE_BASE_DIR, directory)
    path = directory / "symptoms.json"
    symptoms = json.loads(path.read_text(encoding="utf-8"))
    symptoms[0]["label_fr"] = "Quelque chose"
    path.write_text(json.dumps(symptoms, ensure_ascii=False), encoding="utf-8")
    assert not load_knowledge_base(directory).changed
    assert "fr" not in Symptom.objects.get(slug=symptoms[0]["slug"]).translations
    assert KnowledgeBaseRelease.objects.exists()


def test_the_language_settings_are_checked_at_start_up(settings):
    from procedures.languages import check_language_settings

    assert check_language_settings() == []
    settings.KNOWLEDGE_BASE_REQUIRED_LANGUAGES = ["en", "es", "fr"]  # fr required but not configured
    assert [error.id for error in check_language_settings()] == ["procedures.E002"]
