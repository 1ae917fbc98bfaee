"""How old a reader must be to read a text easily: the reading age of patient advice.

The target is about 12 in every language (a US 7th grade). English uses the Flesch-Kincaid grade;
Spanish uses the Fernández-Huerta ease score (Flesch's formula refitted for Spanish), read against
Flesch's table of grades. Both come from textstat, a maintained library, rather than our own
syllable counting.
"""

from __future__ import annotations

from functools import cache

from textstat.textstat import textstatistics

# A US grade is read by children about five years older (grade 1 at age 6).
_GRADE_TO_AGE = 5
TARGET_READING_AGE = 12


@cache
def _meter(language: str) -> textstatistics:
    meter = textstatistics()  # its own instance: set_lang on the shared one is global state
    meter.set_lang(language)
    return meter


def _grade_from_ease(score: float) -> float:
    """Flesch's table (90–100 is grade 5, 80–90 grade 6, 70–80 grade 7, 60–70 grades 8–9…), as a line."""
    return 5 + (90 - score) / 10


def reading_age(text: str, language: str) -> float:
    if not text.strip():
        return 0.0
    if language == "es":
        grade = _grade_from_ease(_meter("es").fernandez_huerta(text))
    else:
        grade = _meter("en").flesch_kincaid_grade(text)
    return round(grade + _GRADE_TO_AGE, 1)
