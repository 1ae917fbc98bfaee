"""Table-driven engine tests on a small knowledge base built in code: no database."""

import pytest

from procedures.triage import Answers, KnowledgeBase, UnknownProcedure, assess
from procedures.triage.knowledge import Window
from procedures.wording import say_assessment

from .kb_builders import SYMPTOMS, complication, link, rule, symptom, toy_kb

KB = toy_kb()


def run(procedure="device", day=1, symptoms=(), trend=None, area=None, language="en"):
    """The assessment as the patient reads it (in `language`)."""
    return say_assessment(assess(KB, Answers(procedure, day, frozenset(symptoms), trend, area)), language)


CASES = [
    # (id, procedure, day, symptoms, trend, area, level, top complication or None)
    ("nothing reported", "device", 3, [], None, None, "self_care", None),
    ("expected on day 1", "device", 1, ["redness", "swelling", "tenderness"], "improving", None, "self_care", None),
    ("swelling still normal on day 7", "device", 7, ["swelling"], "unchanged", None, "self_care", None),
    ("swelling overdue on day 20", "device", 20, ["swelling"], "unchanged", None, "soon", "persistent-swelling"),
    ("swelling growing after its peak", "device", 4, ["swelling"], "worsening", None, "soon", "persistent-swelling"),
    ("swelling growing before its peak", "device", 1, ["swelling"], "worsening", None, "self_care", None),
    ("blister in the burn window", "device", 1, ["blisters"], None, None, "urgent", "burn"),
    ("blister long after: one level less", "device", 30, ["blisters"], None, None, "soon", "burn"),
    ("deep burn is an emergency", "device", 0, ["white-leathery-skin"], None, None, "emergency", "burn"),
    (
        "local infection with fever stays urgent",
        "device",
        5,
        ["spreading-redness", "fever"],
        "worsening",
        None,
        "urgent",
        "infection",
    ),
    (
        "infection plus confusion is an emergency",
        "device",
        5,
        ["spreading-redness", "confusion"],
        None,
        None,
        "emergency",
        "infection",
    ),
    ("hives alone", "device", 0, ["hives"], None, None, "soon", "anaphylaxis"),
    (
        "hives with breathing trouble",
        "device",
        0,
        ["hives", "difficulty-breathing"],
        None,
        None,
        "emergency",
        "anaphylaxis",
    ),
    ("double vision alone after toxin", "toxin", 4, ["double-vision"], None, None, "urgent", "toxin-spread"),
    (
        "double vision and swallowing after toxin",
        "toxin",
        4,
        ["double-vision", "difficulty-swallowing"],
        None,
        None,
        "emergency",
        "toxin-spread",
    ),
    ("eyelid droop after toxin", "toxin", 5, ["eyelid-droop"], None, None, "soon", "ptosis"),
    ("symptom unrelated to the procedure", "device", 3, ["ringing-ears"], None, None, "soon", None),
    ("a lump on the face in window", "device", 21, ["lump"], None, "face", "soon", "nodule"),
]


@pytest.mark.parametrize(
    "procedure,day,symptoms,trend,area,level,top", [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_triage_table(procedure, day, symptoms, trend, area, level, top):
    result = run(procedure, day, symptoms, trend, area)
    assert result.urgency == level
    if top is None:
        assert not [c for c in result.complications if c.urgency != "self_care"]
    else:
        assert result.complications[0].slug == top


def test_unknown_procedure_raises():
    with pytest.raises(UnknownProcedure):
        run(procedure="nope")


def test_deterministic():
    first = run(day=5, symptoms=["spreading-redness", "fever", "blisters", "swelling"])
    for _ in range(5):
        assert run(day=5, symptoms=["swelling", "blisters", "fever", "spreading-redness"]) == first


def test_level_never_goes_down_when_more_is_reported():
    """Adding a symptom can raise the level but never lower it (when in doubt, up)."""
    base = run(day=5, symptoms=["spreading-redness"])
    more = run(day=5, symptoms=["spreading-redness", "redness", "swelling"])
    assert more.urgency == base.urgency == "urgent"


def test_red_flags_name_the_symptoms_that_forced_the_level():
    result = run(day=0, symptoms=["hives", "difficulty-breathing", "redness"])
    assert set(result.red_flags) == {"hives", "difficulty-breathing"}


def test_self_care_has_no_red_flags():
    assert run(day=1, symptoms=["redness"]).red_flags == ()


def test_expected_effects_report_their_duration():
    result = run(day=2, symptoms=["swelling"])
    (swelling,) = result.expected_effects
    assert swelling.usual_duration == "usually settles by day 7"
    assert swelling.still_normal


def test_scores_are_between_zero_and_one_and_ranked():
    result = run(day=5, symptoms=["spreading-redness", "pus-or-drainage", "fever", "blisters"])
    scores = [c.score for c in result.complications]
    assert scores == sorted(scores, reverse=True)
    assert all(0 < s <= 1 for s in scores)
    assert result.complications[0].slug == "infection"


def test_area_outside_typical_areas_lowers_score_not_level():
    face = run(day=21, symptoms=["lump"], area="face")
    belly = run(day=21, symptoms=["lump"], area="abdomen")
    assert face.urgency == belly.urgency == "soon"
    assert belly.complications[0].score < face.complications[0].score


def test_explanations_are_sentences_in_both_languages():
    en = run(day=1, symptoms=["blisters"])
    es = run(day=1, symptoms=["blisters"], language="es")
    assert en.complications[0].explanation.endswith(".")
    assert "day 1" in en.complications[0].explanation
    assert "día 1" in es.complications[0].explanation
    assert es.urgency_label.startswith("Urgente")


def test_window_tolerance_widens_by_a_quarter():
    assert Window(0, 2).contains(3)
    assert not Window(0, 2).contains(4)
    assert Window(7, 84).contains(60)
    assert Window(7, None).contains(3000)
    assert not Window(20, None).contains(10)


def test_emergency_screen_lists_unscoped_cross_cutting_emergencies():
    assert KB.emergency_screen_symptoms == ("difficulty-breathing",)


def test_a_defining_sign_keeps_its_level_outside_the_window():
    """White, leathery skin all but proves a deep burn, whatever the day."""
    result = run(day=30, symptoms=["white-leathery-skin"])
    assert result.urgency == "emergency"
    assert not result.complications[0].in_window


def test_a_weak_sign_outside_its_window_leaves_the_symptom_unexplained():
    """Redness on day 1 is normal after the device; on day 60 nothing accounts for it."""
    assert run(day=1, symptoms=["redness"]).urgency == "self_care"
    assert run(day=60, symptoms=["redness"]).urgency == "soon"


@pytest.mark.parametrize(
    "day,trend,level",
    [
        (2, "improving", "self_care"),
        (8, "improving", "self_care"),
        (8, "unchanged", "soon"),
        (8, None, "soon"),
        (11, "improving", "soon"),
    ],
)
def test_an_improving_effect_may_stay_normal_longer(day, trend, level):
    """Redness normal to day 2, or to day 10 while it is getting better."""
    assert run(day=day, symptoms=["redness"], trend=trend).urgency == level


@pytest.mark.parametrize("trend,level", [("worsening", "urgent"), ("unchanged", "soon"), (None, "soon")])
def test_a_rule_about_getting_worse_needs_that_trend(trend, level):
    result = run(day=5, symptoms=["swelling", "redness"], trend=trend)
    assert result.urgency == level


def test_a_symptom_keeps_its_best_explanation_on_the_list_when_timing_makes_it_weak():
    """Trouble swallowing on day 40 after toxin: late for toxin spread, but still the reason."""
    result = run(procedure="toxin", day=40, symptoms=["difficulty-swallowing"])
    assert result.urgency == "soon"
    assert [c.slug for c in result.complications] == ["toxin-spread"]
    assert result.complications[0].score < 0.2


def _kb_with_a_burn_red_flag(system_red_flag: bool):
    """A device that can burn and a new injectable nobody linked burns to."""
    deep_burn = rule("deep-burn", [["blisters"], ["white-leathery-skin"]], "emergency", system_red_flag=system_red_flag)
    data = {
        "symptoms": [symptom(s) for s in SYMPTOMS],
        "areas": [],
        "sources": [{"code": "S1", "title": "t", "url": "", "grade": "A"}],
        "complications": [
            complication("burn", [("blisters", 0.8, "urgent"), ("white-leathery-skin", 1.0, "emergency")], [deep_burn]),
            complication("nodule", [("lump", 0.7, "soon")], urgency="soon"),
        ],
        "procedures": [
            {"slug": "device", "name": "Device", "expected_effects": [], "complications": [link("burn", 0, 2)]},
            {"slug": "new-injectable", "name": "New", "expected_effects": [], "complications": [link("nodule", 7, 42)]},
        ],
    }
    return KnowledgeBase.from_dict(data, version="red-flag")


def test_a_system_red_flag_rule_reaches_a_procedure_its_complication_is_not_linked_to():
    kb = _kb_with_a_burn_red_flag(system_red_flag=True)
    outcome = assess(kb, Answers("new-injectable", 1, {"blisters", "white-leathery-skin"}))
    assert outcome.urgency == "emergency"
    assert outcome.complications[0].slug == "burn"


def test_without_the_flag_an_unlinked_complication_cannot_reach_a_procedure():
    kb = _kb_with_a_burn_red_flag(system_red_flag=False)
    outcome = assess(kb, Answers("new-injectable", 1, {"blisters", "white-leathery-skin"}))
    assert outcome.urgency == "soon"  # unexplained symptoms are never self-care, but no red flag
    assert "burn" not in [c.slug for c in outcome.complications]


def test_an_unlinked_red_flag_counts_only_as_its_whole_pattern_never_from_one_sign():
    kb = _kb_with_a_burn_red_flag(system_red_flag=True)
    outcome = assess(kb, Answers("new-injectable", 1, {"blisters"}))
    assert "burn" not in [c.slug for c in outcome.complications]
    assert outcome.urgency == "soon"
    linked = assess(kb, Answers("device", 1, {"blisters"}))
    assert linked.urgency == "urgent" and linked.complications[0].slug == "burn"
