"""Encryption of what the app keeps outside its database: session cookies and the contact outbox.

Fernet (PyCA `cryptography`: AES-128-CBC with an HMAC-SHA256 and a timestamp) under keys derived
from SECRET_KEY, one per purpose, so a session cookie can never be replayed as an outbox entry.
SECRET_KEY_FALLBACKS still decrypt while a key is rotated.
"""

from __future__ import annotations

import base64
import hashlib
from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings

__all__ = ["InvalidToken", "decrypt", "encrypt"]


def _fernet_for(purpose: str, secret: str) -> Fernet:
    digest = hashlib.sha256(f"symptomcheck.{purpose}.v1".encode() + b"\0" + secret.encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


@cache
def _keys(purpose: str, secret: str, fallbacks: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([_fernet_for(purpose, secret), *(_fernet_for(purpose, old) for old in fallbacks)])


def _box(purpose: str) -> MultiFernet:
    return _keys(purpose, settings.SECRET_KEY, tuple(getattr(settings, "SECRET_KEY_FALLBACKS", ())))


def encrypt(purpose: str, data: bytes) -> bytes:
    return _box(purpose).encrypt(data)


def decrypt(purpose: str, token: bytes, ttl: int | None = None) -> bytes:
    """The plain data; raises InvalidToken when altered, too old, or under an unknown key."""
    return _box(purpose).decrypt(token, ttl=ttl)
