from django.apps import AppConfig


class ProceduresConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "procedures"
    verbose_name = "Clinical knowledge base"

    def ready(self) -> None:
        from . import languages  # noqa: F401  (registers the language settings' system check)
