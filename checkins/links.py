"""The links in check-in messages: signed, expiring, single use, and carrying no health data.

A check-in link carries only the check-in's number, signed with the secret key and timestamped
(django.core.signing): changing one character breaks the signature. It expires twice over: the
signature is refused after CHECKIN_LINK_VALID_HOURS, and the check-in itself records when its
link stops working. It is single use because an answered (or missed) check-in refuses it.

The opt-out link carries the enrolment's number, signed under another salt, and never expires:
stopping must always work.
"""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.urls import reverse

CHECKIN_SALT = "checkins.link"
OPT_OUT_SALT = "checkins.opt-out"


class BadLink(Exception):
    """The link was altered, or is not a check-in link at all."""


class ExpiredLink(Exception):
    """The link's signature is older than it may be."""


def checkin_token(checkin_id: int) -> str:
    return signing.dumps(checkin_id, salt=CHECKIN_SALT)


def checkin_id_from(token: str) -> int:
    """The check-in a link opens. Raises ExpiredLink or BadLink."""
    max_age = settings.CHECKIN_LINK_VALID_HOURS * 3600
    try:
        value = signing.loads(token, salt=CHECKIN_SALT, max_age=max_age)
    except signing.SignatureExpired as error:
        raise ExpiredLink from error
    except signing.BadSignature as error:
        raise BadLink from error
    if not isinstance(value, int):
        raise BadLink
    return value


def opt_out_token(enrolment_id: int) -> str:
    return signing.dumps(enrolment_id, salt=OPT_OUT_SALT)


def enrolment_id_from(token: str) -> int:
    try:
        value = signing.loads(token, salt=OPT_OUT_SALT)
    except signing.BadSignature as error:
        raise BadLink from error
    if not isinstance(value, int):
        raise BadLink
    return value


def absolute(path: str) -> str:
    return f"{settings.CHECKIN_SITE_URL}{path}"


def checkin_url(checkin_id: int) -> str:
    return absolute(reverse("checkins:open", args=[checkin_token(checkin_id)]))


def opt_out_url(enrolment_id: int) -> str:
    return absolute(reverse("checkins:stop", args=[opt_out_token(enrolment_id)]))
