"""The system red flags (brief section 5, "apply to ANY procedure") reach a procedure that staff
added a minute ago and linked to nothing: each row of the brief's table, as a patient would tick
it, gets at least the row's level, and the complications are named."""

import pytest

from procedures.models import KnowledgeBaseRelease
from procedures.triage import Answers, KnowledgeBase, assess

# (brief section 5 row, days since treatment, symptoms ticked, at least this level)
SECTION_5 = [
    ("Anaphylaxis", 0, {"hives", "throat-tightness"}, "emergency"),
    ("Sepsis", 3, {"fever", "spreading-redness", "confusion"}, "emergency"),
    ("Necrotizing soft-tissue infection", 3, {"pain-out-of-proportion", "spreading-redness", "fever"}, "emergency"),
    ("Spreading cellulitis", 3, {"spreading-redness", "fever"}, "urgent"),
    ("Vision change after any facial injection", 0, {"vision-loss"}, "emergency"),
    ("Stroke signs", 0, {"facial-droop", "slurred-speech"}, "emergency"),
    ("Breathing difficulty", 0, {"difficulty-breathing"}, "emergency"),
    ("Swallowing difficulty", 1, {"difficulty-swallowing", "drooling"}, "emergency"),
    ("Chest pain", 0, {"chest-pain"}, "emergency"),
    ("Seizure", 0, {"seizure"}, "emergency"),
    ("Severe, escalating pain", 2, {"severe-pain"}, "urgent"),
    ("Burn red flags: deep, numb burn", 0, {"blisters", "numbness"}, "emergency"),
    ("Dark urine + severe muscle pain/swelling", 2, {"dark-urine", "muscle-swelling"}, "emergency"),
    ("Descending weakness", 5, {"double-vision", "eyelid-droop", "difficulty-swallowing"}, "emergency"),
]
RANK = {"self_care": 0, "soon": 1, "urgent": 2, "emergency": 3}


@pytest.fixture
def kb_with_a_new_procedure(kb):
    data = KnowledgeBaseRelease.objects.order_by("-version").first().data
    new = {"slug": "brand-new-device", "name": "Brand new device", "expected_effects": [], "complications": []}
    return KnowledgeBase.from_dict({**data, "procedures": [*data["procedures"], new]}, version="with-new")


@pytest.mark.django_db
@pytest.mark.parametrize(("row", "day", "symptoms", "level"), SECTION_5, ids=[row for row, *_ in SECTION_5])
def test_a_system_red_flag_reaches_a_procedure_linked_to_nothing(kb_with_a_new_procedure, row, day, symptoms, level):
    assert symptoms <= set(kb_with_a_new_procedure.symptoms), "the story uses the shared vocabulary"
    outcome = assess(kb_with_a_new_procedure, Answers("brand-new-device", day, symptoms))
    assert RANK[outcome.urgency] >= RANK[level], row
    assert outcome.complications, row


@pytest.mark.django_db
def test_muscle_breakdown_is_named_after_a_new_device_nobody_linked_it_to(kb_with_a_new_procedure):
    outcome = assess(kb_with_a_new_procedure, Answers("brand-new-device", 2, {"dark-urine", "muscle-soreness"}))
    assert outcome.urgency == "emergency"
    assert outcome.complications[0].slug == "rhabdomyolysis"
