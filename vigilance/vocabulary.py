"""The closed vocabularies of vigilance, each declared once: product classes (and what each implies
for the engine, FHIR and the regulator's form), how a case came to count, report outcomes, and the
dimensions clusters are counted along. Model choices, services, FHIR and admin read them here."""

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


PRODUCT_CLASSES = (
    ProductClass("ha_filler", _("Hyaluronic-acid (HA) filler"), DEVICE),
    # A blocked vessel after a filler that is not HA cannot be dissolved with hyaluronidase.
    ProductClass("non_ha_filler", _("Non-HA filler (e.g. CaHA, PLLA)"), DEVICE, frozenset({"non-ha-filler"})),
    ProductClass("toxin", _("Botulinum toxin"), MEDICATION),
    ProductClass("deoxycholic_acid", _("Deoxycholic acid"), MEDICATION),
    ProductClass("device", _("Device (laser, IPL, RF, cryolipolysis, needles, threads)"), DEVICE),
    # Mesotherapy cocktails and other injected products that are neither filler nor toxin.
    ProductClass("other_medicine", _("Other injected product (e.g. mesotherapy)"), MEDICATION),
)
PRODUCT_CLASS = {spec.value: spec for spec in PRODUCT_CLASSES}
PRODUCT_CLASS_CHOICES = [(spec.value, spec.label) for spec in PRODUCT_CLASSES]

# An unlicensed product (bought online, imported, counterfeit) is the knowledge base's
# "unknown-product" risk factor: the 2025 botulism cluster came from unlicensed toxin.
UNLICENSED_RISK_FACTOR = "unknown-product"


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


REPORT_FORMS = (
    ReportForm("medwatch_3500", _("FDA MedWatch 3500"), "FDA (United States)"),
    ReportForm("yellow_card", _("MHRA Yellow Card"), "MHRA (United Kingdom)"),
)
REPORT_FORM = {form.value: form for form in REPORT_FORMS}
REPORT_FORM_CHOICES = [(form.value, form.label) for form in REPORT_FORMS]
