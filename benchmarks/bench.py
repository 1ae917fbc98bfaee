#!/usr/bin/env python
"""A small, rerunnable benchmark: API assessments and result pages, in process.

    DJANGO_DEBUG=1 .venv/bin/python benchmarks/bench.py [--n 500]

Uses the configured database (run `make load` first), Django's test client (no network, so the
numbers are the app's own cost: routing, validation, the freshness query, the engine, JSON or
template rendering) and the project's vignette suite as varied inputs. Prints median and 95th
percentile in milliseconds, the queries each request made, and each median as a ratio to a bare
Django JSON view measured in the same run on the same middleware (benchmarks/bench_urls.py), so
numbers from different machines compare. Not a test: nothing is asserted.
"""

from __future__ import annotations

import argparse
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

from django.conf import settings  # noqa: E402

settings.ROOT_URLCONF = "benchmarks.bench_urls"

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from procedures.selectors import published_knowledge_base  # noqa: E402
from procedures.triage import Answers, assess  # noqa: E402


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(pct / 100 * (len(ordered) - 1))))]


BARE: list[float] = []  # the bare view's median, once measured


def report(name: str, timings: list[float], queries: list[int]) -> None:
    ms = [t * 1000 for t in timings]
    median = statistics.median(ms)
    ratio = f"  ×{median / BARE[0]:6.2f} bare view" if BARE else ""
    print(
        f"{name:<28} n={len(ms):>5}  median {median:7.3f} ms  p95 {percentile(ms, 95):7.3f} ms  "
        f"queries/request {min(queries)}–{max(queries)}{ratio}"
    )


def timed(client, method: str, path: str, **kwargs) -> tuple[float, int, object]:
    with CaptureQueriesContext(connection) as captured:
        start = time.perf_counter()
        response = getattr(client, method)(path, **kwargs)
        elapsed = time.perf_counter() - start
    return elapsed, len(captured), response


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=500)
    parser.add_argument("--vignettes", type=Path, default=ROOT / "tests" / "vignettes" / "suite.json")
    args = parser.parse_args()
    inputs = [v["input"] for v in json.loads(args.vignettes.read_text())]
    kb = published_knowledge_base()
    if not kb.procedures:
        sys.exit("No published knowledge base: run `make load` first.")
    client = Client(HTTP_HOST="127.0.0.1")
    print(f"knowledge base {kb.version}; {len(inputs)} distinct inputs; {args.n} requests each")

    # The yardstick: a bare Django JSON view on the same middleware.
    client.get("/bench/bare")
    samples = [timed(client, "get", "/bench/bare") for _ in range(args.n)]
    report("bare JSON view", [s[0] for s in samples], [s[1] for s in samples])
    BARE.append(statistics.median(s[0] * 1000 for s in samples))

    # Engine alone, pure Python.
    answers = [
        Answers(i["procedure"], i["days_since_treatment"], frozenset(i["symptoms"]), i.get("trend"), i.get("area"))
        for i in inputs
    ]
    timings = []
    for n in range(args.n):
        start = time.perf_counter()
        assess(kb, answers[n % len(answers)])
        timings.append(time.perf_counter() - start)
    report("engine assess()", timings, [0])

    # API.
    client.post("/api/v1/assessments", json.dumps(inputs[0]), content_type="application/json")  # warm
    timings, queries = [], []
    for n in range(args.n):
        body = json.dumps(inputs[n % len(inputs)])
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            response = client.post("/api/v1/assessments", body, content_type="application/json")
            timings.append(time.perf_counter() - start)
        assert response.status_code == 200, response.content
        queries.append(len(captured))
    report("POST /api/v1/assessments", timings, queries)

    # The questionnaire's symptoms step (it decides which follow-up questions matter), then the
    # result page.
    client.post("/check/", {"none_of_these": "on"})
    page_timings, page_queries, post_timings, post_queries, timings, queries = [], [], [], [], [], []
    for n in range(args.n):
        i = inputs[n % len(inputs)]
        client.post(
            "/check/treatment/",
            {"procedure": i["procedure"], "days_ago": i["days_since_treatment"], "area": i.get("area") or ""},
        )
        elapsed, count, response = timed(client, "get", "/check/symptoms/")
        assert response.status_code == 200, response.status_code
        page_timings.append(elapsed)
        page_queries.append(count)
        data = {
            "symptoms": i["symptoms"] or [],
            "trend": i.get("trend") or "",
            "nothing_to_report": "" if i["symptoms"] else "on",
        }
        elapsed, count, response = timed(client, "post", "/check/symptoms/", data=data)
        assert response.status_code == 302, response.status_code
        post_timings.append(elapsed)
        post_queries.append(count)
        elapsed, count, response = timed(client, "get", "/check/result/")
        assert response.status_code == 200, response.status_code
        timings.append(elapsed)
        queries.append(count)
    report("GET /check/symptoms/", page_timings, page_queries)
    report("POST /check/symptoms/", post_timings, post_queries)
    report("GET /check/result/", timings, queries)


if __name__ == "__main__":
    main()
