#!/usr/bin/env python
"""The benchmark, side by side in one run: the app under gunicorn, driven by wrk, against a bare
Django JSON view served by the same gunicorn, middleware and settings.

    .venv/bin/python benchmarks/load.py [--rounds 3] [--seconds 10] [--connections 20]

`make benchmark` runs a short bounded version (3 rounds of 4 s). Uses DATABASE_URL (PostgreSQL,
as in production; SQLite when unset, with a warning). What it does:

1. migrates and loads the knowledge base, collects static files;
2. prepares requests in process: the vignette suite's answers as API bodies, and for each story a
   whole questionnaire journey (emergency screen, treatment, symptoms page, symptoms answer,
   result page) as the browser would send it. Sessions travel in the encrypted cookie
   (procedures/sessions.py), so the server keeps no state between requests: replaying those
   requests with their cookies makes the server do exactly the work a live patient causes;
3. starts gunicorn (2 sync workers, as the issue measured) on benchmarks/wsgi.py, which adds the
   bare view at /bench/bare in the benchmark's own URLconf, never in the product's;
4. runs wrk on each target in turn, round after round (interleaved, so drift in the machine hits
   all targets alike), and fails on any non-2xx/3xx answer;
5. prints, per target, the median over rounds of requests per second, its ratio to the bare
   view's in the same round, and p50/p99 latency; then the queries each request makes in steady
   state, the resident memory of each worker, and `assess()` per call on knowledge bases 1, 20
   and 100 times the real one (benchmarks/synthetic.py);
6. writes test-artifacts/benchmark.json.

Nothing is asserted: numbers are for reading and comparing (the issue's targets are printed beside
them). wrk comes from Debian (`apt-get install wrk`).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = str(ROOT / ".venv" / "bin" / "python")
GUNICORN = str(ROOT / ".venv" / "bin" / "gunicorn")
ARTIFACT = ROOT / "test-artifacts" / "benchmark.json"
# "-unique": answer sets no process has seen, so nothing is served from a memo (the worst case).
# "bare-post": the bare view sent the API's bodies, the yardstick for a POST (the HTTP server's
# work on a request body is the same for both, and costs about a quarter of a bare GET here).
TARGETS = ("bare", "bare-post", "api", "api-unique", "result", "journey", "journey-unique")
POSTS = ("api", "api-unique")
GOALS = {"api": 0.8, "result": 0.3, "journey": 0.3}  # the targets, against the bare view


def server_environment(port: int) -> dict[str, str]:
    env = {
        **os.environ,
        "DJANGO_SECRET_KEY": os.environ.get("BENCH_SECRET_KEY") or secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "DJANGO_SECURE_SSL": "0",
        "LOG_LEVEL": "ERROR",
        "KNOWLEDGE_BASE_FALLBACK_FILE": "",
        "GUNICORN_ACCESS_LOG": "",
        "GUNICORN_MAX_REQUESTS": "0",  # steady state: no worker recycled (and its memos emptied) mid-run
    }
    env.pop("DJANGO_DEBUG", None)  # production settings: no debug, cached templates
    env["BENCH_SECRET_KEY"] = env["DJANGO_SECRET_KEY"]
    return env


def manage(env: dict[str, str], *args: str) -> None:
    subprocess.run([PYTHON, "manage.py", *args, "-v0"], cwd=ROOT, env=env, check=True)


# --- Requests, prepared in a child process with the server's settings ----------------------------


def prepare_requests(env: dict[str, str], out: Path) -> dict:
    """Run this file with --prepare in a child process (Django set up with the server's settings)."""
    subprocess.run([PYTHON, __file__, "--prepare", str(out)], cwd=ROOT, env=env, check=True)
    return json.loads(out.read_text())


def _prepare(out: Path) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "symptomcheck.settings")
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from procedures import freshness

    stories = [v["input"] for v in json.loads((ROOT / "tests" / "vignettes" / "suite.json").read_text())]
    api = [_post_json("/api/v1/assessments", story) for story in stories]
    # The same stories on other days: answer sets a process has not seen (its memo misses).
    unique = [
        _post_json("/api/v1/assessments", {**story, "days_since_treatment": day})
        for day in range(0, 120, 3)
        for story in stories
    ]
    journeys, results = [], []
    for story in stories:
        client = Client(HTTP_HOST="127.0.0.1", enforce_csrf_checks=True)
        steps, result = _journey(client, story)
        journeys += steps
        results.append(result)
    # Patients whose answers no process has seen: every page is worked out afresh (memo misses).
    unique_journeys = []
    for shift in range(1, 9):
        for story in stories:
            client = Client(HTTP_HOST="127.0.0.1", enforce_csrf_checks=True)
            moved = {**story, "days_since_treatment": story["days_since_treatment"] + 7 * shift}
            unique_journeys += _journey(client, moved)[0]
    freshness.start_watching()
    time.sleep(0.5)
    queries = {}
    client = Client(HTTP_HOST="127.0.0.1")
    for name, sample in (("api", api[0]), ("result", results[0]), ("journey", None)):
        with CaptureQueriesContext(connection) as captured:
            for request in [sample] if sample else journeys[:5]:
                _replay(client, request)
        queries[name] = len(captured)
    prepared = {
        # Every target goes through the same wrk script machinery, the bare view too: wrk sends
        # requests faster without a script, which would flatter the yardstick, not the server.
        "bare": [{"method": "GET", "path": "/bench/bare", "headers": {}, "body": ""}],
        "bare-post": [{**request, "path": "/bench/bare"} for request in api],
        "api": api,
        "api-unique": unique,
        "result": results,
        "journey": journeys,
        "journey-unique": unique_journeys,
        "queries": queries,
    }
    out.write_text(json.dumps(prepared))


def _post_json(path: str, body: dict) -> dict:
    return {"method": "POST", "path": path, "headers": {"Content-Type": "application/json"}, "body": json.dumps(body)}


def _cookie_header(client) -> str:
    return "; ".join(f"{name}={morsel.value}" for name, morsel in client.cookies.items())


def _journey(client, story: dict) -> tuple[list[dict], dict]:
    """One patient's journey as the browser sends it, each request with the cookies it would carry."""
    page = client.get("/check/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode()).group(1)
    steps = []

    def send(method: str, path: str, data: dict | None = None) -> None:
        headers = {"Cookie": _cookie_header(client)}
        body = ""
        if data is not None:
            data = {**data, "csrfmiddlewaretoken": token}
            from urllib.parse import urlencode

            body = urlencode(data, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        steps.append({"method": method, "path": path, "headers": headers, "body": body})
        response = client.post(path, data) if method == "POST" else client.get(path)
        assert response.status_code in (200, 302), (path, response.status_code)

    send("POST", "/check/", {"none_of_these": "on"})
    area = story.get("area") or ""
    send(
        "POST",
        "/check/treatment/",
        {"procedure": story["procedure"], "days_ago": story["days_since_treatment"], "area": area},
    )
    send("GET", "/check/symptoms/")
    chosen = {"symptoms": story["symptoms"] or [], "trend": story.get("trend") or ""}
    send("POST", "/check/symptoms/", {**chosen, "nothing_to_report": "" if story["symptoms"] else "on"})
    send("GET", "/check/result/")
    return steps, steps[-1]


def _replay(client, request: dict):
    cookies = dict(part.split("=", 1) for part in request["headers"].get("Cookie", "").split("; ") if part)
    for name, value in cookies.items():
        client.cookies[name] = value
    kind = request["headers"].get("Content-Type", "")
    if request["method"] == "GET":
        return client.get(request["path"])
    return client.generic("POST", request["path"], request["body"], content_type=kind)


# --- wrk -------------------------------------------------------------------------------------------


def lua_script(requests: list[dict], path: Path) -> Path:
    """A wrk script that sends `requests` in turn (each wrk thread from its own start)."""

    def long_string(text: str) -> str:
        level = "=" * 4
        assert f"]{level}]" not in text
        return f"[{level}[{text}]{level}]"

    rows = []
    for r in requests:
        # "[ [====[key]====] ]": the spaces matter, "[[" would open a long string in Lua.
        headers = ", ".join(f"[ {long_string(k)} ] = {long_string(v)}" for k, v in r["headers"].items())
        body = long_string(r["body"]) if r["body"] else "nil"
        rows.append(f"  {{{long_string(r['method'])}, {long_string(r['path'])}, {{{headers}}}, {body}}},")
    path.write_text(
        "local data = {\n" + "\n".join(rows) + "\n}\nlocal prepared = {}\nlocal i = 0\n"
        "function init(args)\n"
        "  for n, r in ipairs(data) do prepared[n] = wrk.format(r[1], r[2], r[3], r[4]) end\n"
        "  i = math.random(#prepared) - 1\n"
        "end\n"
        "function request()\n  i = i % #prepared + 1\n  return prepared[i]\nend\n"
    )
    return path


def run_wrk(url: str, seconds: float, connections: int, script: Path) -> dict:
    duration = f"{max(1, round(seconds))}s"  # wrk takes whole seconds
    command = ["wrk", "-t", "1", "-c", str(connections), "-d", duration, "--latency", "--timeout", "10s"]
    command += ["-s", str(script)]
    finished = subprocess.run([*command, url], capture_output=True, text=True, check=True)
    if finished.stderr.strip():  # wrk reports a broken script here, then goes on without it
        sys.exit(f"wrk: {finished.stderr.strip()}")
    output = finished.stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    errors = re.search(r"Socket errors:.*", output)
    return {
        "rps": rate,
        "p50_ms": _latency(output, "50%"),
        "p99_ms": _latency(output, "99%"),
        "bad_responses": int(bad.group(1)) if bad else 0,
        "socket_errors": errors.group(0) if errors else "",
    }


def _latency(output: str, label: str) -> float:
    value, unit = re.search(rf"^\s+{re.escape(label)}\s+([\d.]+)(us|ms|s)\s*$", output, re.MULTILINE).groups()
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


# --- The server ------------------------------------------------------------------------------------


def start_gunicorn(env: dict[str, str], port: int, workers: int) -> subprocess.Popen:
    command = [GUNICORN, "benchmarks.wsgi:application", "-b", f"127.0.0.1:{port}", "-w", str(workers)]
    # The production configuration (its warm-up hook included), with the 2 sync workers.
    command += ["-c", str(ROOT / "deploy" / "gunicorn.conf.py"), "-k", "sync", "--log-level", "warning"]
    server = subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/bench/bare", timeout=2):
                return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    sys.exit("gunicorn did not start")


def worker_rss_mb(master: int) -> list[float]:
    children = subprocess.run(["pgrep", "-P", str(master)], capture_output=True, text=True).stdout.split()
    sizes = []
    for pid in children:
        status = Path(f"/proc/{pid}/status").read_text()
        sizes.append(int(re.search(r"VmRSS:\s+(\d+) kB", status).group(1)) / 1024)
    return sizes


# --- assess() as the knowledge base grows -----------------------------------------------------------


def engine_scaling(env: dict[str, str]) -> dict:
    script = str(ROOT / "benchmarks" / "engine_scaling.py")
    result = subprocess.run([PYTHON, script], cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    return {int(k): v for k, v in json.loads(result.stdout.strip().splitlines()[-1]).items()}


# --- The run ------------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--connections", type=int, default=20)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--port", type=int, default=8011)
    parser.add_argument("--prepare", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.prepare:
        return _prepare(args.prepare)
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed (apt-get install wrk)")
    env = server_environment(args.port)
    if not env.get("DATABASE_URL", "").startswith("postgres"):
        print("warning: DATABASE_URL is not PostgreSQL; measuring on SQLite", file=sys.stderr)
    manage(env, "migrate", "--noinput")
    manage(env, "load_knowledge_base")
    manage(env, "collectstatic", "--noinput")
    with tempfile.TemporaryDirectory() as scratch:
        requests = prepare_requests(env, Path(scratch) / "requests.json")
        scripts = {name: lua_script(requests[name], Path(scratch) / f"{name}.lua") for name in TARGETS}
        server = start_gunicorn(env, args.port, args.workers)
        try:
            runs = measure(args, scripts)
            rss = worker_rss_mb(server.pid)
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=20)
    report(args, runs, requests["queries"], rss, engine_scaling(env))


def measure(args, scripts: dict[str, Path]) -> dict[str, list[dict]]:
    url = f"http://127.0.0.1:{args.port}"
    for name in TARGETS:  # warm every worker's memo and connection once, outside the measurement
        run_wrk(url + "/", 1, args.connections, scripts[name])
    runs: dict[str, list[dict]] = {name: [] for name in TARGETS}
    for round_number in range(args.rounds):
        for name in TARGETS:
            run = run_wrk(url + "/", args.seconds, args.connections, scripts[name])
            runs[name].append(run)
            latency = f"p50 {run['p50_ms']:6.2f} ms  p99 {run['p99_ms']:6.2f} ms"
            print(f"round {round_number + 1} {name:<14} {run['rps']:8.0f} req/s  {latency}", flush=True)
    return runs


def report(args, runs: dict[str, list[dict]], queries: dict, rss: list[float], scaling: dict) -> None:
    bare = [run["rps"] for run in runs["bare"]]
    bare_post = [run["rps"] for run in runs["bare-post"]]
    summary = {}
    print(f"\n{args.rounds} interleaved rounds of {args.seconds:g} s, {args.connections} connections, ", end="")
    print(f"{args.workers} sync workers")
    print(f"{'target':<14} {'req/s':>8} {'× bare':>7} {'p50 ms':>7} {'p99 ms':>7}  goal")
    for name, target_runs in runs.items():
        ratios = [run["rps"] / bare_rps for run, bare_rps in zip(target_runs, bare, strict=True)]
        summary[name] = {
            "rps_median": statistics.median(run["rps"] for run in target_runs),
            "ratio_median": statistics.median(ratios),
            "ratios": ratios,
            "ratio_to_bare_post_median": statistics.median(
                run["rps"] / rps for run, rps in zip(target_runs, bare_post, strict=True)
            ),
            "p50_ms": statistics.median(run["p50_ms"] for run in target_runs),
            "p99_ms": statistics.median(run["p99_ms"] for run in target_runs),
            "bad_responses": sum(run["bad_responses"] for run in target_runs),
        }
        s = summary[name]
        goal = f"≥ {GOALS[name]}×" if name in GOALS else ""
        versus_post = f"  ({s['ratio_to_bare_post_median']:.2f}× bare POST)" if name in POSTS else ""
        row = f"{s['rps_median']:8.0f} {s['ratio_median']:7.2f} {s['p50_ms']:7.2f} {s['p99_ms']:7.2f}"
        print(f"{name:<14} {row}  {goal}{versus_post}")
    print(f"\nqueries per request in steady state: {queries}")
    print(f"resident memory per worker: {', '.join(f'{mb:.0f} MB' for mb in rss)}")
    base = scaling[1]["assess_us"]
    for factor, row in scaling.items():
        print(
            f"assess() at {factor:>3}× ({row['procedures']} procedures, {row['complications']} complications, "
            f"{row['rules']} rules): {row['assess_us']:6.1f} µs per call ({row['assess_us'] / base:.2f}× the 1× cost); "
            f"snapshot built in {row['build_ms']:.0f} ms"
        )
    ARTIFACT.parent.mkdir(exist_ok=True)
    ARTIFACT.write_text(
        json.dumps(
            {"summary": summary, "runs": runs, "queries": queries, "rss_mb": rss, "engine_scaling": scaling}, indent=2
        )
    )
    if any(s["bad_responses"] for s in summary.values()):
        sys.exit("some requests were answered with an error status")


if __name__ == "__main__":
    main()
