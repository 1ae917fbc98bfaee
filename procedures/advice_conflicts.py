"""Pairs of advice that contradict each other, as data: a result page must never say both sides.

Care advice for several possible causes used to be stacked on one page, so a patient could read
"do not put ice on it" and then "press gently with a cold pack". The result now shows one cause's
care (procedures/care_card.py); these pairs are what a test (tests/test_result_wording.py) and the
knowledge-base integrity check look for in every story of every vignette suite.

Each side is a pattern per language, matched one sentence at a time. A sentence that states a
condition ("call 911 if …", "si …") is not an instruction to do it now, so sides marked
`unconditional` skip such sentences.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

# What makes a sentence conditional, per language.
_CONDITIONAL = {
    "en": re.compile(r"\b(if|when|unless|while)\b", re.I),
    "es": re.compile(r"\b(si|cuando|mientras)\b", re.I),
}
_SENTENCE = re.compile(r"(?<=[.!?:;])\s+|\n+")


@dataclass(frozen=True)
class Side:
    name: str
    patterns: Mapping[str, str]  # language → regular expression
    unconditional: bool = False  # only sentences without "if"/"si" count

    def said_in(self, sentence: str, language: str) -> bool:
        pattern = self.patterns.get(language)
        if pattern is None or not re.search(pattern, sentence, re.I):
            return False
        return not (self.unconditional and _CONDITIONAL[language].search(sentence))


@dataclass(frozen=True)
class ConflictingAdvice:
    name: str
    one: Side
    other: Side


_NOT_EN = r"\b(do not|don't|never|avoid|no)\b[^.;]*"
_UNNEGATED_EN = r"^(?!.*\b(do not|don't|never|avoid|no)\b).*"
_NOT_ES = r"\b(no|nunca|evite)\b[^.;]*"

CONFLICTING_ADVICE: tuple[ConflictingAdvice, ...] = (
    ConflictingAdvice(
        "cold",
        Side(
            "use cold",
            {
                "en": r"^(?!.*\b(do not|don't|never|avoid|no)\b).*\b(ice|cold pack|cold compress|something cold)\b",
                "es": r"^(?!.*\b(no|nunca|evite)\b).*(\b(ponga|aplique|use|póngase)\b[^.;]*\b(hielo|frío)\b"
                r"|\b(compresa fría|compresas frías|bolsa de hielo|algo frío)\b)",
            },
        ),
        Side("no cold", {"en": _NOT_EN + r"\b(ice|cold)\b", "es": _NOT_ES + r"\b(hielo|frío)\b"}),
    ),
    ConflictingAdvice(
        "heat",
        Side(
            "use heat",
            {
                "en": _UNNEGATED_EN + r"\b(warm compress|warm pack|heat pad|heating pad|apply heat)\b",
                "es": r"^(?!.*\b(no|nunca|evite)\b).*\b(compresa tibia|compresas tibias|calor local|aplique calor)\b",
            },
        ),
        Side(
            "no heat",
            {"en": _NOT_EN + r"\b(heat|hot|warm|sauna)\b", "es": _NOT_ES + r"\b(calor|caliente|sauna)\b"},
        ),
    ),
    ConflictingAdvice(
        "massage",
        Side(
            "massage",
            {
                "en": r"^(?!.*\b(do not|don't|never|avoid|no)\b).*\bmassag",
                "es": r"^(?!.*\b(no|nunca|evite)\b).*\b(masaje|masajee)",
            },
        ),
        Side("no massage", {"en": _NOT_EN + r"\bmassag", "es": _NOT_ES + r"\b(masaje|masajee)"}),
    ),
    ConflictingAdvice(
        "driving",
        Side("drive", {"en": r"^(?!.*\b(do not|don't|never)\b).*\bdrive\b", "es": r"^(?!.*\bno\b).*\bmaneje\b"}),
        Side("do not drive", {"en": r"\b(do not|don't)\b[^.;]*\bdrive\b", "es": r"\bno\b[^.;]*\bmaneje\b"}),
    ),
    ConflictingAdvice(
        "eating and drinking",
        Side(
            "eat or drink",
            {
                "en": r"^(?!.*\b(do not|don't|never)\b).*\b(drink (plenty|lots|water|fluids)|eat soft)\b",
                "es": r"^(?!.*\bno\b).*\b(beba (mucha|bastante|agua|líquidos)|coma (blando|comida blanda))\b",
            },
        ),
        Side(
            "nothing by mouth",
            {"en": r"\b(do not|don't)\b (eat|drink)\b(?! alone)", "es": r"\bno\b (coma|beba)\b(?! solo)"},
            unconditional=True,
        ),
    ),
    ConflictingAdvice(
        "pain medicine",
        Side(
            "take pain medicine",
            {
                "en": _UNNEGATED_EN
                + r"\btake\b[^.;]*\b(paracetamol|acetaminophen|ibuprofen|pain reliever|pain medicine)\b",
                "es": r"^(?!.*\bno\b).*\btome\b[^.;]*\b(paracetamol|acetaminofén|ibuprofeno|analgésico)\b",
            },
        ),
        Side(
            "no pain medicine",
            {
                "en": r"\b(do not|don't)\b[^.;]*\btake\b[^.;]*\b(pain pills|pain medicine|painkillers|ibuprofen)\b",
                "es": r"\bno\b[^.;]*\btome\b[^.;]*\b(pastillas para el dolor|analgésicos|ibuprofeno)\b",
            },
        ),
    ),
    ConflictingAdvice(
        "where to go first",
        Side(
            "emergency services first",
            {
                "en": r"^(call \S+ now|call (the )?emergency|go (straight )?to the (nearest )?emergency)",
                "es": r"^(llame (ahora )?al \S+( ahora)?|vaya (directamente )?a (la sala de )?emergencias)",
            },
            unconditional=True,
        ),
        Side(
            "treating clinic first",
            {
                "en": r"\b(phone|call)\b[^.;]*\b(the person who injected you|your injector|who treated you)\b"
                r"[^.;]*\b(now|first)\b",
                "es": r"\b(llame|telefonee)\b[^.;]*"
                r"\b(a quien le inyectó|a la persona que le inyectó|a quien le trató)\b",
            },
            unconditional=True,
        ),
    ),
    ConflictingAdvice(
        "waiting",
        Side(
            "wait and see",
            {
                "en": r"^(?!.*\b(do not|don't)\b).*\bwait (and see|a few days|to see)\b",
                "es": r"^(?!.*\bno\b).*\bespere (a ver|unos días)\b",
            },
        ),
        Side("do not wait", {"en": r"\b(do not|don't) wait\b", "es": r"\bno espere\b"}),
    ),
)


def sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE.split(text) if s.strip()]


def conflicts_in(texts: Iterable[str], language: str) -> list[tuple[str, str, str]]:
    """Each pair whose both sides are said somewhere in `texts`, with one sentence of each side."""
    said = [s for text in texts for s in sentences(text)]
    found = []
    for pair in CONFLICTING_ADVICE:
        one = next((s for s in said if pair.one.said_in(s, language)), None)
        other = next((s for s in said if pair.other.said_in(s, language)), None)
        if one and other:
            found.append((pair.name, one, other))
    return found
