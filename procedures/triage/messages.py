"""Language-neutral text: what the engine says, and the knowledge base's own words.

The engine never picks a language. It returns `Message`s: an English message id with named
parameters, which the Django layer (procedures/wording.py) translates with gettext and fills in.
Knowledge-base content arrives as `Text`, one string per language, and falls back to English.
So every sentence a patient reads is translated one way: gettext for the product's words, the
knowledge base's own translations for clinical content (docs/decisions/0001-translations.md).

Locale facts (the emergency number, the clinic's name and phone) are never written into a
message or into content: both say `{emergency_number}`, `{clinic_name}`, `{clinic_phone}` or `{answer_minutes}`,
and the values are filled in when the text is shown.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TypeAlias

DEFAULT_LANGUAGE = "en"


@dataclass(frozen=True)
class Text:
    """Knowledge-base content in every language it was written in; English is always there."""

    by_language: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))

    @classmethod
    def of(cls, english: str, **translations: str) -> Text:
        return cls(MappingProxyType({DEFAULT_LANGUAGE: english, **translations}))

    def get(self, language: str) -> str:
        """The text in `language`, or in English where it has not been translated yet."""
        return self.by_language.get(language) or self.by_language.get(DEFAULT_LANGUAGE, "")

    def __bool__(self) -> bool:
        return bool(self.by_language.get(DEFAULT_LANGUAGE))


EMPTY_TEXT = Text()


@dataclass(frozen=True)
class Listing:
    """Several items said as one phrase: 'a, b and c' (the conjunction is translated)."""

    items: tuple[Text, ...]


@dataclass(frozen=True)
class Lower:
    """A parameter said in the middle of a sentence, so its first letter is not a capital."""

    value: Text


@dataclass(frozen=True)
class Message:
    """An English message id with `{named}` parameters; rendered as a sentence (first letter capital)."""

    msgid: str
    params: tuple[tuple[str, Param], ...] = ()

    @classmethod
    def of(cls, msgid: str, **params: Param) -> Message:
        return cls(msgid, tuple(sorted(params.items())))

    @property
    def param_map(self) -> Mapping[str, Param]:
        return dict(self.params)


Param: TypeAlias = "str | int | Text | Listing | Lower | Message"
"""What a message's parameter can be: plain values, content, or another message."""


def _(message: str) -> str:
    """Mark a message id for translation (collected by makemessages, translated when shown)."""
    return message
