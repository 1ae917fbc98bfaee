"""Writes: linking requests and check-ins to treatment records, recording and confirming cases,
and prefilling adverse-event reports. Admin actions and forms call these, never the models."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from checkins.models import Checkin
from procedures.models import ContactRequest
from procedures.selectors import published_knowledge_base

from . import clusters, vocabulary
from .models import AdverseEventReport, ClusterAlert, ComplicationCase, TreatmentLink, TreatmentRecord


def link_contact_request(treatment: TreatmentRecord, request: ContactRequest, user=None) -> TreatmentLink:
    """Tie a contact request to its treatment; the complication the patient was told is most likely
    becomes a reported case (counted for clusters at urgent or above)."""
    with transaction.atomic():
        link, _ = TreatmentLink.objects.update_or_create(
            contact_request=request, defaults={"treatment": treatment, "linked_by": user}
        )
        case = _reported_case(treatment, request)
    if case is not None:
        clusters.check_case(case)
    return link


def link_checkin(treatment: TreatmentRecord, checkin: Checkin, user=None) -> TreatmentLink:
    """Tie a check-in to its treatment, and the line it put in the queue, if any."""
    link, _ = TreatmentLink.objects.update_or_create(
        checkin=checkin, defaults={"treatment": treatment, "linked_by": user}
    )
    if checkin.contact_request_id:
        link_contact_request(treatment, checkin.contact_request, user)
    return link


def _reported_case(treatment: TreatmentRecord, request: ContactRequest) -> ComplicationCase | None:
    ranked = (request.result or {}).get("complications") or []
    if not ranked or ComplicationCase.objects.filter(contact_request=request).exists():
        return None
    return ComplicationCase.objects.create(
        treatment=treatment,
        complication=ranked[0]["slug"],
        basis=ComplicationCase.Basis.REPORTED,
        urgency=request.urgency,
        noticed_on=timezone.localdate(request.created_at),
        contact_request=request,
    )


def record_case(case: ComplicationCase) -> ClusterAlert | None:
    """A case staff entered or changed in the admin: saved, then counted for clusters."""
    case.save()
    return clusters.check_case(case)


def confirm_case(case: ComplicationCase, user) -> ClusterAlert | None:
    """A clinician confirms the complication: it counts for clusters whatever its level."""
    case.basis = ComplicationCase.Basis.CONFIRMED
    case.ruled_out = False
    case.confirmed_by = user
    case.confirmed_at = timezone.now()
    return record_case(case)


def acknowledge_alert(alert: ClusterAlert, user) -> bool:
    if alert.status != ClusterAlert.Status.OPEN:
        return False
    alert.status = ClusterAlert.Status.ACKNOWLEDGED
    alert.acknowledged_by = user
    alert.acknowledged_at = timezone.now()
    alert.save(update_fields=["status", "acknowledged_by", "acknowledged_at"])
    return True


def prefill_report(case: ComplicationCase, user, form: str = "medwatch_3500") -> AdverseEventReport:
    """A draft report from a confirmed case: product and lot, the event in words, dates, a
    suggested seriousness and the reporter. Staff check it, complete it and submit it themselves."""
    if case.basis != ComplicationCase.Basis.CONFIRMED or case.ruled_out:
        raise ValueError("Only a complication confirmed by a clinician is reported.")
    treatment = case.treatment
    kb = published_knowledge_base()
    complication = kb.complications.get(case.complication)
    procedure = kb.procedures.get(treatment.procedure)
    days_after = (case.noticed_on - timezone.localdate(treatment.performed_at)).days
    product_class = vocabulary.PRODUCT_CLASS[treatment.product_class]
    narrative = (
        f"{procedure.name.get('en') if procedure else treatment.procedure} on "
        f"{treatment.performed_at:%Y-%m-%d} with {treatment.product_name} ({product_class.label}, lot "
        f"{treatment.lot_number}{'' if treatment.licensed else ', not licensed'}). "
        f"{complication.name.get('en') if complication else case.complication} noticed on {case.noticed_on:%Y-%m-%d}, "
        f"{days_after} days after treatment; confirmed by a clinician."
    )
    if case.note:
        narrative += f" Clinical note: {case.note}"
    return AdverseEventReport.objects.create(
        case=case,
        form=form,
        product_name=treatment.product_name,
        manufacturer=treatment.manufacturer,
        product_class=treatment.product_class,
        licensed=treatment.licensed,
        lot_number=treatment.lot_number,
        procedure=str(procedure.name.get("en")) if procedure else treatment.procedure,
        treated_on=timezone.localdate(treatment.performed_at),
        event_text=complication.name.get("en") if complication else case.complication,
        onset_on=case.noticed_on,
        # A suggestion for staff to check: an emergency-level complication is usually "serious".
        serious=case.urgency == "emergency",
        narrative=narrative,
        reporter_name=(user.get_full_name() or user.get_username()) if user else "",
        reporter_role=", ".join(user.groups.values_list("name", flat=True)) if user else "",
        reporter_email=getattr(user, "email", "") or "",
        created_by=user,
    )


def mark_submitted(report: AdverseEventReport, reference: str = "") -> None:
    """Staff say they submitted it to the regulator (the app never does)."""
    report.status = AdverseEventReport.Status.SUBMITTED
    report.submitted_at = timezone.now()
    report.submission_reference = reference or report.submission_reference
    report.save(update_fields=["status", "submitted_at", "submission_reference"])
