"""Coverage is part of the content: what a procedure needs before it may be published.

The minimum coverage rule (docs/knowledge-base.md, "Test stories"), checked on the candidate
release for every procedure in it:

1. **Every system red flag reaches it.** Each cross-cutting complication (brief section 5) has at
   least one emergency or urgent warning sign or rule that applies to this procedure, and every
   rule marked as a system red flag applies to it. The snapshot links cross-cutting complications
   to every procedure implicitly, and lets system red flag rules reach procedures their
   complication is not linked to (triage/knowledge.py), so a new procedure gets them without
   staff linking anything; what staff *can* do is keep a sign or rule away from a procedure
   (`except_procedures`, a rule's `procedures`), and that is what this catches.
2. **Its own stories cover it.** At least one story of this procedure at each level its content
   can reach, and at least one naming each complication linked to it as a gold complication.
3. **Its own stories pass.** Every one of them gets its gold level and a gold complication among
   the first three, except failures that the current release already had (listed apart, as open
   hazards, in the impact page and the safety case).

Why this minimum: a gate can only see what a story tests. One story per reachable level
exercises every level the procedure's signs and rules can produce, self-care included, which is
what keeps a normal recovery from being over-triaged; one story per complication shows each is
recognised from its own signs. System red flags are shared content, tested by the system stories
on other procedures; for them the risk a new procedure brings is being excluded, which a structural
check finds without asking staff for seven more stories per procedure. For a procedure with
n linked complications the minimum is max(number of reachable levels, n) stories: usually 4.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

from .impact import STRONG_LEVELS, StoryImpact
from .triage import LEVEL_RANK
from .triage.scales import LOWEST_LEVEL


def _applies(node: Mapping[str, Any], procedure: str) -> bool:
    """Does a warning sign or rule (release data) apply to this procedure?"""
    if procedure in (node.get("except_procedures") or ()):
        return False
    only = node.get("procedures") or ()
    return not only or procedure in only


def _forced_levels(complication: Mapping[str, Any], procedure: str) -> set[str]:
    """The levels a complication's signs and rules can force after this procedure."""
    rows = [*complication.get("warning_signs", []), *complication.get("rules", [])]
    return {row["urgency"] for row in rows if _applies(row, procedure)}


def _system_red_flag_rules(data: Mapping[str, Any]) -> Iterable[Mapping[str, Any]]:
    return (rule for c in data.get("complications", []) for rule in c.get("rules", []) if rule.get("system_red_flag"))


def reachable_levels(data: Mapping[str, Any], procedure: Mapping[str, Any]) -> set[str]:
    """Every level this procedure's content can give: normal recovery (self-care), its expected
    effects gone on too long, its complications' links, the signs and rules of every
    complication that follows it (its own and the cross-cutting ones), and the system red flag
    rules that reach it."""
    complications = {c["slug"]: c for c in data.get("complications", [])}
    slug = procedure["slug"]
    links = procedure.get("complications", [])
    levels = {LOWEST_LEVEL}
    levels |= {e["level_after"] for e in procedure.get("expected_effects", []) if e.get("level_after")}
    levels |= {link["urgency"] for link in links}
    followed = {link["complication"] for link in links} | {
        s for s, c in complications.items() if c.get("cross_cutting")
    }
    for name in followed:
        if name in complications:
            levels |= _forced_levels(complications[name], slug)
    levels |= {rule["urgency"] for rule in _system_red_flag_rules(data) if _applies(rule, slug)}
    return {level for level in levels if level in LEVEL_RANK}


def red_flags_missing(data: Mapping[str, Any], procedure: str) -> list[str]:
    """Cross-cutting complications none of whose emergency or urgent signs or rules apply here,
    and system red flag rules kept away from it."""
    missing = [
        c["slug"]
        for c in data.get("complications", [])
        if c.get("cross_cutting") and not (_forced_levels(c, procedure) & STRONG_LEVELS)
    ]
    return missing + [rule["slug"] for rule in _system_red_flag_rules(data) if not _applies(rule, procedure)]


def coverage_problems(data: Mapping[str, Any], impact_stories: Iterable[StoryImpact]) -> list[str]:
    """Why procedures of the candidate `data` may not be published (empty: every one may)."""
    by_procedure: dict[str, list[StoryImpact]] = defaultdict(list)
    for story in impact_stories:
        by_procedure[story.procedure].append(story)
    problems = []
    for procedure in data.get("procedures", []):
        problems += procedure_problems(data, procedure, by_procedure.get(procedure["slug"], []))
    return problems


def procedure_problems(data: Mapping[str, Any], procedure: Mapping[str, Any], stories: list[StoryImpact]) -> list[str]:
    slug = procedure["slug"]
    name = f"{procedure.get('name', slug)} ({slug})"
    problems = [
        f"{name}: the red flag '{flag}' does not reach it (every emergency and urgent sign and rule "
        "is kept away from it)."
        for flag in red_flags_missing(data, slug)
    ]
    if not stories:
        return [*problems, f"{name} has no test stories: add at least one for each level it can reach."]
    levels = reachable_levels(data, procedure) - {s.gold for s in stories}
    if levels:
        wanted = ", ".join(sorted(levels, key=LEVEL_RANK.__getitem__))
        problems.append(f"{name}: no test story at {wanted}.")
    named = {c for s in stories for c in s.gold_complications}
    unnamed = sorted({link["complication"] for link in procedure.get("complications", [])} - named)
    if unnamed:
        problems.append(f"{name}: no test story names {', '.join(unnamed)} as its answer.")
    failing = [s.id for s in stories if s.new_failure]
    if failing:
        problems.append(f"{name}: its test stories {', '.join(failing)} fail.")
    return problems
