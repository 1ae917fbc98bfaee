"""Keeping this process's copy of the published release, and of the clinic's facts, fresh without
a query per request.

One daemon thread per process (the *watcher*) asks the database for the newest release version
once every KNOWLEDGE_BASE_WATCH_SECONDS (1 s by default), builds a new snapshot when it changed,
and re-reads the clinic's settings every CLINIC_SETTINGS_TTL seconds. So:

- a patient's request makes no query to know whether its snapshot is current, and never waits
  for a snapshot to be built (the first one is built when a worker starts: `warm_up()`, called
  from gunicorn's post_worker_init hook);
- a release made by any process on any server reaches every worker within the interval plus
  the build (about 1.05 s at today's size, 1.3 s at 20 times it);
- while the database is down, requests go on from memory and the watcher logs the outage once,
  and its end once.

Why polling rather than PostgreSQL LISTEN/NOTIFY: a notification is lost while a listener is
reconnecting (after an outage or a failover), so a listener must poll anyway to be safe; LISTEN
needs one more dedicated connection per process; and SQLite, the development default, has no
NOTIFY. One indexed one-row query per second per process costs the database nothing that
matters, and the bound (2 s) holds whatever happened to the connection in between.
See docs/decisions/0003-freshness.md.

With KNOWLEDGE_BASE_WATCH_SECONDS = 0 (the tests, one-off commands) there is no thread and each
read checks the database itself, as a short-lived process should.
"""

from __future__ import annotations

import logging
import os
import threading
import time

from django.conf import settings
from django.db import DatabaseError, close_old_connections

logger = logging.getLogger(__name__)

_lock = threading.Lock()
_watcher: tuple[int, threading.Thread, threading.Event] | None = None  # (pid, thread, stop)


def interval() -> float:
    return float(getattr(settings, "KNOWLEDGE_BASE_WATCH_SECONDS", 0) or 0)


def watching() -> bool:
    """Whether this process's watcher is running (so reads can trust what is in memory)."""
    watcher = _watcher
    return watcher is not None and watcher[0] == os.getpid() and watcher[1].is_alive()


def start_watching() -> None:
    """Start this process's watcher if it should run and is not running (a forked worker starts
    its own: threads do not survive a fork)."""
    global _watcher
    period = interval()
    if period <= 0 or watching():
        return
    with _lock:
        if watching():
            return
        stop = threading.Event()
        thread = threading.Thread(target=_watch, args=(stop, period), name="release-watcher", daemon=True)
        _watcher = (os.getpid(), thread, stop)
        thread.start()


def stop_watching(timeout: float = 5.0) -> None:
    """Stop the watcher (tests; a clean shutdown needs nothing, the thread is a daemon)."""
    global _watcher
    with _lock:
        watcher, _watcher = _watcher, None
    if watcher is not None and watcher[0] == os.getpid():
        watcher[2].set()
        watcher[1].join(timeout)


def check_now() -> None:
    """One round of the watcher's work: the newest release, and the clinic's facts when due.
    Raises DatabaseError when the database does not answer."""
    from .clinic import refresh_clinic_if_older_than
    from .selectors import refresh_published_snapshot

    refresh_published_snapshot()
    refresh_clinic_if_older_than(settings.CLINIC_SETTINGS_TTL)


def _watch(stop: threading.Event, period: float) -> None:
    unreachable_since: float | None = None
    while not stop.wait(period):
        try:
            check_now()
        except DatabaseError as error:
            if unreachable_since is None:
                unreachable_since = time.monotonic()
                logger.warning("Release watcher: database unreachable (%s); serving from memory", type(error).__name__)
        except Exception:  # never let the watcher die: patients would be served an old release for ever
            logger.exception("Release watcher: unexpected error; trying again in %s s", period)
        else:
            if unreachable_since is not None:
                logger.warning(
                    "Release watcher: database reachable again after %.0f s", time.monotonic() - unreachable_since
                )
                unreachable_since = None
        finally:
            close_old_connections()  # the watcher's own connection follows CONN_MAX_AGE like a request's


def warm_up() -> None:
    """Build this process's snapshot and read the clinic before the first patient arrives, and
    start the watcher (gunicorn's post_worker_init hook calls this)."""
    from .clinic import current_clinic
    from .selectors import published_knowledge_base

    published_knowledge_base()
    current_clinic()
    close_old_connections()


def _forget_watcher_after_fork() -> None:
    global _watcher, _lock
    _watcher = None
    _lock = threading.Lock()


os.register_at_fork(after_in_child=_forget_watcher_after_fork)
