"""Writes: linking requests and check-ins to treatment records, recording what a patient says was
used, checking it, recording and confirming cases, and prefilling adverse-event reports. Admin
actions, forms and the patient views call these, never the models."""

from __future__ import annotations

import logging
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from checkins.models import Checkin
from procedures.models import ContactRequest
from procedures.selectors import published_knowledge_base

from . import clusters, vocabulary
from .forms import ReportedProduct
from .models import AdverseEventReport, ClusterAlert, ComplicationCase, TreatmentLink, TreatmentRecord

logger = logging.getLogger(__name__)


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


def _patient_record(reported: ReportedProduct, *, procedure: str, treated_on: date, area: str) -> TreatmentRecord:
    kind = vocabulary.PATIENT_KIND.get(reported.kind)
    return TreatmentRecord.objects.create(
        source=TreatmentRecord.Source.PATIENT,
        procedure=procedure,
        # The day is what the patient said; the hour is not known (noon keeps the day in any zone).
        performed_at=timezone.make_aware(datetime.combine(treated_on, time(12))),
        area=area or "",
        product_name=reported.name,
        product_class=kind.product_class if kind else vocabulary.UNKNOWN_CLASS,
        licensed=vocabulary.LICENCE_ANSWERS.get(reported.licence),
        lot_number=reported.lot,
        site=reported.place,
    )


def record_reported_product_for_request(request: ContactRequest, reported: ReportedProduct) -> TreatmentRecord | None:
    """A patient named their product when asking to be contacted: kept as the patient's report
    (unchecked) and linked to the request. It changes nothing the patient was told."""
    if not reported:
        return None
    treatment = (request.answers or {}).get("treatment") or {}
    days = int(treatment.get("days") or 0)
    with transaction.atomic():
        record = _patient_record(
            reported,
            procedure=treatment.get("procedure") or "",
            treated_on=timezone.localdate(request.created_at) - timedelta(days=days),
            area=treatment.get("area") or "",
        )
        link_contact_request(record, request)
    return record


def record_reported_product_safely(owner: ContactRequest | Checkin, reported: ReportedProduct) -> None:
    """What a patient named, for a contact request or a check-in. The product is optional and the
    patient's request or answer is what matters, so a failure here is logged (by number only,
    never what was typed) and never stops the patient."""
    record = record_reported_product_for_checkin if isinstance(owner, Checkin) else record_reported_product_for_request
    try:
        record(owner, reported)
    except Exception:
        logger.exception("Could not record the product named with %s #%s", owner._meta.verbose_name, owner.pk)


def product_known_for_enrolment(enrolment_id: int) -> bool:
    """Whether a treatment record (the clinic's or the patient's) is linked to any check-in of this
    enrolment: then the check-in does not ask what was used again. One query."""
    return TreatmentLink.objects.filter(checkin__enrolment_id=enrolment_id).exists()


def record_reported_product_for_checkin(checkin: Checkin, reported: ReportedProduct) -> TreatmentRecord | None:
    """A patient named their product at a check-in: kept as the patient's report (unchecked) and
    linked to the check-in, unless a record is already linked to it (staff's is never replaced)."""
    if not reported:
        return None
    with transaction.atomic():
        if TreatmentLink.objects.filter(checkin=checkin).exists():
            return None
        enrolment = checkin.enrolment
        record = _patient_record(reported, procedure=enrolment.procedure, treated_on=enrolment.treated_on, area="")
        TreatmentLink.objects.create(treatment=record, checkin=checkin)
    return record


def link_checkin_queue_line(checkin: Checkin) -> None:
    """A check-in that just put a line in the queue: the treatment linked to it, or to an earlier
    check-in of the same enrolment (the product is asked once), is linked to that line too (its
    case is recorded, as when staff link a check-in)."""
    if not checkin.contact_request_id:
        return
    links = TreatmentLink.objects.select_related("treatment").filter(checkin__enrolment_id=checkin.enrolment_id)
    link = links.order_by("-linked_at", "-pk").first()
    if link is not None:
        link_contact_request(link.treatment, checkin.contact_request)


def check_patient_record(record: TreatmentRecord, user) -> ClusterAlert | None:
    """Staff checked (and perhaps corrected) what the patient reported: from now on its cases count
    for clusters, so they are counted. Returns an alert this raised or extended, if any."""
    if not record.reported_by_patient or record.checked_at is not None:
        return None
    record.checked_by = user
    record.checked_at = timezone.now()
    record.save(update_fields=["checked_by", "checked_at"])
    alert = None
    for case in record.cases.select_related("treatment").order_by("noticed_on", "pk"):
        alert = clusters.check_case(case) or alert
    return alert


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
    if treatment.unchecked:
        raise ValueError("The product is the patient's report: check it in its treatment record first.")
    product_class = vocabulary.PRODUCT_CLASS[treatment.product_class]
    if vocabulary.REPORT_FORM[form].devices_only and treatment.product_class == vocabulary.UNKNOWN_CLASS:
        raise ValueError("The kind of product is not known: set it in the treatment record first.")
    if vocabulary.REPORT_FORM[form].devices_only and not product_class.eu_mdr_device:
        raise ValueError(
            f"{product_class.label} is not a device under the EU MDR: report a medicine on the Yellow Card "
            "or the national medicines form instead."
        )
    kb = published_knowledge_base()
    complication = kb.complications.get(case.complication)
    procedure = kb.procedures.get(treatment.procedure)
    days_after = (case.noticed_on - timezone.localdate(treatment.performed_at)).days
    licence = {True: "", False: ", not licensed", None: ", licence not known"}[treatment.licensed]
    narrative = (
        f"{procedure.name.get('en') if procedure else treatment.procedure} on "
        f"{treatment.performed_at:%Y-%m-%d} with {treatment.product_name or 'a product not named'} "
        f"({product_class.label}, lot {treatment.lot_number or 'not known'}{licence}). "
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
