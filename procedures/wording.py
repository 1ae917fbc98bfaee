"""Saying things in the patient's language: the one place where engine messages and knowledge-base
text become the words a patient reads.

- The engine's messages are English message ids, translated with gettext (locale/*/django.po).
- Knowledge-base text carries its own translations and falls back to English.
- Locale facts (`{emergency_number}`, `{clinic_name}`, `{clinic_phone}`, `{answer_minutes}`) are
  filled in here, from
  the clinic's settings, and nowhere else. Content and messages never write them out.

See docs/decisions/0001-translations.md.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass

from django.utils import translation
from django.utils.translation import gettext, gettext_noop

from .clinic import current_clinic
from .triage import Assessment
from .triage.messages import Listing, Lower, Message, Param, Text
from .triage.scales import ROUTE_BY_VALUE, level

LOCALE_FACTS = ("emergency_number", "clinic_name", "clinic_phone", "answer_minutes")
_FACT = re.compile(r"\{(" + "|".join(LOCALE_FACTS) + r")\}")


def locale_facts() -> Mapping[str, str]:
    """The values of the locale placeholders: the clinic's settings (procedures/clinic.py)."""
    clinic = current_clinic()
    return {
        "emergency_number": clinic.emergency_number,
        "clinic_name": clinic.display_name,
        "clinic_phone": clinic.daytime_phone,
        "answer_minutes": str(clinic.answer_minutes),
    }


def fill_locale_facts(text: str) -> str:
    """Replace the locale placeholders in `text`; any other brace is left as written."""
    return _fill(text, locale_facts())


def _fill(text: str, facts: Mapping[str, str] | _Speaker) -> str:
    """`text` with its locale placeholders filled from `facts` (a speaker's, read only when needed)."""
    if "{" not in text:
        return text
    values = facts.facts if isinstance(facts, _Speaker) else facts
    return _FACT.sub(lambda match: values[match.group(1)], text)


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


class _Speaker:
    """Says engine messages and content in one language, with the locale facts read once, when
    first needed.

    Used inside `_speaking(language)`, so gettext needs no switching per message."""

    def __init__(self, language: str) -> None:
        self.language = language
        self._facts: Mapping[str, str] | None = None

    @property
    def facts(self) -> Mapping[str, str]:
        if self._facts is None:
            self._facts = locale_facts()
        return self._facts

    def say(self, item: Message | Text | str) -> str:
        if isinstance(item, Message):
            return _capital(self.message(item))
        if isinstance(item, Text):
            return _fill(item.get(self.language), self)
        return _fill(item, self)

    def message(self, message: Message) -> str:
        values = {name: self.param(value) for name, value in message.params}
        text = gettext(message.msgid)
        facts = self.facts if _FACT.search(text) else {}
        return text.format(**{**facts, **values})

    def param(self, param: Param) -> str:
        if isinstance(param, Message):
            return self.message(param)
        if isinstance(param, Text):
            return _fill(param.get(self.language), self)
        if isinstance(param, Lower):
            return _lower_first(_fill(param.value.get(self.language), self))
        if isinstance(param, Listing):
            return self.listing(param)
        return str(param)

    def listing(self, listing: Listing) -> str:
        """'a', 'a and b', 'a, b and c', each item's first letter small (it sits mid-sentence)."""
        words = [_lower_first(_fill(item.get(self.language), self)) for item in listing.items]
        if len(words) <= 1:
            return "".join(words)
        return gettext(gettext_noop("{items} and {last}")).format(items=", ".join(words[:-1]), last=words[-1])


def say(item: Message | Text | str, language: str) -> str:
    """One engine message or knowledge-base text, as the patient reads it."""
    if isinstance(item, Text):  # content carries its own translations: no gettext to switch
        return _fill(item.get(language), _Speaker(language))
    with _speaking(language):
        return _Speaker(language).say(item)


def _speaking(language: str) -> AbstractContextManager[None]:
    """gettext in `language`: switching only when it is not already the active one (the request's)."""
    return nullcontext() if translation.get_language() == language else translation.override(language)


def level_title(value: str, language: str) -> str:
    """A level's heading, as the result page shows it."""
    return say(Message(level(value).title), language)


@dataclass(frozen=True)
class ShownComplication:
    slug: str
    name: str
    score: float
    urgency: str
    matched_symptoms: tuple[str, ...]
    explanation: str
    what_to_do: str
    in_window: bool


@dataclass(frozen=True)
class ShownEffect:
    slug: str
    name: str
    description: str
    usual_duration: str
    normal_until_day: int
    symptoms: tuple[str, ...]
    still_normal: bool


@dataclass(frozen=True)
class ShownReason:
    level: str
    text: str
    symptoms: tuple[str, ...]


@dataclass(frozen=True)
class ShownAssessment:
    """An assessment in one language, as the API and the result page show it."""

    urgency: str
    urgency_label: str
    guidance: str
    complications: tuple[ShownComplication, ...]
    expected_effects: tuple[ShownEffect, ...]
    overdue_effects: tuple[ShownEffect, ...]
    red_flags: tuple[str, ...]
    unexplained_symptoms: tuple[str, ...]
    reasons: tuple[ShownReason, ...]
    knowledge_base_version: str
    engine_version: str
    language: str
    raised_by: tuple[str, ...] = ()
    route: str = ""
    route_label: str = ""
    route_fallback: str = ""
    driver: str | None = None  # the complication behind the level (engine.driving_complication)


def say_assessment(assessment: Assessment, language: str) -> ShownAssessment:
    """The whole assessment in `language`, with the locale facts filled in."""
    with _speaking(language):
        return _say_assessment(assessment, _Speaker(language))


def _say_assessment(assessment: Assessment, speaker: _Speaker) -> ShownAssessment:
    say = speaker.say

    def effect(e) -> ShownEffect:
        return ShownEffect(
            e.slug,
            say(e.name),
            say(e.description),
            speaker.message(e.usual_duration),
            e.normal_until_day,
            e.symptoms,
            e.still_normal,
        )

    return ShownAssessment(
        urgency=assessment.urgency,
        urgency_label=say(assessment.urgency_label),
        guidance=say(assessment.guidance),
        complications=tuple(
            ShownComplication(
                slug=c.slug,
                name=say(c.name),
                score=c.score,
                urgency=c.urgency,
                matched_symptoms=c.matched_symptoms,
                explanation=say(c.explanation),
                what_to_do=say(c.what_to_do),
                in_window=c.in_window,
            )
            for c in assessment.complications
        ),
        expected_effects=tuple(effect(e) for e in assessment.expected_effects),
        overdue_effects=tuple(effect(e) for e in assessment.overdue_effects),
        red_flags=assessment.red_flags,
        unexplained_symptoms=assessment.unexplained_symptoms,
        reasons=tuple(ShownReason(r.level, say(r.text), r.symptoms) for r in assessment.reasons),
        knowledge_base_version=assessment.knowledge_base_version,
        engine_version=assessment.engine_version,
        language=speaker.language,
        raised_by=assessment.raised_by,
        route=assessment.route,
        route_label=say(Message(ROUTE_BY_VALUE[assessment.route].label)) if assessment.route else "",
        route_fallback=say(assessment.route_fallback),
        driver=assessment.driver,
    )
