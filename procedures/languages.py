"""The languages of the knowledge base's content, all read from settings.

- The **content languages** are the codes of `settings.LANGUAGES`.
- The **source language** is `settings.LANGUAGE_CODE` (English): every content model keeps it in
  its own columns (`Symptom.label`), and any other language falls back to it.
- The **translation languages** are the others: each content row keeps them in its one
  `translations` JSON field, `{"es": {"label": "..."}, "fr": {...}}`, and the data (fixtures,
  releases) writes them `<field>_<code>` (`label_es`). See docs/decisions/0001-translations.md.
- The **required languages** (`settings.KNOWLEDGE_BASE_REQUIRED_LANGUAGES`, by default every
  content language) are those the integrity checks refuse to publish without; a language being
  added gradually is left out of it, and its missing text falls back to English.

Read on every call, never at import, so that settings overridden in tests apply at once.
"""

from __future__ import annotations

from django.conf import settings
from django.core import checks


def source_language() -> str:
    return settings.LANGUAGE_CODE


def content_languages() -> tuple[str, ...]:
    """Every configured language code, in the order of settings.LANGUAGES."""
    return tuple(code for code, _name in settings.LANGUAGES)


def translation_languages() -> tuple[str, ...]:
    """The configured languages other than the source language, in the order of settings.LANGUAGES."""
    source = source_language()
    return tuple(code for code in content_languages() if code != source)


def required_languages() -> tuple[str, ...]:
    """The languages patient text must be in before it is published: the source language always,
    then those of KNOWLEDGE_BASE_REQUIRED_LANGUAGES (every configured language when unset)."""
    required = getattr(settings, "KNOWLEDGE_BASE_REQUIRED_LANGUAGES", None)
    codes = content_languages() if required is None else tuple(required)
    source = source_language()
    return (source, *(code for code in codes if code != source))


def language_name(code: str) -> str:
    """The name settings.LANGUAGES gives a language (its own name, e.g. "Español")."""
    return str(dict(settings.LANGUAGES).get(code, code))


def supported_language(code: str | None) -> str:
    """`code` when it is a configured language (or a variant of one, "es-mx"), else the source."""
    languages = content_languages()
    if code in languages:
        return code
    base = (code or "").split("-")[0]
    return base if base in languages else source_language()


@checks.register()
def check_language_settings(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """The source language and every required language must be among settings.LANGUAGES."""
    problems = []
    languages = content_languages()
    if source_language() not in languages:
        problems.append(
            checks.Error(
                f"LANGUAGE_CODE '{source_language()}' is not one of LANGUAGES {list(languages)}.",
                hint="Content is written in LANGUAGE_CODE first; list it in LANGUAGES.",
                id="procedures.E001",
            )
        )
    unknown = [code for code in required_languages() if code not in languages]
    if unknown:
        problems.append(
            checks.Error(
                f"KNOWLEDGE_BASE_REQUIRED_LANGUAGES names {unknown}, which LANGUAGES does not list.",
                hint="Add the language to LANGUAGES, or leave it out of KNOWLEDGE_BASE_REQUIRED_LANGUAGES.",
                id="procedures.E002",
            )
        )
    return problems
