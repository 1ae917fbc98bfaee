"""Plain-language sentences the engine builds, in English and Spanish.

The engine stays free of Django, so its few generated sentences are kept here rather than in
gettext catalogues. Clinical text itself (names, advice) comes from the knowledge base.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .knowledge import ExpectedEffect, Window

LEVEL_LABELS = {
    "en": {
        "emergency": "Emergency: call 911 now",
        "urgent": "Urgent: get medical advice today",
        "soon": "Soon: contact your clinic in the next 2–3 days",
        "self_care": "Self-care: this is expected after your treatment",
    },
    "es": {
        "emergency": "Emergencia: llame al 911 ahora",
        "urgent": "Urgente: busque atención médica hoy",
        "soon": "Pronto: contacte a su clínica en los próximos 2–3 días",
        "self_care": "Cuidado en casa: esto es normal después de su tratamiento",
    },
}

LEVEL_GUIDANCE = {
    "en": {
        "emergency": (
            "Call 911 now or go to the nearest emergency department. Do not drive yourself. "
            "If you can, also call the clinic that treated you."
        ),
        "urgent": (
            "Contact the clinic that treated you or a doctor today, within the next few hours. "
            "If you cannot reach them, go to urgent care."
        ),
        "soon": "Contact the clinic that treated you within the next 2–3 days.",
        "self_care": (
            "What you describe is expected after this treatment. Follow your aftercare and mention "
            "it at your next visit. Use this checker again if anything changes."
        ),
    },
    "es": {
        "emergency": (
            "Llame al 911 ahora o vaya a la sala de emergencias más cercana. No maneje usted. "
            "Si puede, llame también a la clínica que le atendió."
        ),
        "urgent": (
            "Contacte hoy, en las próximas horas, a la clínica que le atendió o a un médico. "
            "Si no puede comunicarse con ellos, vaya a una clínica de atención urgente."
        ),
        "soon": "Contacte a la clínica que le atendió en los próximos 2–3 días.",
        "self_care": (
            "Lo que describe es normal después de este tratamiento. Siga sus cuidados posteriores y "
            "coméntelo en su próxima visita. Vuelva a usar esta guía si algo cambia."
        ),
    },
}


# One-sentence leads used when the likeliest complication's own advice follows, so the patient
# does not read the same instruction twice.
LEVEL_LEADS = {
    "en": {
        "emergency": "Call 911 now or go to the nearest emergency department.",
        "urgent": "Get medical advice today.",
        "soon": "Contact your clinic within the next 2–3 days.",
        "self_care": "This is expected after your treatment.",
    },
    "es": {
        "emergency": "Llame al 911 ahora o vaya a la sala de emergencias más cercana.",
        "urgent": "Busque atención médica hoy.",
        "soon": "Contacte a su clínica en los próximos 2–3 días.",
        "self_care": "Esto es normal después de su tratamiento.",
    },
}


def _lang(language: str) -> str:
    return "es" if language == "es" else "en"


def level_label(level: str, language: str = "en") -> str:
    return LEVEL_LABELS[_lang(language)][level]


def level_guidance(level: str, language: str = "en", advice: str = "") -> str:
    """What to do now: the level's full advice, or its one-line lead followed by `advice`."""
    if advice:
        return f"{LEVEL_LEADS[_lang(language)][level]} {advice}"
    return LEVEL_GUIDANCE[_lang(language)][level]


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:] if text else text


def join_labels(labels: Sequence[str], language: str = "en") -> str:
    """'a', 'a and b', 'a, b and c' (with 'y' in Spanish)."""
    words = [_lower_first(label) for label in labels]
    conj = " y " if _lang(language) == "es" else " and "
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + conj + words[-1]


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:] if text else text


def sign_sentence(
    name: str,
    labels: Sequence[str],
    day: int,
    window: Window,
    in_window: bool,
    only_normal_signs: bool,
    language: str = "en",
) -> str:
    """Why a complication is listed, in one sentence."""
    symptoms = join_labels(labels, language)
    if _lang(language) == "es":
        verb = "puede" if len(labels) == 1 else "pueden"
        sentence = f"{_capital(symptoms)} en el día {day} {verb} indicar: {_lower_first(name)}"
        if in_window:
            sentence += f", que suele empezar {window.describe('es')}"
        else:
            sentence += f", aunque suele empezar {window.describe('es')}"
        if only_normal_signs:
            sentence += "; por ahora estos síntomas también son normales"
        return sentence + "."
    sentence = f"{_capital(symptoms)} on day {day} can point to {_lower_first(name)}"
    if in_window:
        sentence += f", which usually starts {window.describe()}"
    else:
        sentence += f", although it usually starts {window.describe()}"
    if only_normal_signs:
        sentence += "; for now these are also normal after your treatment"
    return sentence + "."


def usual_duration(effect: ExpectedEffect, language: str = "en") -> str:
    if _lang(language) == "es":
        return f"suele desaparecer hacia el día {effect.normal_until_day}"
    return f"usually settles by day {effect.normal_until_day}"


def overdue_sentence(effect: ExpectedEffect, day: int, trend: str | None, language: str = "en") -> str:
    name = effect.name.get(language)
    if _lang(language) == "es":
        if day <= effect.normal_until_day:
            return (
                f"{_capital(name)} suele estar en su peor momento hacia el día {effect.worst_by_day}; "
                f"que empeore en el día {day} no es lo esperado."
            )
        return (
            f"{_capital(name)} suele desaparecer hacia el día {effect.normal_until_day}; "
            f"usted está en el día {day}, así que ya no es lo esperado."
        )
    if day <= effect.normal_until_day:
        return (
            f"{_capital(name)} is usually at its worst by day {effect.worst_by_day}; "
            f"getting worse on day {day} is not expected."
        )
    return (
        f"{_capital(name)} usually settles by day {effect.normal_until_day}; "
        f"you are on day {day}, so it is no longer expected."
    )


def unexplained_sentence(labels: Sequence[str], language: str = "en") -> str:
    symptoms = join_labels(labels, language)
    if _lang(language) == "es":
        return f"No podemos relacionar {symptoms} con este tratamiento. Un profesional de salud debe revisarlo."
    return f"We cannot link {symptoms} to this treatment, so a health professional should check it."


def explained_sentence(labels: Sequence[str], language: str = "en") -> str:
    symptoms = join_labels(labels, language)
    if _lang(language) == "es":
        return f"{_capital(symptoms)}: es normal en esta etapa después de su tratamiento."
    return f"{_capital(symptoms)}: normal at this stage after your treatment."
