"""Standard codes for our complications, only where a code was verified (docs/terminology.md).

The rule (issue 15): a SNOMED CT, MedDRA or IMDRF code goes out only when it was checked against
the code system owner's own distribution; otherwise the export says it in words. Every code here
was found, with the same meaning, in SNOMED International's Global Patient Set (2019) and in its
IPS free set (2022), both published by HL7 in the International Patient Summary guide; the IMDRF
code in a copy of the IMDRF annexes and a manufacturer's coding reference. docs/terminology.md
quotes the lines, and lists what could not be verified.

A complication is coded only when the concept means the same thing or is its true parent (a
thermal burn *is* a burn): never a narrower concept that would claim more than we know
(necrotizing fasciitis for any necrotizing soft-tissue infection), and never a neighbour (an
infection by C. botulinum for toxin spread after an injection). No MedDRA code is here: MedDRA
is licensed, and none could be checked; staff enter one from their own MedDRA browser.
"""

from __future__ import annotations

from dataclasses import dataclass

SNOMED_CT = "http://snomed.info/sct"


@dataclass(frozen=True)
class Coding:
    system: str
    code: str
    display: str

    def as_fhir(self) -> dict[str, str]:
        return {"system": self.system, "code": self.code, "display": self.display}


def _sct(code: str, display: str) -> Coding:
    return Coding(SNOMED_CT, code, display)


# Complication slug -> SNOMED CT clinical finding (preferred term of the IPS free set).
SNOMED_FINDINGS: dict[str, Coding] = {
    "anaphylaxis": _sct("39579001", "Anaphylaxis"),
    "sepsis": _sct("91302008", "Sepsis"),
    "bacterial-skin-infection": _sct("108365000", "Infection of skin"),  # parent: cellulitis, abscess
    "atypical-mycobacterial-infection": _sct("88415009", "Mycobacteriosis"),  # parent; no NTM-skin concept verified
    "skin-necrosis": _sct("95347000", "Skin necrosis"),
    "vascular-occlusion": _sct("2929001", "Occlusion of artery"),
    "stroke": _sct("230690007", "Cerebrovascular accident"),
    "thermal-burn": _sct("125666000", "Burn"),  # parent; "burn of skin" had one source only
    "chemical-burn": _sct("426284001", "Chemical burn"),
    "rhabdomyolysis": _sct("240131006", "Rhabdomyolysis"),
    "hematoma": _sct("385494008", "Hematoma"),  # the disorder, not 35566002 (the morphology)
    "eyelid-ptosis": _sct("11934000", "Ptosis of eyelid"),
    "dysphagia": _sct("40739000", "Dysphagia"),
    "post-inflammatory-hyperpigmentation": _sct("238699007", "Post-inflammatory hyperpigmentation"),
    "hypertrophic-scarring": _sct("19843006", "Hypertrophic scar"),
    "hsv-reactivation": _sct("37323009", "Recurrent herpes simplex"),  # not only the lips: not herpes labialis
    "contact-dermatitis": _sct("40275004", "Contact dermatitis"),
    "vasovagal-reaction": _sct("398665005", "Vasovagal syncope"),
}

# Complication slug -> IMDRF Annex E (health effects: clinical signs, symptoms and conditions).
IMDRF_HEALTH_EFFECTS: dict[str, Coding] = {
    "anaphylaxis": Coding("IMDRF Annex E", "E0402", "Hypersensitivity/Allergic reaction"),
    "allergic-skin-reaction": Coding("IMDRF Annex E", "E0402", "Hypersensitivity/Allergic reaction"),
}


def snomed_finding(complication: str) -> Coding | None:
    """The verified SNOMED CT finding for a complication, or None (say it in words)."""
    return SNOMED_FINDINGS.get(complication)


def imdrf_health_effect(complication: str) -> Coding | None:
    """The verified IMDRF Annex E code for a complication after a device, or None."""
    return IMDRF_HEALTH_EFFECTS.get(complication)


# --- SNOMED CT identifiers carry a Verhoeff check digit: a mistyped code is caught here. --------

_D = (
    (0, 1, 2, 3, 4, 5, 6, 7, 8, 9),
    (1, 2, 3, 4, 0, 6, 7, 8, 9, 5),
    (2, 3, 4, 0, 1, 7, 8, 9, 5, 6),
    (3, 4, 0, 1, 2, 8, 9, 5, 6, 7),
    (4, 0, 1, 2, 3, 9, 5, 6, 7, 8),
    (5, 9, 8, 7, 6, 0, 4, 3, 2, 1),
    (6, 5, 9, 8, 7, 1, 0, 4, 3, 2),
    (7, 6, 5, 9, 8, 2, 1, 0, 4, 3),
    (8, 7, 6, 5, 9, 3, 2, 1, 0, 4),
    (9, 8, 7, 6, 5, 4, 3, 2, 1, 0),
)
_P = (
    (0, 1, 2, 3, 4, 5, 6, 7, 8, 9),
    (1, 5, 7, 6, 2, 8, 3, 0, 9, 4),
    (5, 8, 0, 3, 7, 9, 6, 1, 4, 2),
    (8, 9, 1, 6, 0, 4, 3, 5, 2, 7),
    (9, 4, 5, 3, 1, 2, 6, 8, 7, 0),
    (4, 2, 8, 6, 5, 7, 3, 9, 0, 1),
    (2, 7, 9, 3, 8, 0, 6, 4, 1, 5),
    (7, 0, 4, 6, 9, 1, 3, 2, 5, 8),
)


def is_valid_concept_id(code: str) -> bool:
    """A well-formed SNOMED CT concept id: 6 to 18 digits, a concept's partition ("00" or "10"
    before the check digit) and a correct Verhoeff check digit."""
    if not code.isdigit() or not 6 <= len(code) <= 18 or code[0] == "0" or code[-3:-1] not in ("00", "10"):
        return False
    check = 0
    for position, digit in enumerate(reversed(code)):
        check = _D[check][_P[position % 8][int(digit)]]
    return check == 0
