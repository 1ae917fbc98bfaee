"""Staff-only exports. Each view asks exports.py (permission, retention, audit log) and returns
what it built: FHIR JSON as a download, or the printable report form."""

from __future__ import annotations

import json

from django.contrib.admin.views.decorators import staff_member_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from checkins.models import Checkin
from procedures.models import ContactRequest

from . import exports, terminology, vocabulary
from .models import AdverseEventReport

FHIR_JSON = "application/fhir+json"


def _fhir(resource: dict, filename: str) -> HttpResponse:
    response = HttpResponse(json.dumps(resource, indent=2, ensure_ascii=False), content_type=FHIR_JSON)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _gone() -> HttpResponse:
    return HttpResponse("Older than the retention period: due for deletion, not for export.", status=410)


@never_cache
@require_GET
@staff_member_required
def questionnaire(request: HttpRequest) -> HttpResponse:
    """The published Questionnaire the exported answers refer to."""
    return HttpResponse(json.dumps(exports.questionnaire(request.user), indent=2), content_type=FHIR_JSON)


@never_cache
@require_GET
@staff_member_required
def contact_request_bundle(request: HttpRequest, pk: int) -> HttpResponse:
    """A contact request as a FHIR R4 Bundle."""
    contact = get_object_or_404(ContactRequest, pk=pk)
    try:
        bundle = exports.contact_request_bundle(request.user, contact)
    except exports.PastRetention:
        return _gone()
    return _fhir(bundle, f"contact-request-{pk}.fhir.json")


@never_cache
@require_GET
@staff_member_required
def checkin_bundle(request: HttpRequest, pk: int) -> HttpResponse:
    """A check-in as a FHIR R4 Bundle."""
    checkin = get_object_or_404(Checkin.objects.select_related("contact_request"), pk=pk)
    try:
        bundle = exports.checkin_bundle(request.user, checkin)
    except exports.PastRetention:
        return _gone()
    return _fhir(bundle, f"checkin-{pk}.fhir.json")


@never_cache
@require_GET
@staff_member_required
def report_fhir(request: HttpRequest, pk: int) -> HttpResponse:
    """An adverse-event report as a FHIR R4 AdverseEvent."""
    report = get_object_or_404(AdverseEventReport, pk=pk)
    return _fhir(exports.adverse_event(request.user, report), f"adverse-event-report-{pk}.fhir.json")


@never_cache
@require_GET
@staff_member_required
def report_form(request: HttpRequest, pk: int) -> HttpResponse:
    """An adverse-event report as a printable form laid out like MedWatch 3500, the Yellow Card or
    the EU device incident report (on the sections of the EU MIR form)."""
    report = exports.report_form(
        request.user, get_object_or_404(AdverseEventReport.objects.select_related("case"), pk=pk)
    )
    product_class = vocabulary.PRODUCT_CLASS[report.product_class]
    context = {
        "report": report,
        "form": vocabulary.REPORT_FORM[report.form],
        "product_class": product_class,
        "is_device": product_class.fhir_resource == vocabulary.DEVICE,
        "eu_mdr_device": product_class.eu_mdr_device,
        "imdrf_suggestion": terminology.imdrf_health_effect(report.case.complication),
    }
    return render(request, "vigilance/report_form.html", context)
