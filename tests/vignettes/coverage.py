#!/usr/bin/env python3
"""Coverage check for the project's own vignette suite (tests/vignettes/suite.json).

Checks the format, that every slug is in ../shared/vocabulary, and the coverage the suite
promises: every procedure-complication pair of complications.csv, normal and overdue stories per
procedure, near-misses, combination pairs, the cross-cutting red flags of brief section 5 on
several procedures, patient wording, and a realistic spread of urgency levels.

Usage:  python3 tests/vignettes/coverage.py [suite.json] [--vocabulary DIR]
Prints what is missing and exits 1 if anything is; prints a summary and exits 0 otherwise.
"""

import argparse
import csv
import json
import os
import re
import sys
from collections import Counter, defaultdict

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_SUITE = os.path.join(HERE, "suite.json")
DEFAULT_VOCAB = os.path.normpath(os.path.join(HERE, "..", "..", "..", "shared", "vocabulary"))

LEVELS = ["self_care", "soon", "urgent", "emergency"]
RANK = {lvl: i for i, lvl in enumerate(LEVELS)}
TRENDS = {"improving", "unchanged", "worsening"}
TARGET_SPREAD = {"self_care": 25, "soon": 25, "urgent": 30, "emergency": 20}
SPREAD_TOLERANCE = 7  # percentage points either side
ANY_MIN_PROCEDURES = 3  # 'any' complications: at least this many procedures
RED_FLAG_MIN_PROCEDURES = 3  # each section-5 red flag: at least this many procedures
INJECTABLES = {"dermal-filler", "botulinum-toxin", "mesotherapy", "deoxycholic-acid", "pdo-thread-lift"}


def read_csv(vocab, name):
    with open(os.path.join(vocab, name), newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("suite", nargs="?", default=DEFAULT_SUITE)
    ap.add_argument("--vocabulary", default=DEFAULT_VOCAB)
    args = ap.parse_args()

    procedures = [r["slug"] for r in read_csv(args.vocabulary, "procedures.csv")]
    symptoms = {r["slug"] for r in read_csv(args.vocabulary, "symptoms.csv")}
    areas = {r["slug"] for r in read_csv(args.vocabulary, "areas.csv")}
    comp_rows = read_csv(args.vocabulary, "complications.csv")
    complications = {r["slug"] for r in comp_rows}

    with open(args.suite, encoding="utf-8") as f:
        suite = json.load(f)

    missing = []

    def miss(msg):
        missing.append(msg)

    # ------------------------------------------------------------ format and vocabulary
    if not isinstance(suite, list):
        print("suite is not a JSON list")
        return 1
    if len(suite) < 230:
        miss(f"only {len(suite)} vignettes (want at least 230)")
    ids = Counter(v.get("id") for v in suite)
    for vid, n in ids.items():
        if n > 1:
            miss(f"duplicate id {vid}")
    for v in suite:
        vid = v.get("id", "?")
        if set(v) - {"id", "story", "input", "expect", "tags"}:
            miss(f"{vid}: unexpected keys {sorted(set(v) - {'id', 'story', 'input', 'expect', 'tags'})}")
        if not re.fullmatch(r"sc-\d{3,}", str(vid)):
            miss(f"{vid}: id should look like sc-001")
        if not isinstance(v.get("story"), str) or len(v["story"]) < 20:
            miss(f"{vid}: story missing or too short")
        inp, exp = v.get("input", {}), v.get("expect", {})
        if set(inp) - {"procedure", "days_since_treatment", "symptoms", "trend", "area"}:
            miss(f"{vid}: unexpected input keys")
        if inp.get("procedure") not in procedures:
            miss(f"{vid}: unknown procedure {inp.get('procedure')!r}")
        d = inp.get("days_since_treatment")
        if not isinstance(d, int) or isinstance(d, bool) or not 0 <= d <= 3650:
            miss(f"{vid}: bad days_since_treatment {d!r}")
        syms = inp.get("symptoms")
        if not isinstance(syms, list):
            miss(f"{vid}: symptoms must be a list")
            syms = []
        for s in syms:
            if s not in symptoms:
                miss(f"{vid}: unknown symptom {s!r}")
        if len(set(syms)) != len(syms):
            miss(f"{vid}: duplicate symptoms")
        if "trend" in inp and inp["trend"] not in TRENDS:
            miss(f"{vid}: bad trend {inp['trend']!r}")
        if "area" in inp and inp["area"] not in areas:
            miss(f"{vid}: unknown area {inp['area']!r}")
        if set(exp) != {"urgency", "complications_any_of"}:
            miss(f"{vid}: expect must have exactly urgency and complications_any_of")
        if exp.get("urgency") not in LEVELS:
            miss(f"{vid}: bad urgency {exp.get('urgency')!r}")
        comps = exp.get("complications_any_of", [])
        for c in comps:
            if c not in complications:
                miss(f"{vid}: unknown complication {c!r}")
        if exp.get("urgency") != "self_care" and not comps:
            miss(f"{vid}: a non-self-care story needs at least one complication")
        if exp.get("urgency") == "self_care" and comps and comps != ["vasovagal-reaction"]:
            miss(f"{vid}: self-care stories list no complications (except a recovered faint)")
        if not isinstance(v.get("tags"), list):
            miss(f"{vid}: tags must be a list")

    def P(v):
        return v["input"]["procedure"]

    def U(v):
        return v["expect"]["urgency"]

    def C(v):
        return v["expect"]["complications_any_of"]

    def SY(v):
        return set(v["input"]["symptoms"])

    def T(v):
        return set(v.get("tags", []))

    # ------------------------------------------------------------ procedure-complication pairs
    covered = defaultdict(set)  # complication -> procedures
    for v in suite:
        for c in C(v):
            covered[c].add(P(v))
    pair_total = pair_ok = 0
    for row in comp_rows:
        slug = row["slug"]
        procs = [p.strip() for p in row["procedures"].split(";") if p.strip()]
        explicit = [p for p in procs if p != "any"]
        for p in explicit:
            pair_total += 1
            if p in covered[slug]:
                pair_ok += 1
            else:
                miss(f"pair not covered: {p} x {slug}")
        if "any" in procs:
            pair_total += 1
            n = len(covered[slug])
            if n >= ANY_MIN_PROCEDURES:
                pair_ok += 1
            else:
                miss(
                    f"'any' complication {slug} covered on {n} procedure(s), "
                    f"want {ANY_MIN_PROCEDURES}: {sorted(covered[slug])}"
                )

    # ------------------------------------------------------------ normal and overdue per procedure
    for p in procedures:
        normal = [v for v in suite if P(v) == p and U(v) == "self_care" and "normal" in T(v)]
        overdue = [v for v in suite if P(v) == p and U(v) != "self_care" and "overdue" in T(v)]
        if not normal:
            miss(f"{p}: no 'normal' self-care story")
        if not overdue:
            miss(f"{p}: no 'overdue' story")
            continue
        # the overdue story must share a symptom with a normal story at an earlier day
        if not any(
            SY(o) & SY(n) and o["input"]["days_since_treatment"] > n["input"]["days_since_treatment"]
            for o in overdue
            for n in normal
        ):
            miss(f"{p}: no overdue story repeats a normal story's symptom at a later day")

    # ------------------------------------------------------------ near-misses
    nm = [v for v in suite if "near-miss" in T(v)]
    if not any(U(v) == "self_care" for v in nm):
        miss("near-miss: no alarming-looking but expected (self-care) story")
    if not any(RANK[U(v)] >= RANK["urgent"] for v in nm):
        miss("near-miss: no harmless-looking red flag story")

    def has(pred, what):
        if not any(pred(v) for v in suite):
            miss(what)

    def d(v):
        return v["input"]["days_since_treatment"]

    has(
        lambda v: (
            P(v) == "rf-microneedling" and d(v) <= 3 and {"crusting", "grid-marks"} <= SY(v) and U(v) == "self_care"
        ),
        "near-miss: crusting + grid marks early after RF microneedling as self-care",
    )
    has(
        lambda v: P(v) == "pdo-thread-lift" and d(v) <= 4 and "dimpling-puckering" in SY(v) and U(v) == "self_care",
        "near-miss: dimpling in the first days after threads as self-care",
    )
    has(
        lambda v: P(v) == "chemical-peel" and 3 <= d(v) <= 6 and "peeling" in SY(v) and U(v) == "self_care",
        "near-miss: peeling day 3-6 after a peel as self-care",
    )
    has(
        lambda v: P(v) == "deoxycholic-acid" and d(v) <= 10 and "numbness" in SY(v) and U(v) == "self_care",
        "near-miss: numbness in the first days after Kybella as self-care",
    )
    has(
        lambda v: P(v) == "dermal-filler" and d(v) <= 1 and "skin-blanching" in SY(v) and U(v) == "emergency",
        "near-miss: white patch right after filler as emergency",
    )
    has(
        lambda v: (
            P(v) == "botulinum-toxin" and {"double-vision", "difficulty-swallowing"} <= SY(v) and U(v) == "emergency"
        ),
        "near-miss: mild double vision + swallowing trouble after toxin as emergency",
    )

    # ------------------------------------------------------------ combinations (pairs)
    has(
        lambda v: P(v) == "botulinum-toxin" and SY(v) == {"double-vision"} and U(v) == "urgent",
        "combination: double vision alone after toxin = urgent",
    )
    has(
        lambda v: (
            "hives" in SY(v)
            and not SY(v)
            & {
                "throat-tightness",
                "difficulty-breathing",
                "difficulty-swallowing",
                "hoarse-voice",
                "dizziness-fainting",
                "lip-tongue-swelling",
            }
            and U(v) in ("soon", "urgent")
        ),
        "combination: hives alone (no airway/circulation sign) = not an emergency",
    )
    has(
        lambda v: {"hives", "throat-tightness"} <= SY(v) and U(v) == "emergency",
        "combination: hives + throat tightness = emergency",
    )
    has(
        lambda v: (
            {"fever", "spreading-redness"} <= SY(v)
            and not SY(v)
            & {"confusion", "fast-heartbeat", "mottled-skin", "little-or-no-urine", "difficulty-breathing"}
            and U(v) == "urgent"
        ),
        "combination: fever + spreading redness = urgent",
    )
    has(
        lambda v: {"fever", "spreading-redness", "confusion"} <= SY(v) and U(v) == "emergency",
        "combination: fever + spreading redness + confusion = emergency",
    )
    has(
        lambda v: (
            SY(v) == {"asymmetric-smile"}
            and P(v) in {"rf-skin-tightening", "rf-microneedling", "deoxycholic-acid", "pdo-thread-lift"}
            and U(v) == "urgent"
        ),
        "combination: isolated one-sided smile weakness after RF/Kybella/threads = urgent",
    )
    has(
        lambda v: (
            "asymmetric-smile" in SY(v)
            and SY(v) & {"facial-droop", "slurred-speech", "arm-leg-weakness"}
            and U(v) == "emergency"
        ),
        "combination: smile weakness + stroke sign = emergency",
    )
    has(
        lambda v: (
            P(v) in {"deoxycholic-acid", "botulinum-toxin"}
            and "difficulty-swallowing" in SY(v)
            and not SY(v)
            & {"drooling", "difficulty-breathing", "double-vision", "slurred-speech", "generalized-weakness"}
            and U(v) == "urgent"
        ),
        "combination: trouble swallowing alone after neck toxin/Kybella = urgent",
    )
    has(
        lambda v: (
            P(v) in {"deoxycholic-acid", "botulinum-toxin"}
            and {"difficulty-swallowing", "drooling"} <= SY(v)
            and U(v) == "emergency"
        ),
        "combination: trouble swallowing + drooling = emergency",
    )

    # ------------------------------------------------------------ section 5 red flags on several procedures
    def procs(pred):
        return {P(v) for v in suite if U(v) == "emergency" and pred(v)}

    red_flags = {
        "anaphylaxis": procs(lambda v: "anaphylaxis" in C(v)),
        "sepsis": procs(lambda v: "sepsis" in C(v)),
        "necrotizing infection": procs(lambda v: "necrotizing-soft-tissue-infection" in C(v)),
        "stroke signs": procs(
            lambda v: (
                SY(v)
                & {
                    "facial-droop",
                    "slurred-speech",
                    "arm-leg-weakness",
                    "severe-headache",
                    "vision-loss",
                    "loss-of-balance",
                }
            )
        ),
        "breathing/swallowing difficulty": procs(
            lambda v: SY(v) & {"difficulty-breathing", "difficulty-swallowing", "drooling", "throat-tightness"}
        ),
        "vision change after facial injection": procs(
            lambda v: P(v) in INJECTABLES and SY(v) & {"vision-loss", "blurred-vision", "double-vision", "eye-pain"}
        ),
        "chest pain/palpitations/seizure": procs(lambda v: SY(v) & {"chest-pain", "fast-heartbeat", "seizure"}),
        "deep burn": procs(lambda v: "white-leathery-skin" in SY(v)),
    }
    for name, ps in red_flags.items():
        if len(ps) < RED_FLAG_MIN_PROCEDURES:
            miss(f"red flag '{name}' on {len(ps)} procedure(s), want {RED_FLAG_MIN_PROCEDURES}: {sorted(ps)}")

    # ------------------------------------------------------------ patient wording
    first_person = re.compile(r"\b(I|I'm|I've|my|me|My)\b")
    fp = sum(1 for v in suite if first_person.search(v["story"]))
    if fp < 0.8 * len(suite):
        miss(f"patient wording: only {fp}/{len(suite)} stories are in the patient's (first-person) voice")

    # ------------------------------------------------------------ level spread
    cnt = Counter(U(v) for v in suite)
    for lvl, target in TARGET_SPREAD.items():
        pct = 100.0 * cnt[lvl] / len(suite)
        if abs(pct - target) > SPREAD_TOLERANCE:
            miss(f"level spread: {lvl} is {pct:.0f}% (target ~{target}% +/- {SPREAD_TOLERANCE})")

    # ------------------------------------------------------------ report
    print(f"{len(suite)} vignettes")
    print("levels: " + ", ".join(f"{lvl} {cnt[lvl]} ({100.0 * cnt[lvl] / len(suite):.0f}%)" for lvl in LEVELS))
    print("per procedure: " + ", ".join(f"{p} {sum(1 for v in suite if P(v) == p)}" for p in procedures))
    print(f"procedure-complication pairs covered: {pair_ok}/{pair_total}")
    print("red flags (emergency stories, procedures): " + "; ".join(f"{k} {len(ps)}" for k, ps in red_flags.items()))
    tags = Counter(t for v in suite for t in v.get("tags", []))
    print("tags: " + ", ".join(f"{t} {n}" for t, n in sorted(tags.items())))
    unused = sorted(symptoms - {s for v in suite for s in v["input"]["symptoms"]})
    print(f"symptom slugs never used (information only): {', '.join(unused) or 'none'}")
    print(f"patient voice: {fp}/{len(suite)} stories in first person")
    if missing:
        print(f"\nMISSING ({len(missing)}):")
        for m in missing:
            print("  - " + m)
        return 1
    print("\nOK: nothing missing")
    return 0


if __name__ == "__main__":
    sys.exit(main())
