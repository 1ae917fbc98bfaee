"""Every export in one place: who may export, what is too old to export, and the audit log.

The log row is written in the same transaction that builds the export, before it is returned:
an export that is not logged does not happen. A contact request older than the retention promise
(CONTACT_REQUEST_RETENTION_DAYS) is not exported even if the daily purge has not run yet.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from checkins.models import Checkin
from procedures.models import ContactRequest
from procedures.selectors import published_knowledge_base

from . import fhir
from .models import AdverseEventReport, ExportLog, TreatmentLink

EXPORT_PERMISSION = "vigilance.export_records"


class PastRetention(Exception):
    """The record is older than the retention promise: it is due for deletion, not for export."""


def may_export(user) -> bool:
    return user.is_active and user.is_staff and user.has_perm(EXPORT_PERMISSION)


def _check(user) -> None:
    if not may_export(user):
        raise PermissionDenied("Exports need the clinical reviewer's export permission.")


def _log(user, kind: str, object_id: int) -> None:
    ExportLog.objects.create(user=user, username=user.get_username(), kind=kind, object_id=object_id)


def _within_retention(created_at) -> None:
    if created_at < timezone.now() - timedelta(days=settings.CONTACT_REQUEST_RETENTION_DAYS):
        raise PastRetention


def _treatment(**lookup):
    link = TreatmentLink.objects.select_related("treatment").filter(**lookup).first()
    return link.treatment if link else None


def contact_request_bundle(user, request: ContactRequest) -> dict:
    _check(user)
    _within_retention(request.created_at)
    with transaction.atomic():
        _log(user, ExportLog.Kind.CONTACT_REQUEST_BUNDLE, request.pk)
        return fhir.contact_request_bundle(request, published_knowledge_base(), _treatment(contact_request=request))


def checkin_bundle(user, checkin: Checkin) -> dict:
    _check(user)
    if checkin.contact_request is not None:
        _within_retention(checkin.contact_request.created_at)
    with transaction.atomic():
        _log(user, ExportLog.Kind.CHECKIN_BUNDLE, checkin.pk)
        return fhir.checkin_bundle(checkin, published_knowledge_base(), _treatment(checkin=checkin))


def adverse_event(user, report: AdverseEventReport) -> dict:
    _check(user)
    with transaction.atomic():
        _log(user, ExportLog.Kind.ADVERSE_EVENT_FHIR, report.pk)
        return fhir.adverse_event(report)


def report_form(user, report: AdverseEventReport) -> AdverseEventReport:
    """The report for its printable form (logged like any export)."""
    _check(user)
    _log(user, ExportLog.Kind.ADVERSE_EVENT_FORM, report.pk)
    return report


def questionnaire(user) -> dict:
    """The published Questionnaire: no patient data, so not logged; staff only all the same."""
    if not (user.is_active and user.is_staff):
        raise PermissionDenied
    return fhir.questionnaire(published_knowledge_base())
