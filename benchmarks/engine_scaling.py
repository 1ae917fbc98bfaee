"""`assess()` per call on the published knowledge base and on synthetic ones 20 and 100 times larger
(benchmarks/synthetic.py). Run by benchmarks/load.py in a child process; prints one JSON line.

    DJANGO_DEBUG=1 .venv/bin/python benchmarks/engine_scaling.py
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "symptomcheck.settings")

import django  # noqa: E402

django.setup()

from benchmarks.synthetic import scaled_release_data  # noqa: E402
from procedures.models import KnowledgeBaseRelease  # noqa: E402
from procedures.triage import Answers, KnowledgeBase, assess  # noqa: E402

FACTORS = (1, 20, 100)
ROUNDS = 7


def main() -> None:
    data = KnowledgeBaseRelease.objects.order_by("-version").first().data
    stories = [v["input"] for v in json.loads((ROOT / "tests" / "vignettes" / "suite.json").read_text())]
    answers = [
        Answers(s["procedure"], s["days_since_treatment"], frozenset(s["symptoms"]), s.get("trend"), s.get("area"))
        for s in stories
    ]
    out = {}
    for factor in FACTORS:
        start = time.perf_counter()
        kb = KnowledgeBase.from_dict(scaled_release_data(data, factor), version=str(factor))
        kb.prepare()
        built = time.perf_counter() - start
        rounds = []
        for _ in range(ROUNDS):
            start = time.perf_counter()
            for a in answers:
                assess(kb, a)
            rounds.append((time.perf_counter() - start) / len(answers) * 1e6)
        out[factor] = {
            "assess_us": statistics.median(rounds),
            "build_ms": built * 1000,
            "procedures": len(kb.procedures),
            "complications": len(kb.complications),
            "rules": len(kb.rules),
        }
    print(json.dumps(out))


if __name__ == "__main__":
    main()
