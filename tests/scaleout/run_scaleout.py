"""Scale-out, shown working: two app servers on one PostgreSQL, behind one nginx.

1. Starts two app servers (gunicorn with the production configuration, deploy/gunicorn.conf.py),
   A on :8021 and B on :8022, on the same DATABASE_URL and SECRET_KEY, and nginx on :8090 with
   both in its upstream (deploy/nginx.conf, its one `server` line made two).
2. Sends assessments through nginx and counts, from each server's own access log, how many each
   served: both must serve a fair share (at least 30% each).
3. Publishes a new release from server A's side (a content change loaded with
   `manage.py load_knowledge_base`, as a deployment of reviewed content would) and watches the
   database and both servers: each must serve the new release within 2 s of its commit.

The app servers share nothing but PostgreSQL: sessions travel in the encrypted cookie, rate-limit
counts are in a database table, and each process's release watcher reads the release itself. No
shared cache is needed (docs/operations.md, "More than one app server").

Needs DATABASE_URL (PostgreSQL), nginx and the serving requirements. `.ci/run` runs it; writes
test-artifacts/scaleout.json and exits non-zero on any failure.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

import psycopg2

ROOT = Path(__file__).resolve().parents[2]
PYTHON = str(ROOT / ".venv" / "bin" / "python")
GUNICORN = str(ROOT / ".venv" / "bin" / "gunicorn")
SERVERS = {"A": 8021, "B": 8022}
NGINX_PORT = 8090
ASSESSMENTS = 200
WITHIN_SECONDS = 2.0
FAIR_SHARE = 0.3
BODY = json.dumps({"procedure": "dermal-filler", "days_since_treatment": 1, "symptoms": ["swelling"]}).encode()
ARTIFACT = ROOT / "test-artifacts" / "scaleout.json"
failures: list[str] = []


def check(condition: bool, what: str) -> None:
    print(("ok   " if condition else "FAIL ") + what, flush=True)
    if not condition:
        failures.append(what)


def environment(work: Path) -> dict[str, str]:
    env = {
        **os.environ,
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),  # the same on both servers, as in production
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_SECURE_SSL": "0",
        "TRUSTED_PROXY_COUNT": "1",
        "KNOWLEDGE_BASE_FALLBACK_FILE": str(work / "release.json"),
        "GUNICORN_WORKERS": "2",
        "GUNICORN_THREADS": "2",
        "LOG_LEVEL": "WARNING",
    }
    env.pop("DJANGO_DEBUG", None)
    return env


def manage(env: dict[str, str], *args: str) -> None:
    subprocess.run([PYTHON, "manage.py", *args, "-v0"], cwd=ROOT, env=env, check=True)


def start_app_server(name: str, port: int, env: dict[str, str], work: Path) -> subprocess.Popen:
    log = work / f"access-{name}.log"
    server_env = {**env, "GUNICORN_BIND": f"127.0.0.1:{port}", "GUNICORN_ACCESS_LOG": str(log)}
    command = [GUNICORN, "-c", "deploy/gunicorn.conf.py", "symptomcheck.wsgi"]
    return subprocess.Popen(command, cwd=ROOT, env=server_env, start_new_session=True)


def start_nginx(work: Path) -> subprocess.Popen:
    upstream = " ".join(f"server 127.0.0.1:{port};" for port in SERVERS.values())
    conf = (ROOT / "deploy" / "nginx.conf").read_text()
    conf, replaced = re.subn(r"upstream django \{[^}]*\}", f"upstream django {{ {upstream} keepalive 16; }}", conf)
    assert replaced == 1, "deploy/nginx.conf has no upstream block to extend"
    conf = conf.replace("listen 127.0.0.1:8080;", f"listen 127.0.0.1:{NGINX_PORT};")
    (work / "tmp").mkdir(exist_ok=True)
    (work / "nginx.conf").write_text(conf)
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    return subprocess.Popen([nginx, "-p", str(work), "-c", str(work / "nginx.conf")], start_new_session=True)


def get_json(url: str) -> dict:
    with urllib.request.urlopen(url, timeout=5) as response:
        return json.loads(response.read())


def wait_until_up(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if get_json(url).get("status") == "ok":
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise SystemExit(f"{url} did not come up")


def served_assessments(work: Path, name: str) -> int:
    log = work / f"access-{name}.log"
    return log.read_text().count("POST /api/v1/assessments") if log.exists() else 0


def balanced_across_both(work: Path) -> dict[str, int]:
    request = urllib.request.Request(
        f"http://127.0.0.1:{NGINX_PORT}/api/v1/assessments", data=BODY, headers={"Content-Type": "application/json"}
    )
    before = {name: served_assessments(work, name) for name in SERVERS}
    statuses = []
    for _ in range(ASSESSMENTS):
        with urllib.request.urlopen(request, timeout=10) as response:
            statuses.append(response.status)
    time.sleep(1)  # access logs are written after the response
    served = {name: served_assessments(work, name) - before[name] for name in SERVERS}
    check(statuses.count(200) == ASSESSMENTS, f"all {ASSESSMENTS} assessments through nginx answered 200")
    check(sum(served.values()) == ASSESSMENTS, f"the two servers' logs account for every assessment: {served}")
    for name, count in served.items():
        check(count >= FAIR_SHARE * ASSESSMENTS, f"server {name} served {count} of {ASSESSMENTS} (≥ {FAIR_SHARE:.0%})")
    return served


def published_elsewhere(env: dict[str, str], work: Path) -> dict[str, float]:
    """Publish a content change from A's side; time how long each server takes to serve it."""
    fixtures = work / "fixtures"
    shutil.copytree(ROOT / "fixtures" / "knowledge_base", fixtures)
    changed = 0
    for path in (fixtures / "complications").glob("*.json"):
        text = path.read_text()
        if '"slug": "thermal-burn"' in text:
            path.write_text(text.replace('"name": "', '"name": "Scale-out test: ', 1))
            changed += 1
    assert changed == 1, "the thermal-burn fixture moved"
    old = {
        name: get_json(f"http://127.0.0.1:{port}/api/v1/symptoms")["knowledge_base_version"]
        for name, port in SERVERS.items()
    }
    committed: list[float] = []
    seen: dict[str, float] = {}

    def watch_database() -> None:
        with psycopg2.connect(os.environ["DATABASE_URL"]) as db, db.cursor() as cursor:
            db.autocommit = True
            cursor.execute("SELECT max(version) FROM procedures_knowledgebaserelease")
            start_version = cursor.fetchone()[0]
            while not committed:
                cursor.execute("SELECT max(version) FROM procedures_knowledgebaserelease")
                if cursor.fetchone()[0] != start_version:
                    committed.append(time.monotonic())
                time.sleep(0.01)

    def watch_server(name: str, port: int) -> None:
        """When the server's answers turned new for good: each request may reach any of its
        workers, so the time is that of the first new answer after the last old one."""
        deadline = time.monotonic() + 60
        turned: float | None = None
        while time.monotonic() < deadline and not (committed and time.monotonic() > committed[0] + 3):
            version = get_json(f"http://127.0.0.1:{port}/api/v1/symptoms")["knowledge_base_version"]
            if version == old[name]:
                turned = None
            elif turned is None:
                turned = time.monotonic()
            time.sleep(0.01)
        if turned is not None:
            seen[name] = turned

    watchers = [threading.Thread(target=watch_database)]
    watchers += [threading.Thread(target=watch_server, args=item) for item in SERVERS.items()]
    for watcher in watchers:
        watcher.start()
    manage({**env, "KNOWLEDGE_BASE_DIR": str(fixtures)}, "load_knowledge_base")
    for watcher in watchers:
        watcher.join(70)
    check(bool(committed), "the new release was committed")
    delays = {name: seen[name] - committed[0] for name in seen} if committed else {}
    for name in SERVERS:
        delay = delays.get(name)
        shown = "never" if delay is None else f"{delay:.2f} s"
        check(
            delay is not None and delay < WITHIN_SECONDS,
            f"every worker of server {name} served the new release {shown} after its commit",
        )
    return delays


def main() -> None:
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("set DATABASE_URL to a PostgreSQL database")
    work = Path(tempfile.mkdtemp(prefix="scaleout-"))
    env = environment(work)
    manage(env, "migrate", "--noinput")
    manage(env, "collectstatic", "--noinput")
    manage(env, "load_knowledge_base")
    processes = [start_app_server(name, port, env, work) for name, port in SERVERS.items()]
    processes.append(start_nginx(work))
    try:
        for port in (*SERVERS.values(), NGINX_PORT):
            wait_until_up(f"http://127.0.0.1:{port}/health/")
        served = balanced_across_both(work)
        delays = published_elsewhere(env, work)
        balanced_across_both(work)
    finally:
        for process in processes:
            os.killpg(process.pid, signal.SIGTERM)
        for process in processes:
            process.wait(timeout=30)
    ARTIFACT.parent.mkdir(exist_ok=True)
    ARTIFACT.write_text(json.dumps({"served": served, "release_delay_s": delays, "failures": failures}, indent=2))
    if failures:
        sys.exit(f"{len(failures)} check(s) failed")
    print("scale-out: two servers on one database, balanced, and both on the new release within 2 s")


if __name__ == "__main__":
    main()
