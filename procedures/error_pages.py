"""Error answers that keep the API's promise: under /api/ every error is JSON in the contract's
`{"errors": {field: [messages]}}` shape, never an HTML page. Patient pages keep Django's pages
(and, for a server error or an outage, the emergency page of procedures/outage.py)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views import defaults
from django.views.csrf import csrf_failure as html_csrf_failure

from .outage import API_PREFIX


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """handler404."""
    if request.path.startswith(API_PREFIX):
        return JsonResponse({"errors": {"path": ["There is no such API endpoint."]}}, status=404)
    return defaults.page_not_found(request, exception)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """settings.CSRF_FAILURE_VIEW."""
    if request.path.startswith(API_PREFIX):
        return JsonResponse({"errors": {"csrf": ["This request needs a valid CSRF token."]}}, status=403)
    return html_csrf_failure(request, reason=reason)
