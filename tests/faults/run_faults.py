"""Fault injection against the production stack (deploy/serve.sh: nginx, gunicorn gthread, PostgreSQL).

1. A patient starts the questionnaire; PostgreSQL is stopped in the middle of it. The rest of the
   journey, a fresh emergency screen, the API and /health/ are checked, and a contact request is
   sent. Nothing may answer 5xx; the contact request must be parked.
2. PostgreSQL comes back; `manage.py process_outboxes` must store the parked request, once.
3. 40 connections stall in the middle of their headers; patients are still served.
4. Under load from 8 clients, one gunicorn worker is killed (SIGKILL). Only requests in flight at
   that moment may fail; everything after must succeed.

Needs DATABASE_URL and the commands that stop and start that database (DB_STOP_CMD, DB_START_CMD);
`.ci/run` provides them. Writes test-artifacts/faults.json and exits non-zero on any failure.
"""

from __future__ import annotations

import http.cookiejar
import json
import os
import re
import secrets
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BASE = "http://127.0.0.1:8080"
SERVE_DIR = ROOT / "var" / "faults-serve"
PYTHON = str(ROOT / ".venv" / "bin" / "python")
LOAD_CLIENTS = 8
ASSESSMENT = {"procedure": "dermal-filler", "days_since_treatment": 0, "symptoms": ["vision-loss"]}
failures: list[str] = []
table: dict[str, object] = {}


def check(condition: bool, what: str) -> None:
    print(("ok   " if condition else "FAIL ") + what, flush=True)
    if not condition:
        failures.append(what)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Patient:
    """A browser without JavaScript: cookies, CSRF tokens from forms, no automatic redirects."""

    def __init__(self):
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect)
        self.token = ""
        self.statuses: list[int] = []

    def request(self, method: str, path: str, data: dict | None = None, json_body: dict | None = None):
        body, headers = None, {}
        if data is not None:
            body = urllib.parse.urlencode({**data, "csrfmiddlewaretoken": self.token}, doseq=True).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        if json_body is not None:
            body, headers["Content-Type"] = json.dumps(json_body).encode(), "application/json"
        request = urllib.request.Request(BASE + path, data=body, method=method, headers=headers)
        try:
            with self.opener.open(request, timeout=15) as response:
                status, text, location = response.status, response.read().decode(), response.headers.get("Location")
        except urllib.error.HTTPError as error:
            status, text, location = error.code, error.read().decode(), error.headers.get("Location")
        self.statuses.append(status)
        if found := re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', text):
            self.token = found.group(1)
        return status, text, location

    def get(self, path):
        return self.request("GET", path)

    def post(self, path, data):
        return self.request("POST", path, data=data)


def run(command: str) -> None:
    subprocess.run(command, shell=True, check=True, timeout=60)


def manage(*args: str) -> str:
    return subprocess.run(
        [PYTHON, "manage.py", *args], cwd=ROOT, env=os.environ, check=True, capture_output=True, text=True, timeout=120
    ).stdout


def _count_fault_requests() -> str:
    code = (
        "from procedures.models import ContactRequest as C; print('COUNT', C.objects.filter(name='Fault Test').count())"
    )
    found = re.search(r"COUNT (\d+)", manage("shell", "-c", code))
    return found.group(1) if found else "?"


def wait_for_health(timeout: float = 90) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(BASE + "/health/", timeout=5) as response:
                return json.loads(response.read())
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.5)
        except urllib.error.HTTPError as error:
            return json.loads(error.read())
    raise SystemExit("the stack did not start")


def outage_journey() -> None:
    patient = Patient()
    patient.get("/check/")
    check(
        patient.post("/check/", {"none_of_these": "on"})[2] == "/check/treatment/", "screen answered before the outage"
    )
    patient.get("/check/treatment/")
    step = patient.post("/check/treatment/", {"procedure": "dermal-filler", "days_ago": "0", "area": "lips"})
    check(step[2] == "/check/symptoms/", "treatment answered before the outage")
    patient.get("/check/symptoms/")

    run(os.environ["DB_STOP_CMD"])
    before = len(patient.statuses)
    step = patient.post("/check/symptoms/", {"symptoms": ["skin-blanching", "severe-pain"]})
    if step[2] == "/check/more/":
        patient.get("/check/more/")
        step = patient.post("/check/more/", {})
    status, page, _ = patient.get("/check/result/")
    check(status == 200 and 'href="tel:' in page, "the result shows, with a number to call, during the outage")
    newcomer = Patient()
    status, page, _ = newcomer.get("/check/")
    check(status == 200 and 'href="tel:' in page, "a new patient's emergency screen renders during the outage")
    status, answer, _ = newcomer.request("POST", "/api/v1/assessments", json_body=ASSESSMENT)
    check(status == 200 and json.loads(answer)["urgency"] == "emergency", "the API answers from the snapshot")
    status, page, _ = patient.post(
        "/check/contact/",
        {"name": "Fault Test", "phone": "+1 213 555 0142", "email": "", "preferred_time": "any", "consent": "on"},
    )
    check(status == 202 and "saved" in page, "a contact request during the outage is parked, and the patient told")
    status, health, _ = newcomer.get("/health/")
    check(status == 200 and json.loads(health)["status"] == "degraded", "/health/ says degraded")
    for _ in range(50):  # and keep serving, for a while, whoever comes
        patient.get("/check/result/")
        newcomer.get("/check/")
        newcomer.get("/")
        newcomer.request("POST", "/api/v1/assessments", json_body=ASSESSMENT)
    during = patient.statuses[before:] + newcomer.statuses
    errors = sum(s >= 500 for s in during)
    table["outage: requests served"] = len(during)
    table["outage: 5xx answers"] = errors
    check(errors == 0, f"no 5xx during the outage ({errors} of {len(during)})")

    run(os.environ["DB_START_CMD"])
    time.sleep(1)
    print(manage("process_outboxes").strip(), flush=True)
    stored = _count_fault_requests()
    manage("process_outboxes")  # a second run must store nothing more
    again = _count_fault_requests()
    table["outage: contact requests sent / present after replay"] = f"1 / {stored} (after a second replay: {again})"
    check(stored == "1" and again == "1", "the parked request is stored once when the database returns")
    check(wait_for_health()["status"] == "ok", "/health/ is ok again")


def worker_killed_under_load() -> None:
    master = int((SERVE_DIR / "gunicorn.pid").read_text())
    workers = [
        int(p) for p in subprocess.run(["pgrep", "-P", str(master)], capture_output=True, text=True).stdout.split()
    ]
    results: list[tuple[float, int]] = []
    stop = time.monotonic() + 8
    killed_at: list[float] = []

    def client():
        patient = Patient()
        while time.monotonic() < stop:
            try:
                status = patient.get("/check/")[0]
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                status = 599
            results.append((time.monotonic(), status))

    threads = [threading.Thread(target=client) for _ in range(LOAD_CLIENTS)]
    for thread in threads:
        thread.start()
    time.sleep(2)
    killed_at.append(time.monotonic())
    os.kill(workers[0], signal.SIGKILL)
    for thread in threads:
        thread.join()
    failed = [(t, s) for t, s in results if s >= 500]
    late = [(t, s) for t, s in failed if t > killed_at[0] + 2]
    table["worker killed: requests under load"] = len(results)
    table["worker killed: 5xx answers (in flight at the kill)"] = len(failed)
    check(len(failed) <= LOAD_CLIENTS, f"only requests in flight failed ({len(failed)} ≤ {LOAD_CLIENTS} clients)")
    check(late == [], f"no failure after the worker was replaced ({len(late)})")


def slow_clients_do_not_starve_patients() -> None:
    """40 connections that send their headers a byte at a time (and never finish) must not keep a
    patient from being served: nginx holds them, gunicorn never sees them."""
    import socket

    stalled = []
    for _ in range(40):
        connection = socket.create_connection(("127.0.0.1", 8080), timeout=5)
        connection.sendall(b"GET /check/ HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
        stalled.append(connection)
    try:
        served, started = 0, time.monotonic()
        for _ in range(13):
            status = Patient().get("/check/")[0]
            served += status == 200
        table["slow clients: patients served beside 40 stalled connections"] = f"{served} of 13"
        table["slow clients: seconds for those 13 requests"] = round(time.monotonic() - started, 2)
        check(served == 13, f"patients are served beside 40 stalled connections ({served} of 13)")
    finally:
        for connection in stalled:
            connection.close()


def main() -> int:
    SERVE_DIR.mkdir(parents=True, exist_ok=True)
    # The server and the outbox worker below must share settings, the secret key above all: the
    # parked request is encrypted with it.
    os.environ.setdefault("DJANGO_SECRET_KEY", secrets.token_urlsafe(50))
    os.environ.update(
        {
            "SERVE_DIR": str(SERVE_DIR),
            "GUNICORN_WORKERS": "3",
            "GUNICORN_ACCESS_LOG": "",  # thousands of lines under load; the table says what happened
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DJANGO_SECURE_SSL": "0",
            "TRUSTED_PROXY_COUNT": "1",
            "CONTACT_OUTBOX_DIR": str(SERVE_DIR / "outbox"),
        }
    )
    os.environ.pop("DJANGO_DEBUG", None)
    stack = subprocess.Popen(["deploy/serve.sh"], cwd=ROOT, env=os.environ, start_new_session=True)
    try:
        check(wait_for_health()["status"] == "ok", "the stack starts and reports ok")
        outage_journey()
        slow_clients_do_not_starve_patients()
        worker_killed_under_load()
    finally:
        os.killpg(stack.pid, signal.SIGTERM)
        stack.wait(timeout=30)
    artifacts = ROOT / "test-artifacts"
    artifacts.mkdir(exist_ok=True)
    (artifacts / "faults.json").write_text(json.dumps({"table": table, "failures": failures}, indent=2))
    for name, value in table.items():
        print(f"{name:<60} {value}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
