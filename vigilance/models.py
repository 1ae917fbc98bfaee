"""Vigilance: what was used on whom and where (treatment records), the complications seen after
them (cases), the clusters those cases form (alerts), the reports staff send to the regulator,
and the audit log of every export.

A treatment record names no patient: it is tied to a patient only through a link to a contact
request or a check-in, and that link goes when the request is purged (retention promise). It is
recorded by the clinic, or reported by the patient at contact or check-in: a patient's report is
not checked until staff check it, and until then its cases do not count for clusters.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from checkins.models import Checkin
from procedures.models import LEVEL_CHOICES, ContactRequest
from procedures.triage.scales import URGENT, at_least

from . import vocabulary


class TreatmentRecord(models.Model):
    """One treatment: the product, its lot, who gave it and where. Recorded by the clinic, or
    reported by the patient (then unchecked until staff check or correct it)."""

    class Source(models.TextChoices):
        CLINIC = "clinic", _("Recorded by the clinic")
        PATIENT = "patient", _("Reported by the patient")

    created_at = models.DateTimeField(auto_now_add=True)
    source = models.CharField(max_length=8, choices=Source.choices, default=Source.CLINIC, db_index=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    checked_at = models.DateTimeField(
        null=True, blank=True, help_text=_("When staff checked or corrected what the patient reported.")
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    procedure = models.SlugField(max_length=60, help_text=_("The treatment, as the knowledge base names it."))
    performed_at = models.DateTimeField(db_index=True)
    area = models.SlugField(max_length=50, blank=True, help_text=_("The treated area, as the knowledge base names it."))
    # Blank only on a patient's report: the clinic's own records need them (admin form).
    product_name = models.CharField(max_length=150, blank=True)
    manufacturer = models.CharField(max_length=150, blank=True)
    product_class = models.CharField(max_length=20, choices=vocabulary.PRODUCT_CLASS_CHOICES)
    licensed = models.BooleanField(
        null=True,
        default=True,
        help_text=_("No: no licence or CE mark here (bought online, imported). Empty: not known."),
    )
    lot_number = models.CharField(
        max_length=60, blank=True, db_index=True, help_text=_("Lot or batch number on the package.")
    )
    practitioner = models.CharField(max_length=120, blank=True, db_index=True)
    site = models.CharField(
        max_length=120, blank=True, db_index=True, help_text=_("The clinic or room where it was given.")
    )

    class Meta:
        ordering = ["-performed_at"]
        verbose_name = _("treatment record")
        permissions = [("export_records", "Can export FHIR bundles and adverse-event reports")]

    @property
    def reported_by_patient(self) -> bool:
        return self.source == self.Source.PATIENT

    @property
    def unchecked(self) -> bool:
        """A patient's report staff have not checked yet."""
        return self.reported_by_patient and self.checked_at is None

    @property
    def counts_for_clusters(self) -> bool:
        """The clinic's records count; a patient's report only once staff checked it (a lot number
        typed from memory or a photo is too often wrong to group patients by)."""
        return not self.unchecked

    @property
    def lot_label(self) -> str:
        """A lot is named with its product: two makers may print the same lot number."""
        return f"{self.product_name} lot {self.lot_number}"

    def __str__(self) -> str:
        mark = " (reported by the patient, not checked)" if self.unchecked else ""
        return f"#{self.pk} {self.procedure} {self.performed_at:%Y-%m-%d}: {self.lot_label}{mark}"


# TreatmentRecord.counts_for_clusters as a query (on the record).
RECORD_COUNTS = Q(source=TreatmentRecord.Source.CLINIC) | Q(checked_at__isnull=False)


class TreatmentLink(models.Model):
    """Ties a contact request or a check-in to the treatment it is about (one of the two)."""

    treatment = models.ForeignKey(TreatmentRecord, on_delete=models.CASCADE, related_name="links")
    # CASCADE: purging a contact request (retention) removes the only tie to the patient.
    contact_request = models.OneToOneField(
        ContactRequest, null=True, blank=True, on_delete=models.CASCADE, related_name="treatment_link"
    )
    checkin = models.OneToOneField(
        Checkin, null=True, blank=True, on_delete=models.CASCADE, related_name="treatment_link"
    )
    linked_at = models.DateTimeField(auto_now_add=True)
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("link to a contact request or check-in")
        constraints = [
            models.CheckConstraint(
                condition=Q(contact_request__isnull=False, checkin__isnull=True)
                | Q(contact_request__isnull=True, checkin__isnull=False),
                name="treatment_link_names_one_thing",
            )
        ]

    def __str__(self) -> str:
        if self.contact_request_id:
            return f"contact request #{self.contact_request_id} → treatment #{self.treatment_id}"
        return f"check-in #{self.checkin_id} → treatment #{self.treatment_id}"


class ComplicationCase(models.Model):
    """A complication seen after a recorded treatment: reported by the patient, or confirmed by a
    clinician. Cluster alerts count the cases that are confirmed or were reported at urgent or above."""

    class Basis(models.TextChoices):
        REPORTED = "reported", _("Reported by the patient (the checker's level)")
        CONFIRMED = "confirmed", _("Confirmed by a clinician")

    treatment = models.ForeignKey(TreatmentRecord, on_delete=models.CASCADE, related_name="cases")
    complication = models.SlugField(max_length=60, help_text=_("As the knowledge base names it."))
    basis = models.CharField(max_length=10, choices=Basis.choices, default=Basis.REPORTED)
    urgency = models.CharField(max_length=16, choices=LEVEL_CHOICES)
    noticed_on = models.DateField(db_index=True, help_text=_("When it was reported or seen: the day clusters count."))
    contact_request = models.ForeignKey(
        ContactRequest, null=True, blank=True, on_delete=models.SET_NULL, related_name="complication_cases"
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)
    ruled_out = models.BooleanField(default=False, help_text=_("A clinician found it was not this complication."))
    note = models.TextField(blank=True, help_text=_("Clinical note, without the patient's name."))

    class Meta:
        ordering = ["-noticed_on", "-pk"]
        verbose_name = _("complication case")

    @property
    def counts(self) -> bool:
        """Whether clusters count it: confirmed, or reported at urgent or above, not ruled out, and
        on a treatment record that counts (not a patient's report staff have not checked)."""
        if self.ruled_out or not self.treatment.counts_for_clusters:
            return False
        return self.basis == self.Basis.CONFIRMED or at_least(self.urgency, URGENT.value)

    def __str__(self) -> str:
        return f"case #{self.pk}: {self.complication} ({self.get_basis_display()})"


class ClusterAlert(models.Model):
    """Complications gathering around one lot, practitioner or site: raised once, with its cases."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        ACKNOWLEDGED = "acknowledged", _("Acknowledged")
        CLOSED = "closed", _("Closed")

    raised_at = models.DateTimeField(auto_now_add=True)
    complication = models.SlugField(max_length=60)
    # [{"dimension": "lot", "value": "…", "label": "…"}, …]: every grouping that crossed.
    crossed = models.JSONField(default=list)
    threshold = models.PositiveSmallIntegerField()
    window_days = models.PositiveSmallIntegerField()
    cases = models.ManyToManyField(ComplicationCase, related_name="cluster_alerts")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.OPEN, db_index=True)
    sent_to = models.CharField(max_length=300, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-raised_at"]
        verbose_name = _("cluster alert")

    @property
    def is_open(self) -> bool:
        """Open or acknowledged: further cases of its groupings join it. Closed is final."""
        return self.status != self.Status.CLOSED

    def save(self, *args, **kwargs) -> None:
        super().save(*args, **kwargs)
        fields = kwargs.get("update_fields")
        if not self.is_open and (fields is None or "status" in fields):
            # A closed alert lets go of its groupings: the next crossing raises a new alert.
            self.groupings.filter(is_open=True).update(is_open=False)

    def keys(self) -> set[tuple[str, str]]:
        return {(entry["dimension"], entry["value"]) for entry in self.crossed}

    def __str__(self) -> str:
        where = ", ".join(entry["label"] for entry in self.crossed)
        return f"{self.complication}: {where}"


class ClusterAlertGrouping(models.Model):
    """One grouping an alert holds: complication + lot, practitioner or site + its window. The
    database lets only one open alert hold a grouping, so two processes counting the same cluster
    at the same moment cannot both raise it (clusters.check_case: the loser joins the winner)."""

    alert = models.ForeignKey(ClusterAlert, on_delete=models.CASCADE, related_name="groupings")
    complication = models.SlugField(max_length=60)
    dimension = models.CharField(max_length=12, choices=[(d.value, d.label) for d in vocabulary.DIMENSIONS])
    value = models.CharField(max_length=220)
    window_days = models.PositiveSmallIntegerField()
    is_open = models.BooleanField(default=True)

    class Meta:
        verbose_name = _("cluster alert grouping")
        constraints = [
            models.UniqueConstraint(
                fields=["complication", "dimension", "value", "window_days"],
                condition=Q(is_open=True),
                name="one_open_cluster_alert_per_grouping",
            )
        ]

    def __str__(self) -> str:
        return f"{self.complication} {self.dimension} {self.value} ({self.window_days} days)"


class AdverseEventReport(models.Model):
    """A report to the regulator, prefilled from a confirmed case and checked by staff, who submit
    it themselves: nothing is sent from here."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft: check and complete")
        SUBMITTED = "submitted", _("Submitted by staff")

    case = models.ForeignKey(ComplicationCase, on_delete=models.CASCADE, related_name="reports")
    form = models.CharField(max_length=20, choices=vocabulary.REPORT_FORM_CHOICES)
    created_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    # The product or device and its lot, copied from the treatment record when prefilled.
    product_name = models.CharField(max_length=150)
    manufacturer = models.CharField(max_length=150, blank=True)
    product_class = models.CharField(max_length=20, choices=vocabulary.PRODUCT_CLASS_CHOICES)
    licensed = models.BooleanField(null=True, default=True, help_text=_("Empty if not known."))
    lot_number = models.CharField(max_length=60, blank=True)
    # Devices (the EU form asks for them; fill in what the package or the device shows).
    model_number = models.CharField(_("model or catalogue number"), max_length=60, blank=True)
    serial_number = models.CharField(max_length=60, blank=True)
    udi = models.CharField(
        _("UDI"), max_length=120, blank=True, help_text=_("The Unique Device Identifier on the label, if there is one.")
    )
    procedure = models.CharField(max_length=150)
    treated_on = models.DateField()
    # The event: in words always; a MedDRA code only when staff entered one they looked up.
    event_text = models.CharField(max_length=300)
    meddra_code = models.CharField(
        max_length=12,
        blank=True,
        help_text=_("A MedDRA code from your MedDRA browser (medicines). Leave blank if unsure."),
    )
    imdrf_codes = models.CharField(
        max_length=120,
        blank=True,
        help_text=_("IMDRF Annex A/E codes from the IMDRF tables (devices). Leave blank if unsure."),
    )
    device_problem = models.CharField(
        max_length=300,
        blank=True,
        help_text=_("What went wrong with the device, in words (devices). Leave blank if nothing did."),
    )
    onset_on = models.DateField()
    serious = models.BooleanField(default=False)
    outcome = models.CharField(max_length=24, choices=vocabulary.OUTCOME_CHOICES, default="unknown")
    narrative = models.TextField(help_text=_("What happened, without the patient's name."))
    actions_taken = models.TextField(
        blank=True, help_text=_("What was done for the patient and with the product (kept aside, maker told…).")
    )
    # Only what the clinic's notes record: the app never asks the patient for them.
    patient_age_band = models.CharField(max_length=10, choices=vocabulary.AGE_BAND_CHOICES, blank=True)
    patient_sex = models.CharField(max_length=10, choices=vocabulary.SEX_CHOICES, blank=True)
    competent_authority = models.CharField(
        max_length=120, blank=True, help_text=_("EU form: the authority of the country where it happened.")
    )
    reporter_name = models.CharField(max_length=120)
    reporter_role = models.CharField(max_length=120, blank=True)
    reporter_email = models.EmailField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    submission_reference = models.CharField(max_length=60, blank=True, help_text=_("The regulator's reference."))

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("adverse-event report")

    def __str__(self) -> str:
        return f"report #{self.pk}: {self.event_text} ({self.get_form_display()})"


class ExportLog(models.Model):
    """Who exported what, and when: one row per export, written before the export is returned."""

    class Kind(models.TextChoices):
        CONTACT_REQUEST_BUNDLE = "contact_request_bundle", _("FHIR Bundle of a contact request")
        CHECKIN_BUNDLE = "checkin_bundle", _("FHIR Bundle of a check-in")
        ADVERSE_EVENT_FHIR = "adverse_event_fhir", _("FHIR AdverseEvent of a report")
        ADVERSE_EVENT_FORM = "adverse_event_form", _("Printable report form")

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    username = models.CharField(max_length=150, help_text=_("Kept when the account is deleted."))
    kind = models.CharField(max_length=30, choices=Kind.choices)
    object_id = models.PositiveBigIntegerField()

    class Meta:
        ordering = ["-at"]
        verbose_name = _("export log entry")
        verbose_name_plural = _("export log")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.username}: {self.get_kind_display()} #{self.object_id}"
