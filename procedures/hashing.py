"""Content fingerprints: the release hash and the loader's per-row fingerprint both use this."""

from __future__ import annotations

import hashlib
import json
from typing import Any


def content_hash(data: Any) -> str:
    """A stable fingerprint of JSON-able data (key order does not matter)."""
    encoded = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(encoded.encode("utf-8")).hexdigest()
