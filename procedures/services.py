"""Writes: publishing the knowledge base."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.db import transaction
from django.db.models import Max

from .models import KnowledgeBaseRelease
from .selectors import knowledge_base_data


def content_hash(data: Any) -> str:
    """A stable fingerprint of JSON-able data (key order does not matter)."""
    encoded = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(encoded.encode("utf-8")).hexdigest()


@transaction.atomic
def publish_knowledge_base(*, user=None, note: str = "", data: dict | None = None) -> KnowledgeBaseRelease:
    """Freeze the knowledge base into a new release that patients are assessed on from now on.

    Every process notices the new version at its next assessment (see selectors). The version
    number is taken under a row lock so two simultaneous publishes cannot collide.
    """
    if data is None:
        data = knowledge_base_data()
    KnowledgeBaseRelease.objects.select_for_update().order_by("-version").first()
    version = (KnowledgeBaseRelease.objects.aggregate(v=Max("version"))["v"] or 0) + 1
    return KnowledgeBaseRelease.objects.create(
        version=version, published_by=user, note=note[:300], content_hash=content_hash(data), data=data
    )
