"""Error answers that keep the API's promise: under /api/ every error is JSON in the contract's
`{"errors": {field: [messages]}}` shape, never an HTML page. Patient pages keep Django's pages
(and, for a server error or an outage, the emergency page of procedures/outage.py)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views import defaults
from django.views.csrf import csrf_failure as html_csrf_failure

from .outage import API_PREFIX


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith(API_PREFIX)


def _api_error(status: int, field: str, message: str) -> JsonResponse:
    return JsonResponse({"errors": {field: [message]}}, status=status)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """handler400: a request Django refuses before any view answers (a Host that is not allowed,
    a header or body it finds suspicious)."""
    if _is_api(request):
        return _api_error(400, "request", "This request cannot be accepted.")
    return defaults.bad_request(request, exception)


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    """handler403."""
    if _is_api(request):
        return _api_error(403, "permission", "This request is not allowed.")
    return defaults.permission_denied(request, exception)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """handler404."""
    if _is_api(request):
        return _api_error(404, "path", "There is no such API endpoint.")
    return defaults.page_not_found(request, exception)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """settings.CSRF_FAILURE_VIEW."""
    if _is_api(request):
        return _api_error(403, "csrf", "This request needs a valid CSRF token.")
    return html_csrf_failure(request, reason=reason)
