"""One publish at a time, across every server.

A publish reads the reviewed content, checks it and freezes it into a release. Two reviewers
publishing at once each read the content before the other's approval was committed, and the
later release silently dropped the earlier one's change. Every publish and every fixture load
therefore takes this lock first, inside its transaction, and holds it until the commit: the second
one waits, then reads everything the first committed.

PostgreSQL (production): a transaction-level advisory lock. SQLite (development): writes are
already serialized by the database file's lock, and there is one process.
"""

from __future__ import annotations

from django.db import connection, transaction

# Any fixed 64-bit number; it names this lock among the database's advisory locks.
_PUBLISH_LOCK = 0x5C_4B_50_55_42  # "SC KB PUB"


def hold_publish_lock() -> None:
    """Block until no other transaction is publishing; released when this transaction ends."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("hold_publish_lock() must be called inside transaction.atomic()")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_PUBLISH_LOCK])
