"""Sessions that need no database and cannot be read without the secret key.

The questionnaire keeps a patient's answers in the session. With sessions in the database, an
outage stopped the questionnaire at its first step, and expired sessions full of health answers
stayed in a table nobody purged. Here the whole session travels in the patient's cookie,
encrypted and authenticated (procedures/encryption.py: Fernet under a key derived from
SECRET_KEY), its timestamp checked against SESSION_COOKIE_AGE; SECRET_KEY_FALLBACKS still open
older cookies while a key is rotated.

Trade-off, as with Django's signed-cookie sessions: logging out clears the cookie in the browser,
but a copy taken before stays valid until it expires (SESSION_COOKIE_AGE). Changing a staff
member's password does end such sessions (Django checks the password hash kept in the session).
See docs/decisions/0002-sessions.md.
"""

from __future__ import annotations

import json
import zlib

from django.contrib.sessions.backends import signed_cookies

from .encryption import InvalidToken, decrypt, encrypt

_PURPOSE = "sessions"


class SessionStore(signed_cookies.SessionStore):
    """Django's cookie session store, with the cookie encrypted rather than only signed."""

    def load(self) -> dict:
        try:
            token = self.session_key.encode()
            data = decrypt(_PURPOSE, token, ttl=self.get_session_cookie_age())
            return json.loads(zlib.decompress(data))
        except (InvalidToken, AttributeError, ValueError, zlib.error):
            # Tampered with, expired, written under a retired key, or no cookie: a fresh session.
            self.create()
            return {}

    def _get_session_key(self) -> str:
        session = getattr(self, "_session_cache", {})
        data = zlib.compress(json.dumps(session, separators=(",", ":")).encode())
        return encrypt(_PURPOSE, data).decode()
