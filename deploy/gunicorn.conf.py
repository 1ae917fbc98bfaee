"""Gunicorn for symptomcheck: threaded workers behind nginx (deploy/nginx.conf).

gthread: each worker process serves several requests at once on threads. Requests here are short
and mostly wait on PostgreSQL, so threads keep a slow database call from holding a whole process;
slow *clients* never reach gunicorn, because nginx reads each request whole before passing it on.
Plain sync workers were starved by 40 slow-header connections; async workers would need every
library to cooperate with an event loop, for no gain at this load.
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8001")
worker_class = "gthread"
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("GUNICORN_THREADS", 4))
timeout = 30  # a worker silent this long is restarted
graceful_timeout = 20
keepalive = 5
# The app is imported once, in the master, and each worker is forked from it: a worker that is
# recycled or killed is back in milliseconds instead of re-importing Django for a second. Nothing
# opens a database connection at import, so no connection is shared across the fork; each worker
# builds its own snapshot and starts its own release watcher (post_worker_init, below).
preload_app = True
# Recycle workers now and then, so a slow leak never grows without bound. Not too often: a
# recycled worker starts with empty memos (procedures/snapshot_memo.py).
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", 10000))  # 0: never (the benchmark's steady state)
max_requests_jitter = max_requests // 10
# Access log without query strings or bodies: no health data (patient URLs carry none).
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None  # "" turns it off (the fault suite)
access_log_format = '%(h)s "%(m)s %(U)s" %(s)s %(b)s %(M)sms'
errorlog = "-"
forwarded_allow_ips = "127.0.0.1"


def post_worker_init(worker):
    """Build the knowledge-base snapshot and read the clinic before this worker takes a request, and
    start its release watcher (procedures/freshness.py): no patient waits for either."""
    from procedures.freshness import warm_up

    warm_up()
