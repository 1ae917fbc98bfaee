"""Patient text in other languages: from a `<field>_es` column per text to one `translations` JSON
field per row, `{"es": {"label": "..."}}` (docs/decisions/0001-translations.md).

Adds the field to every content model with text and to its history (django-simple-history), copies
each non-empty Spanish column into it, then drops the columns. Reversible: going back restores the
Spanish columns from `translations["es"]` (text in any other language is then lost).

A migration is a record of the schema as it was: the columns it removes were Spanish, so it names
them; nothing after it does.
"""

from django.db import migrations, models

LANGUAGE = "es"  # the language of the columns removed here
SUFFIX = f"_{LANGUAGE}"

# The text with a Spanish column, per model, as 0001 created them.
TEXTS = {
    "area": ("name",),
    "symptom": ("label",),
    "procedure": ("name", "description"),
    "complication": ("name", "summary", "what_to_do", "self_care", "escalation", "evidence_note"),
    "procedurecomplication": ("note",),
    "combinationrule": ("explanation",),
    "expectedeffect": ("name", "description"),
}
# Each model and its history table, which had the same columns.
MODELS = {name: texts for model, texts in TEXTS.items() for name in (model, f"historical{model}")}
BATCH = 500


def _rewrite(apps, copy, update_fields) -> None:
    """Apply `copy(obj, texts)` to every row of every model, then save `update_fields(texts)`."""
    for name, texts in MODELS.items():
        model = apps.get_model("procedures", name)
        manager = model._base_manager
        batch = []
        for obj in manager.all().iterator(chunk_size=BATCH):
            copy(obj, texts)
            batch.append(obj)
            if len(batch) >= BATCH:
                manager.bulk_update(batch, update_fields(texts))
                batch = []
        if batch:
            manager.bulk_update(batch, update_fields(texts))


def _to_translations(obj, texts) -> None:
    values = {text: getattr(obj, text + SUFFIX) for text in texts if getattr(obj, text + SUFFIX)}
    obj.translations = {LANGUAGE: values} if values else {}


def _to_columns(obj, texts) -> None:
    values = (obj.translations or {}).get(LANGUAGE, {})
    for text in texts:
        setattr(obj, text + SUFFIX, values.get(text) or "")


class RemoveTextColumn(migrations.RemoveField):
    """RemoveField which, going back, re-adds the column with "" in every existing row (the
    Spanish columns had no default, and NOT NULL cannot be added to rows without a value); the
    reverse data step then fills them in."""

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        to_model = to_state.apps.get_model(app_label, self.model_name)
        if self.allow_migrate_model(schema_editor.connection.alias, to_model):
            from_model = from_state.apps.get_model(app_label, self.model_name)
            name, _path, args, kwargs = to_model._meta.get_field(self.name).deconstruct()
            column = to_model._meta.get_field(self.name).__class__(*args, **{**kwargs, "default": ""})
            column.set_attributes_from_name(name)
            column.model = to_model
            schema_editor.add_field(from_model, column)


def columns_to_translations(apps, schema_editor) -> None:
    _rewrite(apps, _to_translations, lambda texts: ["translations"])


def translations_to_columns(apps, schema_editor) -> None:
    _rewrite(apps, _to_columns, lambda texts: [text + SUFFIX for text in texts])


class Migration(migrations.Migration):

    dependencies = [
        ("procedures", "0004_effect_improving_window_and_rule_trend"),
    ]

    operations = [
        *(
            migrations.AddField(
                model_name=name,
                name="translations",
                field=models.JSONField(blank=True, default=dict),
            )
            for name in sorted(MODELS)
        ),
        migrations.RunPython(columns_to_translations, translations_to_columns),
        *(
            RemoveTextColumn(model_name=name, name=text + SUFFIX)
            for name, texts in sorted(MODELS.items())
            for text in texts
        ),
    ]
