"""The codes we send are the verified ones (docs/terminology.md), well formed, and about our own
complications."""

import json
from pathlib import Path

import pytest

from vigilance.terminology import (
    IMDRF_HEALTH_EFFECTS,
    SNOMED_CT,
    SNOMED_FINDINGS,
    imdrf_health_effect,
    is_valid_concept_id,
    snomed_finding,
)

COMPLICATIONS = {
    json.loads(path.read_text())["slug"]
    for path in (Path(__file__).resolve().parent.parent / "fixtures/knowledge_base/complications").glob("*.json")
}
DOC = (Path(__file__).resolve().parent.parent / "docs/terminology.md").read_text()


@pytest.mark.parametrize("slug", sorted(SNOMED_FINDINGS))
def test_each_snomed_code_is_a_well_formed_concept_of_one_of_our_complications(slug):
    coding = SNOMED_FINDINGS[slug]
    assert slug in COMPLICATIONS
    assert coding.system == SNOMED_CT
    assert is_valid_concept_id(coding.code)
    assert f"| `{slug}` | {coding.code} | {coding.display} |" in DOC, "every code sent is documented with its source"


def test_a_mistyped_concept_id_fails_the_check_digit():
    assert is_valid_concept_id("240131006")
    assert not is_valid_concept_id("240131007")  # one digit off
    assert not is_valid_concept_id("240113006")  # two digits swapped
    assert not is_valid_concept_id("24013100")  # too short to hold a partition and check digit
    assert not is_valid_concept_id("abc")


def test_complications_without_a_verified_code_are_sent_in_words():
    for unverified in (
        "necrotizing-soft-tissue-infection",
        "distant-toxin-spread",
        "ocular-ischemia",
        "tyndall-effect",
    ):
        assert unverified in COMPLICATIONS
        assert snomed_finding(unverified) is None
    assert imdrf_health_effect("thermal-burn") is None


def test_imdrf_codes_name_our_complications():
    for slug, coding in IMDRF_HEALTH_EFFECTS.items():
        assert slug in COMPLICATIONS
        assert coding.code.startswith("E")
