"""A knowledge base N times larger than the real one, for measuring how cost grows with size.

It is what a clinic network that adds its own procedures and devices would grow into: each
procedure is copied N - 1 times with its own copies of its complications (their warning signs,
rules and expected effects), all linked to each other as in the original. The shared vocabulary
(symptoms, areas, sources, risk factors) and the cross-cutting complications (infection, sepsis,
anaphylaxis…, which follow every procedure) are not copied: a network adds treatments, not new
ways for a body to react.

Used by benchmarks/bench.py (`--scale`); never by the product.
"""

from __future__ import annotations

import copy
from typing import Any


def _renamed(slug: str, k: int) -> str:
    return f"{slug}--x{k}"


def scaled_release_data(data: dict[str, Any], factor: int) -> dict[str, Any]:
    """`data` (release format) with every procedure and its own complications copied `factor - 1` times."""
    if factor <= 1:
        return data
    cross_cutting = {c["slug"] for c in data.get("complications", []) if c.get("cross_cutting")}
    scaled = copy.deepcopy(data)
    for k in range(1, factor):
        own = {c["slug"]: _renamed(c["slug"], k) for c in data["complications"] if c["slug"] not in cross_cutting}
        procedures = {p["slug"]: _renamed(p["slug"], k) for p in data["procedures"]}
        scaled["complications"] += [
            _complication_copy(c, own, procedures) for c in data["complications"] if c["slug"] in own
        ]
        scaled["procedures"] += [_procedure_copy(p, own, procedures, k) for p in data["procedures"]]
    return scaled


def _mapped(slugs: list[str] | None, mapping: dict[str, str]) -> list[str]:
    return [mapping.get(slug, slug) for slug in slugs or ()]


def _complication_copy(row: dict[str, Any], own: dict[str, str], procedures: dict[str, str]) -> dict[str, Any]:
    twin = copy.deepcopy(row)
    twin["slug"] = own[row["slug"]]
    for sign in twin.get("warning_signs", []):
        sign["except_procedures"] = _mapped(sign.get("except_procedures"), procedures)
    for rule in twin.get("rules", []):
        rule["slug"] = f"{rule['slug']}--{twin['slug']}"
        rule["procedures"] = _mapped(rule.get("procedures"), procedures)
        rule["except_procedures"] = _mapped(rule.get("except_procedures"), procedures)
        # System red flags are shared by every procedure, like cross-cutting complications: the
        # original's rules already reach the copies, so a copy adds none of its own.
        rule["system_red_flag"] = False
    return twin


def _procedure_copy(row: dict[str, Any], own: dict[str, str], procedures: dict[str, str], k: int) -> dict[str, Any]:
    twin = copy.deepcopy(row)
    twin["slug"] = procedures[row["slug"]]
    twin["position"] = row.get("position", 0) + k * 1000
    for link in twin.get("complications", []):
        link["complication"] = own.get(link["complication"], link["complication"])
    for effect in twin.get("expected_effects", []):
        effect["slug"] = _renamed(effect["slug"], k)
        if effect.get("becomes"):
            effect["becomes"] = own.get(effect["becomes"], effect["becomes"])
    return twin
