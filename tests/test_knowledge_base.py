"""Loading, integrity and the published snapshot of the real knowledge base."""

import threading

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connections

from procedures import selectors
from procedures.integrity import check_knowledge_base, read_vocabulary
from procedures.kb_loader import load_knowledge_base
from procedures.models import Complication, KnowledgeBaseRelease, Symptom, WarningSign
from procedures.selectors import KNOWLEDGE_BASE_QUERIES, knowledge_base_data, published_knowledge_base
from procedures.services import publish_knowledge_base

VOCABULARY = settings.SHARED_DIR / "vocabulary"


@pytest.mark.django_db
def test_reloading_changes_nothing():
    report = load_knowledge_base(settings.KNOWLEDGE_BASE_DIR)
    assert not report.changed
    assert report.kept_edits == []
    assert report.unchanged > 500


@pytest.mark.django_db
def test_load_command_twice_publishes_once(capsys):
    before = KnowledgeBaseRelease.objects.count()
    call_command("load_knowledge_base")
    call_command("load_knowledge_base")
    assert KnowledgeBaseRelease.objects.count() == before
    assert "already current" in capsys.readouterr().out


@pytest.mark.django_db
def test_staff_edit_is_kept_and_reported():
    burn = Complication.objects.get(slug="thermal-burn")
    burn.what_to_do = "Edited by a clinician."
    burn.save()
    report = load_knowledge_base(settings.KNOWLEDGE_BASE_DIR)
    assert "complication thermal-burn" in report.kept_edits
    burn.refresh_from_db()
    assert burn.what_to_do == "Edited by a clinician."


@pytest.mark.django_db
def test_staff_edit_can_be_overwritten_on_purpose():
    burn = Complication.objects.get(slug="thermal-burn")
    original = burn.what_to_do
    burn.what_to_do = "Edited by a clinician."
    burn.save()
    report = load_knowledge_base(settings.KNOWLEDGE_BASE_DIR, overwrite_edits=True)
    assert "complication thermal-burn" in report.updated
    burn.refresh_from_db()
    assert burn.what_to_do == original


@pytest.mark.django_db
def test_staff_created_rows_are_never_removed():
    burn = Complication.objects.get(slug="thermal-burn")
    symptom = Symptom.objects.exclude(pk__in=burn.warning_signs.values("symptom_id")).first()
    extra = WarningSign.objects.create(complication=burn, symptom=symptom, weight=0.2, urgency="self_care")
    report = load_knowledge_base(settings.KNOWLEDGE_BASE_DIR)
    assert WarningSign.objects.filter(pk=extra.pk).exists()
    assert not report.removed


@pytest.mark.django_db
@pytest.mark.skipif(not VOCABULARY.is_dir(), reason="shared vocabulary not beside the repo")
def test_integrity_of_the_real_knowledge_base():
    assert check_knowledge_base(knowledge_base_data(), read_vocabulary(VOCABULARY)) == []


def test_integrity_check_finds_holes():
    data = {
        "symptoms": [{"slug": "redness", "label": "Redness", "label_es": "", "group": "skin"}],
        "areas": [],
        "sources": [],
        "complications": [
            {
                "slug": "x",
                "name": "X",
                "name_es": "X",
                "summary": "",
                "summary_es": "",
                "what_to_do": "a",
                "what_to_do_es": "b",
                "escalation": "c",
                "escalation_es": "d",
                "default_urgency": "loud",
                "sources": [],
                "warning_signs": [{"symptom": "nope", "weight": 2, "urgency": "urgent"}],
                "rules": [],
            }
        ],
        "procedures": [
            {
                "slug": "p",
                "name": "P",
                "name_es": "P",
                "description": "d",
                "description_es": "d",
                "expected_effects": [],
                "complications": [
                    {
                        "complication": "x",
                        "onset_min_days": 9,
                        "onset_max_days": 2,
                        "urgency": "urgent",
                        "evidence_grade": "A",
                        "frequency_band": "rare",
                    }
                ],
            }
        ],
    }
    problems = check_knowledge_base(data, None)
    for expected in [
        "[text] symptom 'redness' has no label_es",
        "[text] complication 'x' has no summary",
        "[complications] complication 'x' has no valid default urgency",
        "[complications] complication 'x' has no source",
        "[warning-signs] warning sign 'nope' of 'x' names an unknown symptom",
        "[warning-signs] warning sign 'nope' of 'x' has a weight outside (0, 1]",
        "[expected-effects] procedure 'p' has no expected effects",
        "[links] link 'p' → 'x' has its onset window the wrong way round",
    ]:
        assert expected in problems


@pytest.mark.django_db
def test_selector_reads_the_whole_knowledge_base_in_a_fixed_number_of_queries(django_assert_num_queries):
    with django_assert_num_queries(KNOWLEDGE_BASE_QUERIES):
        data = knowledge_base_data()
    assert len(data["procedures"]) == 14


@pytest.mark.django_db
def test_snapshot_is_cached_between_calls(django_assert_num_queries):
    first = published_knowledge_base()
    with django_assert_num_queries(1):  # the freshness check only
        assert published_knowledge_base() is first


@pytest.mark.django_db
def test_snapshot_follows_a_new_release():
    first = published_knowledge_base()
    Complication.objects.filter(slug="thermal-burn").update(name="Device burn (renamed)")
    publish_knowledge_base(note="test")
    second = published_knowledge_base()
    assert second is not first
    assert second.complications["thermal-burn"].name.get("en") == "Device burn (renamed)"


@pytest.mark.django_db(transaction=True)
def test_snapshot_is_rebuilt_after_a_release_made_through_another_connection():
    """As if another gunicorn worker or server published: a separate connection and thread."""
    call_command("load_knowledge_base", verbosity=0)
    before = published_knowledge_base()
    assert before.complications["thermal-burn"].name.get("en") != "Renamed elsewhere"

    def publish_elsewhere():
        try:
            Complication.objects.filter(slug="thermal-burn").update(name="Renamed elsewhere")
            publish_knowledge_base(note="from another worker")
        finally:
            connections.close_all()

    worker = threading.Thread(target=publish_elsewhere)
    worker.start()
    worker.join()
    after = published_knowledge_base()
    assert after.version != before.version
    assert after.complications["thermal-burn"].name.get("en") == "Renamed elsewhere"
    selectors.forget_cached_knowledge_base()
