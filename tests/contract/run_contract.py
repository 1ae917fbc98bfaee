"""The API's contract checked against a live server: `make contract`.

Starts the app (manage.py runserver, DEBUG off) on a free port over a fresh SQLite database, or over
$DATABASE_URL when it is set (that database is migrated and the knowledge base loaded into it), then:

1. the description the server serves is docs/openapi.json;
2. the committed client (clients/python) is what openapi-python-client generates from it today;
3. schemathesis, against the description as served: every answer conforms to it (status, headers,
   body), nothing answers 5xx, and bad input answers 4xx in the `errors` shape. Slugs are any
   string there, so "schema-valid input is accepted" cannot be asked of it;
4. schemathesis again, against the description with each slug field narrowed to the slugs the live
   knowledge base lists (read through the generated client): now schema-valid bodies reach the engine
   and must be answered 200, with every other check as in 3;
5. the public vignettes (../shared/vignettes/public.json) through the generated client get the same
   answers as the shared runner's own requests (../shared/tools/run_vignettes.py), and that runner
   scores them without an error. Skipped when ../shared is absent.

    .venv/bin/python tests/contract/run_contract.py [--max-examples 150] [--seed 16]

Exits non-zero on any failure; ends with an "N passed, N failed" line. Schemathesis's JUnit reports go
to test-artifacts/contract/.
"""

from __future__ import annotations

import argparse
import copy
import filecmp
import importlib.util
import json
import os
import re
import secrets
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
SCHEMA = ROOT / "docs" / "openapi.json"
CLIENT_DIR = ROOT / "clients" / "python"
CLIENT_CONFIG = ROOT / "clients" / "openapi-python-client.yaml"
HOOKS = Path(__file__).with_name("schemathesis_hooks.py")
SHARED = Path(os.environ.get("SHARED_DIR", ROOT.parent / "shared"))
VIGNETTES = SHARED / "vignettes" / "public.json"
SHARED_RUNNER = SHARED / "tools" / "run_vignettes.py"
REPORTS = Path(os.environ.get("ARTIFACTS_DIR", ROOT / "test-artifacts")) / "contract"
# Generated files that are not part of the client (caches of the formatter run after generation).
NOT_THE_CLIENT = {".ruff_cache", "__pycache__"}

results: dict[str, list[str]] = {"passed": [], "failed": [], "skipped": []}


def check(ok: bool, what: str) -> bool:
    print(("ok   " if ok else "FAIL ") + what, flush=True)
    results["passed" if ok else "failed"].append(what)
    return ok


def skip(what: str, why: str) -> None:
    print(f"skip {what}: {why}", flush=True)
    results["skipped"].append(what)


# --- The server -----------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _server_environment(workdir: Path) -> dict[str, str]:
    """Production settings (DEBUG off: JSON 404s, no debug pages) on plain HTTP, writing only to `workdir`."""
    env = {key: value for key, value in os.environ.items() if key != "DJANGO_DEBUG"}
    env.update(
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_SECURE_SSL="0",
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        DATABASE_URL=os.environ.get("DATABASE_URL") or f"sqlite:///{workdir / 'contract.sqlite3'}",
        KNOWLEDGE_BASE_FALLBACK_FILE=str(workdir / "published-release.json"),
        CONTACT_OUTBOX_DIR=str(workdir / "outbox"),
        SHARED_DIR=str(SHARED),
    )
    return env


def _wait_until_up(base: str, server: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"the server stopped (exit {server.returncode})")
        try:
            with urllib.request.urlopen(base + "/api/v1/procedures", timeout=5) as response:  # noqa: S310
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.3)
    raise SystemExit("the server did not start")


@contextmanager
def live_server(workdir: Path) -> Iterator[str]:
    env = _server_environment(workdir)
    manage = [sys.executable, "manage.py"]
    print(f"Preparing the database ({env['DATABASE_URL'].split(':')[0]}) and the knowledge base…", flush=True)
    subprocess.run([*manage, "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True)  # noqa: S603
    subprocess.run([*manage, "load_knowledge_base"], cwd=ROOT, env=env, check=True)  # noqa: S603
    port = _free_port()
    log = (workdir / "server.log").open("w")
    server = subprocess.Popen(  # noqa: S603
        [*manage, "runserver", f"127.0.0.1:{port}", "--noreload"], cwd=ROOT, env=env, stdout=log, stderr=log
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(base, server)
        print(f"Server up at {base}", flush=True)
        yield base
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()
        lines = (workdir / "server.log").read_text().splitlines()
        print(f"The server answered POST /api/v1/assessments: {_statuses(lines, 'POST /api/v1/assessments ')}")
        if results["failed"]:
            print("--- last lines of the server's log ---\n" + "\n".join(lines[-40:]))


def _statuses(log_lines: list[str], request: str) -> str:
    """How often each status answered `request`, from runserver's access log."""
    counts = Counter(
        found.group(1) for line in log_lines if request in line and (found := re.search(r'" (\d{3}) ', line))
    )
    return ", ".join(f"{status} × {count}" for status, count in sorted(counts.items())) or "nothing"


# --- The checks -----------------------------------------------------------------------------------


def served_description_is_committed(base: str) -> None:
    with urllib.request.urlopen(base + "/api/v1/openapi.json", timeout=10) as response:  # noqa: S310
        served = json.loads(response.read())
    check(served == json.loads(SCHEMA.read_text()), "the server serves docs/openapi.json")


def client_is_generated(workdir: Path) -> None:
    """The committed client equals a fresh generation from docs/openapi.json (`make openapi` updates it)."""
    fresh = workdir / "client"
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}  # its ruff post-hooks
    command = [
        str(BIN / "openapi-python-client"),
        "generate",
        *("--path", str(SCHEMA), "--output-path", str(fresh), "--config", str(CLIENT_CONFIG)),
        *("--meta", "uv", "--fail-on-warning"),
    ]
    generated = subprocess.run(command, env=env, capture_output=True, text=True)  # noqa: S603
    if not check(generated.returncode == 0, "openapi-python-client generates a client without warnings"):
        print(generated.stdout + generated.stderr)
        return
    differences = _differences(filecmp.dircmp(CLIENT_DIR, fresh, ignore=[*NOT_THE_CLIENT]))
    check(not differences, "clients/python is the client generated from docs/openapi.json (else `make openapi`)")
    for difference in differences:
        print(f"     {difference}")


def _differences(comparison: filecmp.dircmp, prefix: str = "") -> list[str]:
    found = [f"only in clients/python: {prefix}{name}" for name in comparison.left_only]
    found += [f"only in the new generation: {prefix}{name}" for name in comparison.right_only]
    _same, changed, errors = filecmp.cmpfiles(comparison.left, comparison.right, comparison.common_files, shallow=False)
    found += [f"differs: {prefix}{name}" for name in changed + errors]
    for name, sub in comparison.subdirs.items():
        found += _differences(sub, f"{prefix}{name}/")
    return found


def schemathesis(what: str, location: str, base: str, args: argparse.Namespace, *extra: str) -> None:
    report = REPORTS / f"{what.split(':')[0].replace(' ', '-')}.xml"
    command = [
        str(BIN / "schemathesis"),
        "--no-color",
        "run",
        location,
        *("--url", base, "--checks", "all", "--max-examples", str(args.max_examples), "--seed", str(args.seed)),
        *("--workers", "2", "--request-timeout", "20", "--report", "junit", "--report-junit-path", str(report)),
        *extra,
    ]
    print(f"$ {' '.join(command)}", flush=True)
    # Run in the reports folder, where schemathesis keeps what `st replay <id>` needs.
    run = subprocess.run(command, env={**os.environ, "SCHEMATHESIS_HOOKS": str(HOOKS)}, cwd=REPORTS)  # noqa: S603
    check(run.returncode == 0, f"schemathesis, {what}")


def load_client(base: str):
    sys.path.insert(0, str(CLIENT_DIR))
    import symptomcheck_client

    return symptomcheck_client.Client(base_url=base, raise_on_unexpected_status=True, timeout=20)


def narrowed_description(client, workdir: Path) -> Path:
    """docs/openapi.json with each slug field (marked x-slugs-listed-by) given the live slugs as its enum."""
    from symptomcheck_client.api.knowledge_base import list_procedures, list_symptoms

    procedures, symptoms = list_procedures.sync(client=client), list_symptoms.sync(client=client)
    slugs = {
        "GET /api/v1/procedures: procedures[].slug": [p.slug for p in procedures.procedures],
        "GET /api/v1/symptoms: symptoms[].slug": [s.slug for s in symptoms.symptoms],
        "GET /api/v1/symptoms: areas[].slug": [a.slug for a in symptoms.areas],
        "GET /api/v1/symptoms: risk_factors[].slug": [r.slug for r in symptoms.risk_factors],
    }
    document = copy.deepcopy(json.loads(SCHEMA.read_text()))

    def narrow(node):
        if isinstance(node, dict):
            listed_by = node.get("x-slugs-listed-by")
            if listed_by is not None:
                target = node["items"] if node.get("type") == "array" else node
                target["enum"] = slugs[listed_by]
            for value in node.values():
                narrow(value)
        elif isinstance(node, list):
            for value in node:
                narrow(value)

    narrow(document["components"]["schemas"]["AssessmentRequest"])
    path = workdir / "openapi-live-slugs.json"
    path.write_text(json.dumps(document))
    return path


def _shared_runner():
    spec = importlib.util.spec_from_file_location("run_vignettes", SHARED_RUNNER)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def vignettes_through_the_client(client, base: str) -> None:
    if not (VIGNETTES.exists() and SHARED_RUNNER.exists()):
        skip("the public vignettes through the generated client", f"{SHARED} is not beside the repository")
        return
    from symptomcheck_client.api.assessments import create_assessment
    from symptomcheck_client.models import Assessment, AssessmentRequest

    runner = _shared_runner()
    vignettes = json.loads(VIGNETTES.read_text())
    different = []
    for vignette in vignettes:
        answer = create_assessment.sync(client=client, body=AssessmentRequest.from_dict(vignette["input"]))
        status, expected = runner.assess(base, vignette["input"], 20)
        if not isinstance(answer, Assessment) or status != 200 or answer.to_dict() != expected:
            different.append(vignette["id"])
    check(
        not different,
        f"{len(vignettes)} public vignettes: the generated client gets the shared runner's answers"
        + (f" (not for {', '.join(different)})" if different else ""),
    )
    scored = subprocess.run(  # noqa: S603
        [sys.executable, str(SHARED_RUNNER), "--url", base, "--file", str(VIGNETTES)], capture_output=True, text=True
    )
    print(f"     {scored.stdout.strip().splitlines()[-1] if scored.stdout.strip() else scored.stderr}")
    check(scored.returncode == 0, "the shared runner scores the public vignettes without an error")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max-examples", type=int, default=150, help="schemathesis examples per operation")
    parser.add_argument("--seed", type=int, default=16, help="schemathesis's random seed (fixed: CI repeats)")
    args = parser.parse_args()
    started = time.monotonic()
    REPORTS.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="symptomcheck-contract-") as temporary:
        workdir = Path(temporary)
        with live_server(workdir) as base:
            served_description_is_committed(base)
            client_is_generated(workdir)
            client = load_client(base)
            schemathesis(
                "the description as served",
                base + "/api/v1/openapi.json",
                base,
                args,
                # Its slugs are any string: only the knowledge base knows which exist (step 4 covers it).
                "--exclude-checks",
                "positive_data_acceptance",
            )
            schemathesis("the description with the live slugs", str(narrowed_description(client, workdir)), base, args)
            vignettes_through_the_client(client, base)
    print(f"contract checks took {time.monotonic() - started:.0f} s")
    print(f"{len(results['passed'])} passed, {len(results['failed'])} failed, {len(results['skipped'])} skipped")
    return 1 if results["failed"] else 0


if __name__ == "__main__":
    sys.exit(main())
