"""`/health/`: whether this server can do its job, for the load balancer and the on-call engineer.

- "ok": the database answers and a knowledge base is loaded.
- "degraded": the database does not answer, but patients are still served from the last release
  (memory or disk) and contact requests go to the local outbox. HTTP 200: keep sending traffic,
  the safety path works; a log line says why.
- "down": no knowledge base anywhere. HTTP 503.

It never reveals anything about patients; the parked-request count tells the engineer how much
is waiting to be replayed.
"""

from __future__ import annotations

import logging

from django.db import DatabaseError, connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .outbox import parked_count
from .selectors import KnowledgeBaseUnavailable, published_knowledge_base

logger = logging.getLogger(__name__)


def _database_answers() -> str | None:
    """None when the database answers; else why not."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError as error:
        return f"database unreachable ({type(error).__name__})"
    return None


@never_cache
@require_GET
def health(request: HttpRequest) -> JsonResponse:
    reasons = []
    if problem := _database_answers():
        reasons.append(problem)
    try:
        version = published_knowledge_base().version
    except KnowledgeBaseUnavailable:
        logger.error("Health down: no knowledge base in the database, in memory or on disk")
        return JsonResponse({"status": "down", "reasons": [*reasons, "no knowledge base"]}, status=503)
    parked = parked_count()
    if parked:
        reasons.append(f"{parked} contact request(s) waiting in the local outbox")
    if reasons:
        logger.warning("Health degraded: %s", "; ".join(reasons))
    status = "degraded" if reasons else "ok"
    return JsonResponse({"status": status, "knowledge_base": version, "reasons": reasons})
