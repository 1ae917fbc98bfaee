"""The patient's or staff member's own address, behind however many reverse proxies we run.

Used by the admin lockout (django-axes, AXES_CLIENT_IP_CALLABLE) and by the contact-request rate
limit, so both see the same address. django-ipware reads X-Forwarded-For; only the entries our
own proxies appended are trusted (TRUSTED_PROXY_COUNT), checked strictly: a chain longer than our
proxies explain (a header the client forged, or its own proxy's) is not believed, and the request
counts under the address of our nearest proxy. A client can never pick its address.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from ipware.ip import get_client_ip

_HEADERS = ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR")


def client_ip(request: HttpRequest) -> str:
    peer = request.META.get("REMOTE_ADDR", "")
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies <= 0:
        return peer  # nothing in front of us: any forwarding header is the client's own invention
    # ipware counts the proxies listed in X-Forwarded-For; the nearest one is the peer itself.
    address, _ = get_client_ip(
        request, proxy_order="right-most", proxy_count=proxies - 1, strict=True, request_header_order=_HEADERS
    )
    return address or peer


def ratelimit_ip(group: str, request: HttpRequest) -> str:
    """django-ratelimit's key: the client's address."""
    return client_ip(request)
