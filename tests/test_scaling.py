"""Cost set by what the patient reported: the snapshot's per-procedure index, and memos per release.

The index must change nothing but speed: for every procedure and many symptom sets, it must give
exactly the rules that can fire and the warning signs that count, in the order a full scan of
the knowledge base gives them.
"""

import gc
import random
import re
import weakref

import pytest

from benchmarks.synthetic import scaled_release_data
from procedures.models import KnowledgeBaseRelease
from procedures.snapshot_memo import per_snapshot
from procedures.triage import Answers, KnowledgeBase, assess


def _full_scan_rules(kb, procedure, present):
    """Every rule a scan of the whole knowledge base would try and see fire, in release order."""
    return [
        rule
        for rule in kb.rules
        if (
            rule.complication in procedure.links
            or (rule.system_red_flag and rule.complication in procedure.red_flag_links)
        )
        and procedure.slug not in rule.except_procedures
        and (not rule.procedures or procedure.slug in rule.procedures)
        and rule.match(present) is not None
    ]


def _full_scan_signs(kb, procedure, present):
    return [
        (slug, sign)
        for slug, link in procedure.links.items()
        if slug in kb.complications
        for sign in kb.complications[slug].warning_signs
        if sign.symptom in present and procedure.slug not in sign.except_procedures
    ]


@pytest.mark.django_db
def test_the_index_gives_what_a_full_scan_gives(kb):
    chance = random.Random(20261130)
    symptoms = sorted(kb.symptoms)
    for procedure in kb.procedures.values():
        index = kb.procedure_index[procedure.slug]
        for _ in range(60):
            present = frozenset(chance.sample(symptoms, chance.randint(1, 6)))
            fired = [rule for rule in index.rules_touched(present) if rule.match(present) is not None]
            assert fired == _full_scan_rules(kb, procedure, present)
            signs = [(entry.complication.slug, entry.sign) for entry in index.signs_touched(present)]
            assert signs == _full_scan_signs(kb, procedure, present)


@pytest.mark.django_db
def test_a_larger_knowledge_base_gives_the_same_answers_for_the_same_procedures(kb):
    """Twenty times the procedures and complications change nothing for the original ones."""
    data = KnowledgeBaseRelease.objects.order_by("-version").first().data
    large = KnowledgeBase.from_dict(scaled_release_data(data, 20), version="x20")
    assert len(large.procedures) == 20 * len(kb.procedures)
    chance = random.Random(7)
    symptoms = sorted(kb.symptoms)
    for procedure in kb.procedures:
        for day in (0, 2, 10, 40):
            answers = Answers(procedure, day, frozenset(chance.sample(symptoms, 3)))
            small_result, large_result = assess(kb, answers), assess(large, answers)
            assert small_result.urgency == large_result.urgency
            assert [c.slug for c in small_result.complications] == [c.slug for c in large_result.complications]


def test_a_memo_belongs_to_its_snapshot_and_goes_with_it(settings):
    settings.PAGE_MEMO_SIZE = 8
    calls = []

    @per_snapshot("PAGE_MEMO_SIZE")
    def worked_out(kb, value):
        calls.append((kb.version, value))
        return f"{kb.version}:{value}"

    first, second = KnowledgeBase.from_dict({}, "1"), KnowledgeBase.from_dict({}, "2")
    assert worked_out(first, "a") == worked_out(first, "a") == "1:a"
    assert worked_out(second, "a") == "2:a"
    assert calls == [("1", "a"), ("2", "a")]
    old_release = weakref.ref(first)
    del first
    gc.collect()
    assert old_release() is None, "a memo kept its old snapshot alive"
    assert worked_out(second, "a") == "2:a"
    assert len(calls) == 2


def test_memos_can_be_turned_off(settings):
    settings.PAGE_MEMO_SIZE = 0
    calls = []

    @per_snapshot("PAGE_MEMO_SIZE")
    def worked_out(kb, value):
        calls.append(value)
        return value

    kb = KnowledgeBase.from_dict({}, "1")
    worked_out(kb, "a")
    worked_out(kb, "a")
    assert calls == ["a", "a"]


def _through_treatment(client, procedure: str, days: int) -> None:
    client.post("/check/", {"none_of_these": "on"})
    client.post("/check/treatment/", {"procedure": procedure, "days_ago": days, "area": ""})


@pytest.mark.django_db
def test_memoised_pages_show_each_patient_their_own_answers(client, django_user_model):
    """Pages are worked out once per answer set: two patients with different answers, one after
    the other, each see their own treatment, ticks and result."""
    from django.test import Client

    other = Client()
    _through_treatment(client, "dermal-filler", 2)
    _through_treatment(other, "cryolipolysis", 30)
    for patient, procedure, days in ((client, "dermal-filler", 2), (other, "cryolipolysis", 30)):
        page = patient.get("/check/treatment/").content.decode()
        checked = re.findall(r'<input type="radio"[^>]*value="([^"]+)"[^>]*checked>', page)
        assert checked == [procedure]
        assert re.search(rf'name="days_ago" value="{days}"', page)
    client.post("/check/symptoms/", {"symptoms": ["swelling"], "trend": ""})
    other.post("/check/symptoms/", {"symptoms": ["lump"], "trend": ""})
    assert 'value="swelling" id="symptom-swelling" checked' in client.get("/check/symptoms/").content.decode()
    assert 'value="lump" id="symptom-lump" checked' in other.get("/check/symptoms/").content.decode()
    assert 'value="swelling" id="symptom-swelling" checked' not in other.get("/check/symptoms/").content.decode()
    first, second = client.get("/check/result/"), other.get("/check/result/")
    assert first.context["procedure_name"] != second.context["procedure_name"]
    assert first.context["day"] == 2 and second.context["day"] == 30


def test_templates_come_from_the_cached_loader():
    from django.template import engines
    from django.template.loaders.cached import Loader

    assert isinstance(engines["django"].engine.template_loaders[0], Loader)
