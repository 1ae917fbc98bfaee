"""Translations in the admin: each text in each translation language is a form field of its own.

Content models keep their English text in columns and the other languages of settings.LANGUAGES
in one `translations` JSON field (kb_schema.Text). Staff never see that JSON: for every Text member
of the model's kb_schema table whose English field the page shows, and every translation language,
the form gets a field named as in the data (`name_es`, `summary_fr`), and the page one collapsed
fieldset per language, titled with its name. Adding a language to settings.LANGUAGES adds its
fieldset; nothing here names a language.

A translation is required when its language is one of KNOWLEDGE_BASE_REQUIRED_LANGUAGES and the
English field may not be empty; it is optional otherwise, and an empty one falls back to English.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django import forms
from django.contrib.admin import widgets
from django.contrib.admin.utils import flatten_fieldsets
from django.db import models

from ..kb_schema import TRANSLATIONS, Text, table_of
from ..languages import language_name, required_languages, translation_languages

Translated = tuple[Text, str]  # a text and a translation language: one form field


def field_name(translated: Translated) -> str:
    text, language = translated
    return text.key(language)


def texts_of(model: type[models.Model]) -> tuple[Text, ...]:
    table = table_of(model)
    return () if table is None else table.texts


def translated_for(model: type[models.Model], shown: Iterable[str]) -> tuple[Translated, ...]:
    """The translation fields for the model's texts among `shown` field names, language by language."""
    shown = set(shown)
    texts = [text for text in texts_of(model) if text.name in shown]
    return tuple((text, language) for language in translation_languages() for text in texts)


def all_translated(model: type[models.Model]) -> tuple[Translated, ...]:
    """Every translation field the model can have, language by language."""
    return translated_for(model, [text.name for text in texts_of(model)])


def _form_field(model: type[models.Model], translated: Translated) -> forms.Field:
    """A field like the English one, labelled with the language's name."""
    text, language = translated
    english = model._meta.get_field(text.name)
    widget = widgets.AdminTextareaWidget if isinstance(english, models.TextField) else widgets.AdminTextInputWidget
    return english.formfield(
        label=f"{english.verbose_name} ({language_name(language)})",
        required=language in required_languages() and not english.blank,
        widget=widget,
    )


class TranslationsForm(forms.ModelForm):
    """A model form with a field per (text, language) of `translated`, read from and written to the
    row's `translations`. The admin sets `translated` on the form class it builds (see below)."""

    translated: tuple[Translated, ...] = ()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        stored = getattr(self.instance, TRANSLATIONS, None) or {}
        for translated in self.translated:
            name = field_name(translated)
            text, language = translated
            self.fields[name] = _form_field(self._meta.model, translated)
            self.initial.setdefault(name, stored.get(language, {}).get(text.name, ""))

    def _post_clean(self) -> None:
        # Before the model's own validation, so the instance it validates and saves is complete.
        values = {
            field_name(t): self.cleaned_data[field_name(t)]
            for t in self.translated
            if field_name(t) in self.cleaned_data
        }
        for text in dict.fromkeys(text for text, _language in self.translated):
            setattr(self.instance, TRANSLATIONS, text.translated(getattr(self.instance, TRANSLATIONS), values))
        super()._post_clean()


def _split(model: type[models.Model], names: Sequence[str] | None) -> tuple[list[str] | None, tuple[Translated, ...]]:
    """Requested form fields as (the model's own, for modelform_factory; the translation fields).

    None (every field of the model, as ModelAdmin.get_fields() asks) has no translation fields."""
    if names is None:
        return None, ()
    wanted = set(names)
    translated = tuple(t for t in all_translated(model) if field_name(t) in wanted)
    own = {field_name(t) for t in translated}
    return [name for name in names if name not in own], translated


def _with_translations(form: type[TranslationsForm], translated: tuple[Translated, ...]) -> type[TranslationsForm]:
    return type(form.__name__, (form,), {"translated": translated}) if translated else form


class _TranslationsMixin:
    """What the admin and inline mixins share: the fieldsets, and showing a translation read-only."""

    model: type[models.Model]
    form: type[forms.ModelForm] = TranslationsForm
    exclude: Sequence[str] | None = (TRANSLATIONS,)

    def translation_fieldsets(
        self, fieldsets: Sequence[tuple[Any, dict[str, Any]]]
    ) -> list[tuple[Any, dict[str, Any]]]:
        """One collapsed fieldset per translation language, for the texts `fieldsets` show."""
        translated = translated_for(self.model, flatten_fieldsets(fieldsets))
        return [
            (
                language_name(language),
                {"fields": tuple(field_name(t) for t in translated if t[1] == language), "classes": ("collapse",)},
            )
            for language in translation_languages()
            if any(t[1] == language for t in translated)
        ]

    def _requested_fields(
        self, request, obj, kwargs: dict[str, Any]
    ) -> tuple[list[str] | None, tuple[Translated, ...]]:
        names = kwargs.pop("fields") if "fields" in kwargs else flatten_fieldsets(self.get_fieldsets(request, obj))
        return _split(self.model, names)

    def __getattr__(self, name: str) -> Any:
        """A translation field shown read-only (vocabulary, history, staff without the change
        permission): the admin looks it up as an attribute of the model admin."""
        if name.startswith("_") or name in {"model", "form", "exclude"}:
            raise AttributeError(name)
        for text, language in all_translated(self.model):
            if text.key(language) == name:
                return _reader(text, language)
        raise AttributeError(name)


def _reader(text: Text, language: str) -> Any:
    def value(obj: models.Model) -> str:
        return (getattr(obj, TRANSLATIONS, None) or {}).get(language, {}).get(text.name, "")

    return value


class TranslationsAdminMixin(_TranslationsMixin):
    """For a ModelAdmin: the translation fieldsets go before the review fieldset (or last)."""

    def get_fieldsets(self, request, obj=None):
        fieldsets = list(super().get_fieldsets(request, obj))
        review = getattr(self, "review_fieldset", None)
        at = next((i for i, fieldset in enumerate(fieldsets) if fieldset is review), len(fieldsets))
        return [*fieldsets[:at], *self.translation_fieldsets(fieldsets), *fieldsets[at:]]

    def get_form(self, request, obj=None, change=False, **kwargs):
        fields, translated = self._requested_fields(request, obj, kwargs)
        form = super().get_form(request, obj, change, fields=fields, **kwargs)
        return _with_translations(form, translated)


class TranslationsInlineMixin(_TranslationsMixin):
    """For an inline: the translation fieldsets follow the inline's own fields."""

    def get_fieldsets(self, request, obj=None):
        fieldsets = list(super().get_fieldsets(request, obj))
        return [*fieldsets, *self.translation_fieldsets(fieldsets)]

    def get_formset(self, request, obj=None, **kwargs):
        fields, translated = self._requested_fields(request, obj, kwargs)
        formset = super().get_formset(request, obj, fields=fields, **kwargs)
        formset.form = _with_translations(formset.form, translated)
        return formset
