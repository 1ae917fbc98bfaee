"""Migration 0005 moves the Spanish columns into `translations` and back, history included."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE = ("procedures", "0004_effect_improving_window_and_rule_trend")
AFTER = ("procedures", "0005_translations_json")


def _migrate(target):
    executor = MigrationExecutor(connection)
    executor.migrate(target)
    executor.loader.build_graph()
    return executor.loader.project_state(target).apps


@pytest.mark.django_db(transaction=True)
def test_spanish_columns_become_translations_and_come_back():
    try:
        apps = _migrate([BEFORE])
        Symptom = apps.get_model("procedures", "Symptom")
        Complication = apps.get_model("procedures", "Complication")
        HistoricalSymptom = apps.get_model("procedures", "HistoricalSymptom")
        symptom = Symptom.objects.create(slug="t-itch", label="Itch", label_es="Picazón", group="skin")
        Complication.objects.create(
            slug="t-rash",
            name="Rash",
            name_es="Sarpullido",
            summary="Red spots.",
            summary_es="Manchas rojas.",
            what_to_do="Call.",
            what_to_do_es="Llame.",
            self_care="",
            self_care_es="",
            escalation="Worse.",
            escalation_es="Peor.",
            default_urgency="soon",
        )
        HistoricalSymptom.objects.create(
            id=symptom.pk,
            slug="t-itch",
            label="Itch",
            label_es="Picor",
            group="skin",
            updated_at=timezone.now(),
            history_date=timezone.now(),
            history_type="+",
        )

        apps = _migrate([AFTER])
        assert apps.get_model("procedures", "Symptom").objects.get(slug="t-itch").translations == {
            "es": {"label": "Picazón"}
        }
        assert apps.get_model("procedures", "Complication").objects.get(slug="t-rash").translations == {
            "es": {"name": "Sarpullido", "summary": "Manchas rojas.", "what_to_do": "Llame.", "escalation": "Peor."}
        }
        history = apps.get_model("procedures", "HistoricalSymptom").objects.get(slug="t-itch")
        assert history.translations == {"es": {"label": "Picor"}}

        apps = _migrate([BEFORE])
        rash = apps.get_model("procedures", "Complication").objects.get(slug="t-rash")
        assert (rash.name_es, rash.summary_es, rash.self_care_es) == ("Sarpullido", "Manchas rojas.", "")
        assert apps.get_model("procedures", "Symptom").objects.get(slug="t-itch").label_es == "Picazón"
        assert apps.get_model("procedures", "HistoricalSymptom").objects.get(slug="t-itch").label_es == "Picor"
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
