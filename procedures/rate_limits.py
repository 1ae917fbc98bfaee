"""How often one address, or one phone number, may ask the clinic to call back.

Counted in Django's cache, in a database-backed cache table shared by every worker and server
(`ratelimit` in CACHES), in fixed windows. Keys are keyed hashes (HMAC with SECRET_KEY), so the
cache holds no address or phone number. If the count cannot be read (the database is down), the
request is not limited: it is parked in the outbox (procedures/outbox.py), and losing a patient's
request would be worse than letting a few extra through.

The thresholds are the clinic's defence against floods, not a judgement about patients: see
docs/operations.md for why these numbers.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import caches
from django.db import DatabaseError

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Limit:
    name: str
    count: int
    per_seconds: int


def contact_limits() -> tuple[Limit, Limit]:
    """Per address, then per phone number (settings, so a clinic behind one shared address can
    raise the first)."""
    return (
        Limit("contact-per-address", settings.CONTACT_LIMIT_PER_ADDRESS_PER_HOUR, 3600),
        Limit("contact-per-phone", settings.CONTACT_LIMIT_PER_PHONE_PER_HOUR, 3600),
    )


def _bucket(limit: Limit, key: str) -> str:
    digest = hmac.new(settings.SECRET_KEY.encode(), f"{limit.name}:{key}".encode(), hashlib.sha256).hexdigest()
    return f"{limit.name}:{digest[:32]}:{int(time.time() // limit.per_seconds)}"


def over_limit(limit: Limit, key: str) -> bool:
    """Count one more for `key`; True when that makes more than the limit in this window."""
    if not key:
        return False
    cache = caches[settings.RATE_LIMIT_CACHE]
    bucket = _bucket(limit, key)
    try:
        cache.add(bucket, 0, timeout=limit.per_seconds)
        count = cache.incr(bucket)
    except (DatabaseError, ValueError):  # unreadable, or the window just expired between the two calls
        logger.warning("Rate limit %s could not be counted; the request is let through", limit.name)
        return False
    return count > limit.count


def phone_key(phone: str) -> str:
    """A phone number, as its digits: "+1 (213) 555-0199" and "12135550199" are one number."""
    return "".join(ch for ch in phone if ch.isdigit())
