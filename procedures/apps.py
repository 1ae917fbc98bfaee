from django.apps import AppConfig


class ProceduresConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "procedures"
    verbose_name = "Clinical knowledge base"

    def ready(self) -> None:
        from . import clinic, languages  # noqa: F401  (languages registers its system check)

        clinic.connect_signals()
