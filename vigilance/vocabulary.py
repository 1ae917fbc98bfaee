"""The closed vocabularies of vigilance, each declared once: product classes (and what each implies
for the engine, FHIR and the regulator's form), what a patient may say about their product, report
outcomes and forms, and the dimensions clusters are counted along.
Model choices, forms, services, FHIR and admin read them here."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

DEVICE = "Device"
MEDICATION = "Medication"


@dataclass(frozen=True)
class ProductClass:
    value: str
    label: str
    # What FHIR calls it: fillers and energy devices are medical devices (EU MDR, incl. Annex XVI;
    # FDA device pathway for fillers); toxins and deoxycholic acid are medicines.
    fhir_resource: str
    # Risk-factor slugs of the knowledge base (contract 1.1) this class implies for the engine.
    risk_factors: frozenset[str] = frozenset()
    # A device under the EU MDR (a medical device, or an Annex XVI product: fillers, equipment that
    # destroys fat, lasers and IPL): reported to the national competent authority on the device form.
    eu_mdr_device: bool = False


NON_HA_FILLER = "non-ha-filler"
PRODUCT_CLASSES = (
    ProductClass("ha_filler", _("Hyaluronic-acid (HA) filler"), DEVICE, eu_mdr_device=True),
    # A blocked vessel after a filler that is not HA cannot be dissolved with hyaluronidase.
    ProductClass(
        "non_ha_filler", _("Non-HA filler (e.g. CaHA, PLLA)"), DEVICE, frozenset({NON_HA_FILLER}), eu_mdr_device=True
    ),
    ProductClass("toxin", _("Botulinum toxin"), MEDICATION),
    ProductClass("deoxycholic_acid", _("Deoxycholic acid"), MEDICATION),
    ProductClass("device", _("Device (laser, IPL, RF, cryolipolysis, needles, threads)"), DEVICE, eu_mdr_device=True),
    # Mesotherapy cocktails and other injected products that are neither filler nor toxin.
    ProductClass("other_medicine", _("Other injected product (e.g. mesotherapy)"), MEDICATION),
    # A patient who does not know what was used. The knowledge base's own "non-ha-filler" covers a
    # filler that "was not hyaluronic acid … or you do not know" (its effects apply to fillers only).
    # FHIR has no "unknown product" resource: it is exported as a Device whose type says it is not known.
    ProductClass("unknown", _("Not known"), DEVICE, frozenset({NON_HA_FILLER})),
)
PRODUCT_CLASS = {spec.value: spec for spec in PRODUCT_CLASSES}
PRODUCT_CLASS_CHOICES = [(spec.value, spec.label) for spec in PRODUCT_CLASSES]

# An unlicensed product (bought online, imported, counterfeit) is the knowledge base's
# "unknown-product" risk factor: the 2025 botulism cluster came from unlicensed toxin.
UNLICENSED_RISK_FACTOR = "unknown-product"
UNKNOWN_CLASS = "unknown"


@dataclass(frozen=True)
class PatientKind:
    """What kind of product it was, in the patient's words, and the product class it maps to."""

    value: str
    label: str
    product_class: str


# The patient's plain-language choices at contact and check-in, in the order shown.
PATIENT_KINDS = (
    PatientKind("ha_filler", _("Hyaluronic acid filler"), "ha_filler"),
    PatientKind(
        "other_filler",
        _("Another kind of filler (for example Sculptra, Radiesse, silicone or a permanent filler)"),
        "non_ha_filler",
    ),
    PatientKind("toxin", _("Anti-wrinkle injection (toxin)"), "toxin"),
    PatientKind("fat_dissolving", _("Fat-dissolving injection (Kybella or deoxycholic acid)"), "deoxycholic_acid"),
    PatientKind("device", _("A machine or device"), "device"),
    PatientKind("dont_know", _("I don't know"), UNKNOWN_CLASS),
)
PATIENT_KIND = {kind.value: kind for kind in PATIENT_KINDS}
PATIENT_KIND_CHOICES = [(kind.value, kind.label) for kind in PATIENT_KINDS]

# Whether the patient knows it was a licensed or approved product: yes, no, or they do not know
# (stored as TreatmentRecord.licensed True, False or None).
LICENCE_ANSWERS = {"yes": True, "no": False, "dont_know": None}
LICENCE_CHOICES = [
    ("yes", _("Yes, it was approved")),
    ("no", _("No, it was not approved (for example bought online)")),
    ("dont_know", _("I don't know")),
]


@dataclass(frozen=True)
class Dimension:
    """What cases are grouped by when counting a cluster."""

    value: str
    label: str


LOT = Dimension("lot", _("lot"))
PRACTITIONER = Dimension("practitioner", _("practitioner"))
SITE = Dimension("site", _("site"))
DIMENSIONS = (LOT, PRACTITIONER, SITE)

# FHIR R4 AdverseEvent.outcome codes (http://terminology.hl7.org/CodeSystem/adverse-event-outcome,
# the R4 spec's AdverseEventOutcome value set), with the words the printed forms use.
OUTCOME_SYSTEM = "http://terminology.hl7.org/CodeSystem/adverse-event-outcome"
OUTCOME_CHOICES = [
    ("resolved", _("Recovered / resolved")),
    ("recovering", _("Recovering / resolving")),
    ("ongoing", _("Not recovered / ongoing")),
    ("resolvedWithSequelae", _("Recovered with lasting effects")),
    ("fatal", _("Fatal")),
    ("unknown", _("Unknown")),
]
# Event codes: staff may enter a MedDRA code they looked up in their own (licensed) MedDRA browser;
# it is exported under MedDRA's FHIR system URI (HL7 Terminology, CodeSystem "mdr"). IMDRF codes
# (devices) go on the form and in the event text: HL7 publishes no FHIR system URI for them, and
# the app ships no codes of either, because unverified codes would be invented.
MEDDRA_SYSTEM = "https://www.meddra.org"


@dataclass(frozen=True)
class ReportForm:
    value: str
    label: str
    regulator: str
    # Only for devices under the EU MDR (ProductClass.eu_mdr_device): a medicine goes on another form.
    devices_only: bool = False


EU_MDR_INCIDENT = "eu_mdr_incident"
REPORT_FORMS = (
    ReportForm("medwatch_3500", _("FDA MedWatch 3500"), "FDA (United States)"),
    ReportForm("yellow_card", _("MHRA Yellow Card"), "MHRA (United Kingdom)"),
    ReportForm(
        EU_MDR_INCIDENT,
        _("EU MDR device incident report (healthcare professional or user)"),
        "the national competent authority of the EU country where it happened",
        devices_only=True,
    ),
)
REPORT_FORM = {form.value: form for form in REPORT_FORMS}
REPORT_FORM_CHOICES = [(form.value, form.label) for form in REPORT_FORMS]

# What the EU device form asks about the patient, only when staff recorded it (never guessed).
AGE_BAND_CHOICES = [
    ("under_18", _("Under 18")),
    ("18_29", "18–29"),
    ("30_39", "30–39"),
    ("40_49", "40–49"),
    ("50_59", "50–59"),
    ("60_69", "60–69"),
    ("70_plus", _("70 or older")),
]
SEX_CHOICES = [
    ("female", _("Female")),
    ("male", _("Male")),
    ("other", _("Other")),
]
