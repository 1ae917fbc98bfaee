"""Putting values into a test client's session.

Sessions live in an encrypted cookie (procedures/sessions.py): saving a session makes a new
cookie value, which the client must be given, unlike with sessions kept in the database.
"""

from django.conf import settings


def store_in_session(client, **values) -> None:
    session = client.session
    session.update(values)
    session.save()
    client.cookies[settings.SESSION_COOKIE_NAME] = session.session_key
