#!/usr/bin/env bash
# The production stack on this machine: PostgreSQL (DATABASE_URL, already running), gunicorn with
# threaded workers (deploy/gunicorn.conf.py) and nginx in front (deploy/nginx.conf), on
# http://127.0.0.1:8080. `make serve-prod` runs it; the fault-injection suite starts it too.
# Plain HTTP here: on a server, nginx terminates TLS and DJANGO_SECURE_SSL stays on.
set -euo pipefail
cd "$(dirname "$0")/.."
: "${DATABASE_URL:?set DATABASE_URL to a PostgreSQL database}"
export DJANGO_SECRET_KEY="${DJANGO_SECRET_KEY:-$(python3 -c 'import secrets; print(secrets.token_urlsafe(50))')}"
export DJANGO_ALLOWED_HOSTS="${DJANGO_ALLOWED_HOSTS:-127.0.0.1,localhost}"
export DJANGO_SECURE_SSL="${DJANGO_SECURE_SSL:-0}"
export TRUSTED_PROXY_COUNT=1   # nginx
SERVE_DIR="${SERVE_DIR:-$PWD/var/serve}"
mkdir -p "$SERVE_DIR/tmp"
BIN="${VENV:-.venv}/bin"

"$BIN/python" manage.py migrate --noinput -v0
"$BIN/python" manage.py collectstatic --noinput -v0
"$BIN/python" manage.py load_knowledge_base

"$BIN/gunicorn" -c deploy/gunicorn.conf.py --pid "$SERVE_DIR/gunicorn.pid" symptomcheck.wsgi &
gunicorn_pid=$!
nginx -p "$SERVE_DIR" -c "$PWD/deploy/nginx.conf" &
nginx_pid=$!
trap 'kill -TERM $nginx_pid $gunicorn_pid 2>/dev/null; wait' EXIT INT TERM
echo "Serving on http://127.0.0.1:8080 (gunicorn pid $gunicorn_pid, nginx pid $nginx_pid)"
wait -n
