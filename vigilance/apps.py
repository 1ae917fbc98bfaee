from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VigilanceConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "vigilance"
    verbose_name = _("Vigilance: treatments, clusters and reports")
