"""What the next release would contain: reviewed content only, drafts keep their published values.

Staff edit the working copy; patients only ever see releases. A release is built row by row:

- a row whose status is **published** goes in with its current values;
- a row that is **draft** or **in review** goes in with the values it had in the latest release
  (so an edit in progress never reaches patients, and the published version stays live);
- a row that is not published and was never released (new content) is left out;
- a row deleted from the working copy is left out (deleting is for clinical reviewers only).

Rows are matched by natural key (slug, code, or parent slug + slug), which staff cannot change
once a row exists (see admin.LockedKeysForm), so "the same row" in the working copy and in the
latest release is always well defined. A combination rule and its clauses are one unit: the rule
goes in with its current clauses only when the rule and every clause are published.

`merge_release()` is pure; `release_candidate_data()` feeds it from the database.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any

from .models import (
    Area,
    CombinationRule,
    Complication,
    ContentStatus,
    ExpectedEffect,
    Procedure,
    ProcedureComplication,
    RuleClause,
    Source,
    Symptom,
    WarningSign,
)
from .selectors import knowledge_base_data, latest_release

Node = dict[str, Any]
Statuses = dict[str, dict[Hashable, str]]
PUBLISHED = ContentStatus.PUBLISHED.value


def content_statuses() -> Statuses:
    """Review status of every content row, keyed by natural key (10 queries)."""
    rule_status = dict(CombinationRule.objects.values_list("slug", "status"))
    # A rule counts as published only when all of its clauses are published too.
    for rule_slug, status in RuleClause.objects.values_list("rule__slug", "status"):
        if status != PUBLISHED:
            rule_status[rule_slug] = status
    return {
        "sources": dict(Source.objects.values_list("code", "status")),
        "areas": dict(Area.objects.values_list("slug", "status")),
        "symptoms": dict(Symptom.objects.values_list("slug", "status")),
        "complications": dict(Complication.objects.values_list("slug", "status")),
        "warning_signs": {
            (c, s): status
            for c, s, status in WarningSign.objects.values_list("complication__slug", "symptom__slug", "status")
        },
        "rules": rule_status,
        "procedures": dict(Procedure.objects.values_list("slug", "status")),
        "expected_effects": {
            (p, e): status for p, e, status in ExpectedEffect.objects.values_list("procedure__slug", "slug", "status")
        },
        "links": {
            (p, c): status
            for p, c, status in ProcedureComplication.objects.values_list(
                "procedure__slug", "complication__slug", "status"
            )
        },
    }


def _merge(
    working: list[Node],
    previous: list[Node],
    key: Callable[[Node], Hashable],
    statuses: dict[Hashable, str],
    children: Callable[[Node | None, Node | None, Node], Node] | None = None,
) -> list[Node]:
    """One list of rows: published rows from the working copy, the others from the last release."""
    released = {key(node): node for node in previous}
    merged = []
    for node in working:
        k = key(node)
        old = released.get(k)
        base = node if statuses.get(k) == PUBLISHED else old
        if base is None:
            continue
        merged.append(children(node, old, base) if children else base)
    return merged


def merge_release(working: dict[str, Any], previous: dict[str, Any], statuses: Statuses) -> dict[str, Any]:
    """The release data: `working` where reviewed, `previous` (the latest release) where not."""

    def complication(now: Node | None, old: Node | None, base: Node) -> Node:
        slug = base["slug"]
        now, old = now or {}, old or {}
        node = {k: v for k, v in base.items() if k not in ("warning_signs", "rules")}
        node["warning_signs"] = _merge(
            now.get("warning_signs", []),
            old.get("warning_signs", []),
            lambda ws: (slug, ws["symptom"]),
            statuses["warning_signs"],
        )
        node["rules"] = _merge(now.get("rules", []), old.get("rules", []), lambda r: r["slug"], statuses["rules"])
        return node

    def procedure(now: Node | None, old: Node | None, base: Node) -> Node:
        slug = base["slug"]
        now, old = now or {}, old or {}
        node = {k: v for k, v in base.items() if k not in ("expected_effects", "complications")}
        node["expected_effects"] = _merge(
            now.get("expected_effects", []),
            old.get("expected_effects", []),
            lambda e: (slug, e["slug"]),
            statuses["expected_effects"],
        )
        node["complications"] = _merge(
            now.get("complications", []),
            old.get("complications", []),
            lambda link: (slug, link["complication"]),
            statuses["links"],
        )
        return node

    return {
        "sources": _merge(working["sources"], previous.get("sources", []), lambda s: s["code"], statuses["sources"]),
        "areas": _merge(working["areas"], previous.get("areas", []), lambda a: a["slug"], statuses["areas"]),
        "symptoms": _merge(
            working["symptoms"], previous.get("symptoms", []), lambda s: s["slug"], statuses["symptoms"]
        ),
        "complications": _merge(
            working["complications"],
            previous.get("complications", []),
            lambda c: c["slug"],
            statuses["complications"],
            complication,
        ),
        "procedures": _merge(
            working["procedures"],
            previous.get("procedures", []),
            lambda p: p["slug"],
            statuses["procedures"],
            procedure,
        ),
    }


def release_candidate_data() -> dict[str, Any]:
    """The knowledge base as the next release would publish it (see the module docstring)."""
    release = latest_release()
    return merge_release(knowledge_base_data(), release.data if release else {}, content_statuses())
