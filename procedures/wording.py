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
    facts = locale_facts()
    return _FACT.sub(lambda match: facts[match.group(1)], text)


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def _say_param(param: Param, language: str) -> str:
    if isinstance(param, Message):
        return _say_message(param, language)
    if isinstance(param, Text):
        return fill_locale_facts(param.get(language))
    if isinstance(param, Lower):
        return _lower_first(fill_locale_facts(param.value.get(language)))
    if isinstance(param, Listing):
        return _say_listing(param, language)
    return str(param)


def _say_listing(listing: Listing, language: str) -> str:
    """'a', 'a and b', 'a, b and c', each item's first letter small (it sits mid-sentence)."""
    words = [_lower_first(fill_locale_facts(item.get(language))) for item in listing.items]
    if len(words) <= 1:
        return "".join(words)
    return _gettext_in(language, gettext_noop("{items} and {last}")).format(items=", ".join(words[:-1]), last=words[-1])


def _gettext_in(language: str, msgid: str) -> str:
    """gettext in `language`; without switching when it is already the active one (the request's)."""
    if translation.get_language() == language:
        return gettext(msgid)
    with translation.override(language):
        return gettext(msgid)


def _say_message(message: Message, language: str) -> str:
    values = {name: _say_param(value, language) for name, value in message.params}
    return _gettext_in(language, message.msgid).format(**{**locale_facts(), **values})


def say(item: Message | Text | str, language: str) -> str:
    """One engine message or knowledge-base text, as the patient reads it."""
    if isinstance(item, Message):
        return _capital(_say_message(item, language))
    if isinstance(item, Text):
        return fill_locale_facts(item.get(language))
    return fill_locale_facts(item)


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

    def effect(e) -> ShownEffect:
        return ShownEffect(
            e.slug,
            say(e.name, language),
            say(e.description, language),
            _say_message(e.usual_duration, language),
            e.normal_until_day,
            e.symptoms,
            e.still_normal,
        )

    return ShownAssessment(
        urgency=assessment.urgency,
        urgency_label=say(assessment.urgency_label, language),
        guidance=say(assessment.guidance, language),
        complications=tuple(
            ShownComplication(
                slug=c.slug,
                name=say(c.name, language),
                score=c.score,
                urgency=c.urgency,
                matched_symptoms=c.matched_symptoms,
                explanation=say(c.explanation, language),
                what_to_do=say(c.what_to_do, language),
                in_window=c.in_window,
            )
            for c in assessment.complications
        ),
        expected_effects=tuple(effect(e) for e in assessment.expected_effects),
        overdue_effects=tuple(effect(e) for e in assessment.overdue_effects),
        red_flags=assessment.red_flags,
        unexplained_symptoms=assessment.unexplained_symptoms,
        reasons=tuple(ShownReason(r.level, say(r.text, language), r.symptoms) for r in assessment.reasons),
        knowledge_base_version=assessment.knowledge_base_version,
        engine_version=assessment.engine_version,
        language=language,
        raised_by=assessment.raised_by,
        route=assessment.route,
        route_label=say(Message(ROUTE_BY_VALUE[assessment.route].label), language) if assessment.route else "",
        route_fallback=say(assessment.route_fallback, language),
        driver=assessment.driver,
    )
