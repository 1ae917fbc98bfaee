"""Questionnaire pages rendered once and shown again, with a fresh CSRF token each time.

A questionnaire page is a function of a few things only: the published release, the patient's
session (their answers travel in it: procedures/sessions.py), their language and the clinic's
facts, and for the result also the minute (it says when it was checked, and whether the clinic
is open). Patients
go back, forward and refresh, and many give the same answers, so `memoised_page` keeps the HTML
of a GET page in a per-release, least-recently-used memo (PAGE_HTML_MEMO_SIZE pages per process)
under exactly those keys, and serves it again without running the view.

The one part of a page that must differ on every response is the CSRF token (Django masks it
anew each time, against BREACH). The stored HTML holds a placeholder where the token was, and each
response gets its own token from `get_token()`, which also sets the CSRF cookie as usual.

Not memoised: anything but a plain 200 HTML answer to a GET (redirects, errors), and a page shown
while the session holds something to show once (a refused contact form's typed values).
"""

from __future__ import annotations

import json
import re
import secrets
from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.utils import timezone, translation

from .questionnaire import PENDING_KEY
from .selectors import published_knowledge_base
from .snapshot_memo import SnapshotStore, same_clinic

# Where the CSRF token goes back in: unguessable, so no page content can contain it by chance.
_TOKEN_HOLE = f"csrf{secrets.token_hex(16)}"
_TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([A-Za-z0-9]+)"')
_SHOWN_ONCE = frozenset({PENDING_KEY})

_pages = SnapshotStore("PAGE_HTML_MEMO_SIZE")


def _page_key(request: HttpRequest, view_name: str, by_the_minute: bool) -> tuple | None:
    """Everything the page depends on besides the release (None: do not memoise this one)."""
    session = dict(request.session.items())
    if _SHOWN_ONCE & session.keys():
        return None
    return (
        view_name,
        request.get_full_path(),
        translation.get_language(),
        same_clinic(),
        timezone.localtime().strftime("%Y-%m-%d %H:%M") if by_the_minute else None,
        json.dumps(session, sort_keys=True, default=str),
    )


def memoised_page(
    view: Callable[..., HttpResponse] | None = None, *, by_the_minute: bool = False
) -> Callable[..., HttpResponse]:
    """Serve a GET questionnaire page from the memo when the same page was rendered before.

    `by_the_minute`: the page also says what time it is, or depends on it (the result: "checked
    on", and whether the clinic is open), so it is kept for the minute it was rendered in."""
    if view is None:
        return lambda view: memoised_page(view, by_the_minute=by_the_minute)

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.method != "GET" or settings.PAGE_HTML_MEMO_SIZE <= 0:
            return view(request, *args, **kwargs)
        key = _page_key(request, view.__name__, by_the_minute)
        kb = published_knowledge_base()
        if key is not None and (html := _pages.get(kb, key)) is not None:
            return HttpResponse(html.replace(_TOKEN_HOLE, get_token(request)))
        response = view(request, *args, **kwargs)
        if key is not None and _reusable(response):
            _pages.put(kb, key, _with_token_hole(response.content.decode()))
        return response

    return wrapped


def _reusable(response: HttpResponse) -> bool:
    return (
        response.status_code == 200
        and response.get("Content-Type", "").startswith("text/html")
        and not getattr(response, "streaming", False)
    )


def _with_token_hole(html: str) -> str:
    """The page with its CSRF token (one value, however many forms) replaced by the placeholder."""
    found = _TOKEN.search(html)
    return html if found is None else html.replace(found.group(1), _TOKEN_HOLE)
