"""When the database is down, patients still get the emergency number and the clinic's phone.

The knowledge base itself survives an outage (procedures/selectors.py answers from the last
release held in memory or on disk), so the API keeps answering. Whatever still needs the database
(staff pages; the questionnaire does not, its session is an encrypted cookie) fails into this module: the API
answers 503 in the contract's JSON error shape, a patient page answers 503 with the emergency
page, and nothing answers a bare "Server Error (500)". Both pages are rendered without the
database, the session or any context processor.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader

from .clinic import current_clinic
from .selectors import KnowledgeBaseUnavailable

logger = logging.getLogger(__name__)

API_PREFIX = "/api/"


def _is_outage(exception: BaseException) -> bool:
    return isinstance(exception, DatabaseError | KnowledgeBaseUnavailable)


def emergency_page(status: int) -> HttpResponse:
    """The page that always shows what to do in an emergency: the clinic's last known facts (or
    the environment's defaults), needing no database, session or context processor."""
    clinic = current_clinic()
    context = {
        "EMERGENCY_NUMBER": clinic.emergency_number,
        "CLINIC_NAME": clinic.display_name,
        "CLINIC_PHONE": clinic.daytime_phone,
        "STATIC_URL": settings.STATIC_URL,
    }
    response = HttpResponse(loader.get_template("outage.html").render(context), status=status)
    response["Retry-After"] = "60"
    return response


def service_unavailable_json() -> JsonResponse:
    response = JsonResponse(
        {"errors": {"service": ["The service cannot reach its database right now. Please try again in a minute."]}},
        status=503,
    )
    response["Retry-After"] = "60"
    return response


class DatabaseOutageMiddleware:
    """Turns a database failure in a view into the API's 503 JSON or the emergency page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not _is_outage(exception):
            return None
        # No path or form data: the URL of a patient page is not health data, but nothing else is logged.
        logger.error("Database outage while serving a request: %s", type(exception).__name__)
        if request.path.startswith(API_PREFIX):
            return service_unavailable_json()
        return emergency_page(status=503)


def server_error(request: HttpRequest, *args, **kwargs) -> HttpResponse:
    """handler500: even an unexpected error shows the emergency number (JSON for the API)."""
    if request.path.startswith(API_PREFIX):
        return JsonResponse(
            {"errors": {"service": ["Something went wrong on our side. Please try again."]}}, status=500
        )
    return emergency_page(status=500)
