"""Each integrity check alone, on a small knowledge base with one kind of hole (no database)."""

import copy

import pytest

from procedures.integrity import (
    DEFAULT_CHECKS,
    Check,
    ComplicationCheck,
    Content,
    ExpectedEffectCheck,
    LinkCheck,
    RuleCheck,
    SourceCheck,
    TextCheck,
    VocabularyCheck,
    VocabularyLinksCheck,
    WarningSignCheck,
    check_knowledge_base,
)


def whole():
    """A tiny knowledge base with no problem at all."""
    return {
        "sources": [{"code": "S1", "title": "A source", "url": "", "grade": "A"}],
        "areas": [{"slug": "face", "name": "Face", "name_es": "Cara", "position": 0}],
        "symptoms": [
            {"slug": "fever", "label": "Fever", "label_es": "Fiebre", "group": "whole body", "position": 0},
            {"slug": "redness", "label": "Redness", "label_es": "Rojez", "group": "skin", "position": 1},
        ],
        "complications": [
            {
                "slug": "infection",
                "name": "Infection",
                "name_es": "Infección",
                "summary": "Germs.",
                "summary_es": "Gérmenes.",
                "what_to_do": "Call.",
                "what_to_do_es": "Llame.",
                "self_care": "",
                "self_care_es": "",
                "escalation": "Worse.",
                "escalation_es": "Peor.",
                "evidence_note": "",
                "evidence_note_es": "",
                "default_urgency": "urgent",
                "cross_cutting": False,
                "default_onset_days": [1, 10],
                "typical_areas": ["face"],
                "sources": ["S1"],
                "warning_signs": [{"symptom": "fever", "weight": 0.5, "urgency": "urgent", "except_procedures": []}],
                "rules": [
                    {
                        "slug": "infection-with-fever",
                        "name": "Infection with fever",
                        "urgency": "urgent",
                        "explanation": "Fever and redness.",
                        "explanation_es": "Fiebre y rojez.",
                        "clauses": [["fever"], ["redness"]],
                        "procedures": ["peel"],
                        "except_procedures": [],
                        "areas": ["face"],
                        "min_day": 1,
                        "max_day": 10,
                        "trend": "",
                    }
                ],
            }
        ],
        "procedures": [
            {
                "slug": "peel",
                "name": "Peel",
                "name_es": "Peeling",
                "aliases": [],
                "kind": "",
                "description": "Acid on the skin.",
                "description_es": "Ácido en la piel.",
                "position": 0,
                "expected_effects": [
                    {
                        "slug": "redness",
                        "name": "Redness",
                        "name_es": "Rojez",
                        "description": "Normal.",
                        "description_es": "Normal.",
                        "symptoms": ["redness"],
                        "normal_until_day": 3,
                        "worst_by_day": 1,
                        "improving_until_day": None,
                        "level_after": "soon",
                        "becomes": "infection",
                        "sources": ["S1"],
                    }
                ],
                "complications": [
                    {
                        "complication": "infection",
                        "onset_min_days": 2,
                        "onset_max_days": 10,
                        "frequency": "",
                        "frequency_band": "rare",
                        "evidence_grade": "B",
                        "urgency": "urgent",
                        "note": "",
                        "note_es": "",
                    }
                ],
            }
        ],
    }


VOCABULARY = {
    "procedures": [{"slug": "peel"}],
    "symptoms": [{"slug": "fever"}, {"slug": "redness"}],
    "areas": [{"slug": "face"}],
    "complications": [{"slug": "infection", "procedures": "peel"}],
}


def problems_of(check: Check, data, vocabulary=VOCABULARY) -> list[str]:
    return check.run(Content.of(data, vocabulary))


def test_the_tiny_knowledge_base_is_whole():
    assert check_knowledge_base(whole(), VOCABULARY) == []
    assert check_knowledge_base(whole(), None) == []


def test_every_check_has_a_name_of_its_own():
    names = [check.name for check in DEFAULT_CHECKS]
    assert len(set(names)) == len(names) and all(names)


def test_only_the_checks_asked_for_run():
    data = whole()
    data["sources"][0]["grade"] = "E"
    data["symptoms"][0]["label_es"] = ""
    assert check_knowledge_base(data, None, checks=[SourceCheck()]) == [
        "[sources] source 'S1' has no valid evidence grade"
    ]


def test_vocabulary():
    vocabulary = copy.deepcopy(VOCABULARY)
    vocabulary["symptoms"].append({"slug": "x"})
    vocabulary["procedures"].append({"slug": "laser"})
    assert problems_of(VocabularyCheck(), whole(), vocabulary) == [
        "[vocabulary] symptom 'x' from the shared vocabulary is missing",
        "[vocabulary] procedure 'laser' from the shared vocabulary is missing",
    ]
    assert problems_of(VocabularyCheck(), whole(), None) == []  # no vocabulary, nothing to compare


def test_vocabulary_links():
    data = whole()
    data["procedures"][0]["complications"] = []
    assert problems_of(VocabularyLinksCheck(), data) == [
        "[vocabulary-links] procedure 'peel' does not link complication 'infection' (vocabulary lists it)"
    ]
    data["complications"][0]["cross_cutting"] = True  # linked to every procedure anyway
    assert problems_of(VocabularyLinksCheck(), data) == []


def test_text():
    data = whole()
    data["symptoms"][0]["label_es"] = " "
    data["complications"][0]["self_care"] = "Rest."  # optional, but then in Spanish too
    data["complications"][0]["rules"][0]["explanation"] = ""
    data["procedures"][0]["complications"][0]["note_es"] = "Nota."
    assert problems_of(TextCheck(), data) == [
        "[text] symptom 'fever' has no label_es",
        "[text] complication 'infection' has no self_care_es",
        "[text] rule 'infection-with-fever' of 'infection' has no explanation",
        "[text] link 'peel' → 'infection' has no note",
    ]


def test_sources():
    data = whole()
    data["sources"][0].update(grade="E", title=" ")
    assert problems_of(SourceCheck(), data) == [
        "[sources] source 'S1' has no valid evidence grade",
        "[sources] source 'S1' has no title",
    ]


def test_complications():
    data = whole()
    data["complications"][0].update(
        default_urgency="loud",
        sources=["S9"],
        default_onset_days=[5, 2],
        typical_areas=["elbow"],
        warning_signs=[],
    )
    assert problems_of(ComplicationCheck(), data) == [
        "[complications] complication 'infection' has no valid default urgency",
        "[complications] complication 'infection' cites unknown source 'S9'",
        "[complications] complication 'infection' default onset starts after it ends",
        "[complications] complication 'infection' names unknown area 'elbow'",
        "[complications] complication 'infection' has no warning sign",
    ]
    data["complications"][0]["sources"] = []
    assert "[complications] complication 'infection' has no source" in problems_of(ComplicationCheck(), data)


def test_warning_signs():
    data = whole()
    data["complications"][0]["warning_signs"][0].update(
        symptom="nope", urgency="", weight=0, except_procedures=["laser"]
    )
    assert problems_of(WarningSignCheck(), data) == [
        "[warning-signs] warning sign 'nope' of 'infection' names an unknown symptom",
        "[warning-signs] warning sign 'nope' of 'infection' has no valid level",
        "[warning-signs] warning sign 'nope' of 'infection' has a weight outside (0, 1]",
        "[warning-signs] warning sign 'nope' of 'infection' excepts unknown procedure 'laser'",
    ]


def test_rules():
    data = whole()
    rules = data["complications"][0]["rules"]
    rules[0].update(
        urgency="loud",
        clauses=[["fever", "nope"], []],
        procedures=["laser"],
        areas=["elbow"],
        trend="sideways",
        min_day=9,
        max_day=2,
    )
    rules.append(copy.deepcopy(whole()["complications"][0]["rules"][0]))
    where = "rule 'infection-with-fever' of 'infection'"
    assert problems_of(RuleCheck(), data) == [
        f"[rules] {where} has no valid level",
        f"[rules] {where} has an empty clause",
        f"[rules] {where} names unknown symptom 'nope'",
        f"[rules] {where} names unknown procedure 'laser'",
        f"[rules] {where} names unknown area 'elbow'",
        f"[rules] {where} has an unknown trend",
        f"[rules] {where} has min_day after max_day",
        f"[rules] {where} repeats a rule slug",
    ]


def test_a_system_red_flag_rule_is_urgent_or_above_and_not_limited_to_some_procedures():
    data = whole()
    rule = data["complications"][0]["rules"][0]
    rule.update(system_red_flag=True, urgency="emergency", procedures=[])
    assert problems_of(RuleCheck(), data) == []
    rule.update(urgency="soon", procedures=["peel"])
    where = "rule 'infection-with-fever' of 'infection'"
    assert problems_of(RuleCheck(), data) == [
        f"[rules] {where} is a system red flag below urgent",
        f"[rules] {where} is a system red flag limited to some procedures",
    ]


def test_expected_effects():
    data = whole()
    data["procedures"][0]["expected_effects"][0].update(
        symptoms=["nope"], worst_by_day=5, improving_until_day=2, level_after="self_care", becomes="sepsis"
    )
    data["procedures"].append({**whole()["procedures"][0], "slug": "laser", "expected_effects": []})
    where = "expected effect 'redness' of 'peel'"
    assert problems_of(ExpectedEffectCheck(), data) == [
        f"[expected-effects] {where} names unknown symptom 'nope'",
        f"[expected-effects] {where} is at its worst after it should have settled",
        f"[expected-effects] {where} stops being normal when improving before its normal duration ends",
        f"[expected-effects] {where} has no valid level after its normal duration",
        f"[expected-effects] {where} becomes 'sepsis', which the procedure does not link",
        "[expected-effects] procedure 'laser' has no expected effects",
    ]
    data["procedures"][0]["expected_effects"][0]["symptoms"] = []
    assert f"[expected-effects] {where} names no symptom" in problems_of(ExpectedEffectCheck(), data)


def test_links():
    data = whole()
    data["procedures"][0]["complications"][0].update(
        complication="nope", onset_min_days=9, onset_max_days=2, urgency="", evidence_grade="E", frequency_band="often"
    )
    where = "link 'peel' → 'nope'"
    assert problems_of(LinkCheck(), data) == [
        f"[links] {where} names an unknown complication",
        f"[links] {where} has its onset window the wrong way round",
        f"[links] {where} has no valid level",
        f"[links] {where} has no valid evidence grade",
        f"[links] {where} has no valid frequency band",
    ]


@pytest.mark.parametrize("check", DEFAULT_CHECKS, ids=lambda check: check.name)
def test_no_check_finds_a_problem_in_whole_content(check):
    assert check.run(Content.of(whole(), VOCABULARY)) == []
