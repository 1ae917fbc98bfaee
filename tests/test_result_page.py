"""The result page's recovery timeline and printable summary."""

from __future__ import annotations

import pytest

from procedures.presentation import recovery_timeline
from procedures.triage import KnowledgeBase

from .kb_builders import effect
from .patient_stories import EXPECTED_REDNESS, INFECTION, walk


def _procedure(*effects):
    data = {"procedures": [{"slug": "peel", "name": "Peel", "expected_effects": list(effects)}]}
    kb = KnowledgeBase.from_dict(data, "t")
    return kb.procedures["peel"]


def test_timeline_bars_run_from_day_zero_to_the_usual_end_shortest_first():
    procedure = _procedure(effect("swelling", ["swelling"], until=7), effect("redness", ["redness"], until=2))
    timeline = recovery_timeline(procedure, day=1, reported=frozenset({"redness"}), language="en")
    assert [bar.until for bar in timeline.bars] == [2, 7]
    assert timeline.axis_max == 8  # round ticks of 2 days cover the longest effect
    assert [day for day, _ in timeline.ticks] == [0, 2, 4, 6, 8]
    assert timeline.bars[1].width == 87.5
    assert timeline.today_at == 12.5
    assert timeline.bars[0].reported and not timeline.bars[0].overdue
    assert not timeline.bars[1].reported


def test_the_axis_reaches_today_and_late_effects_are_flagged():
    procedure = _procedure(effect("redness", ["redness"], until=3))
    timeline = recovery_timeline(procedure, day=40, reported=frozenset({"redness"}), language="en")
    assert timeline.axis_max >= 40 and timeline.today_at <= 100
    assert timeline.bars[0].overdue


def test_an_effect_gone_the_same_day_still_shows():
    timeline = recovery_timeline(_procedure(effect("bumps", ["lump"], until=0)), 0, frozenset(), "en")
    assert timeline.bars[0].width > 0
    assert timeline.axis_max >= 1


def test_no_effects_no_timeline():
    assert recovery_timeline(_procedure(), 3, frozenset(), "en") is None


@pytest.mark.django_db
def test_result_page_has_timeline_with_text_alternative(client):
    walk(client, EXPECTED_REDNESS)
    html = client.get("/check/result/").content.decode()
    assert 'class="tl" aria-describedby="timeline-intro"' in html
    assert "The line marks today, day 1." in html
    assert 'class="tl-track" aria-hidden="true"' in html
    assert "You have this now: this is normal." in html


@pytest.mark.django_db
def test_result_page_is_a_printable_summary(client):
    walk(client, INFECTION)
    response = client.get("/check/result/")
    html = response.content.decode()
    assert 'href="/static/css/print.css" media="print"' in html
    assert "Symptom check summary: please show this to your clinic." in html
    for fact in ("RF microneedling", "Day 5", "Checked on", "Getting worse", "What to do now"):
        assert fact in html
    assert f"Knowledge base {response.context['assessment'].knowledge_base_version}" in html


@pytest.mark.django_db
@pytest.mark.parametrize("story", [EXPECTED_REDNESS, INFECTION], ids=["self-care", "urgent"])
def test_every_id_on_the_result_page_is_unique(client, story):
    """The contact form and the check-in offer share field names; a label must still find its own
    input (WCAG 1.3.1, 4.1.2)."""
    import re
    from collections import Counter

    walk(client, story)
    html = client.get("/check/result/").content.decode()
    repeated = [name for name, count in Counter(re.findall(r'\sid="([^"]+)"', html)).items() if count > 1]
    assert repeated == []
