"""The project's own vignette suite must meet the audit thresholds of the issue.

Fails on any emergency not triaged as emergency, under-triage above 3%, exact triage below 90%,
self-care kept below 85%, or the right complication in the top three below 90%.
"""

import json
from pathlib import Path

import pytest
from django.conf import settings

from procedures.vignette_audit import (
    ConsensusThresholds,
    Thresholds,
    format_consensus,
    format_report,
    is_consensus_suite,
    run_audit,
    run_consensus_audit,
)

VIGNETTES = Path(__file__).parent / "vignettes"
SUITE = VIGNETTES / "suite.json"
# Two further sets written blind (from the brief only, without seeing the product) and kept as
# regression suites: every file must meet the same thresholds.
PUBLIC = settings.SHARED_DIR / "vignettes" / "public.json"


def load(path: Path) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))


# Real patients (published case reports, physicians' answers), labelled by two blind raters, are
# scored against both raters; the others against their one gold standard.
REAL_SUITES = [p for p in sorted(VIGNETTES.glob("*.json")) if is_consensus_suite(load(p))]
SUITES = [p for p in sorted(VIGNETTES.glob("*.json")) if p not in REAL_SUITES]


def test_suite_is_large_and_well_formed():
    vignettes = load(SUITE)
    assert len(vignettes) >= 200
    assert len({v["id"] for v in vignettes}) == len(vignettes)
    assert {v["expect"]["urgency"] for v in vignettes} == {"self_care", "soon", "urgent", "emergency"}


@pytest.mark.django_db
def test_suite_covers_every_procedure_complication_link(kb):
    covered = {(v["input"]["procedure"], slug) for v in load(SUITE) for slug in v["expect"]["complications_any_of"]}
    explicit = {(p.slug, c) for p in kb.procedures.values() for c, link in p.links.items() if link.explicit}
    assert explicit - covered == set()


@pytest.mark.django_db
@pytest.mark.parametrize("path", SUITES, ids=[p.name for p in SUITES])
def test_project_suites_meet_the_thresholds(kb, path):
    result = run_audit(kb, load(path))
    assert result.failures(Thresholds()) == [], format_report(result)


@pytest.mark.django_db
@pytest.mark.skipif(not PUBLIC.is_file(), reason="shared vignettes not beside the repo")
def test_shared_sample_meets_the_thresholds(kb):
    result = run_audit(kb, load(PUBLIC))
    assert result.failures(Thresholds()) == [], format_report(result)
    assert result.overall.emergencies_missed == 0


def test_the_real_suites_are_there_with_citations_and_both_raters():
    assert [p.name for p in REAL_SUITES] == ["real-cases.json", "real-questions.json"]
    for path in REAL_SUITES:
        stories = load(path)
        assert len(stories) >= 80, path.name
        assert len({s["id"] for s in stories}) == len(stories)
        for story in stories:
            assert story["source"]["citation"] and story["source"]["url"].startswith("http"), story["id"]
            assert story["gold_confidence"] in {"high", "medium", "low"}, story["id"]
            assert story["gold_rater2"]["urgency"] in {"self_care", "soon", "urgent", "emergency"}, story["id"]
    questions = load(VIGNETTES / "real-questions.json")
    normal = [s for s in questions if s["expect"]["urgency"] == "self_care"]
    assert len(normal) >= len(questions) / 2


@pytest.mark.django_db
@pytest.mark.parametrize("path", REAL_SUITES, ids=[p.name for p in REAL_SUITES])
def test_real_patients_meet_the_targets(kb, path):
    """Exact where the raters agree >= 90%, within their range >= 95%, below every rater <= 2%, no
    unanimous emergency missed, >= 85% of unanimous normal recoveries kept, top three >= 90%."""
    tally = run_consensus_audit(kb, load(path))
    assert tally.failures(ConsensusThresholds()) == [], format_consensus(path.name, tally)
