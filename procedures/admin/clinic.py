"""Admin for the clinic's own facts: one settings page with its opening hours.

There is one row; the list page goes straight to it, and it cannot be deleted (blank fields fall
back to the environment's defaults, so there is nothing to delete).
"""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from ..models import ClinicSettings, OpeningHours


class OpeningHoursInline(admin.TabularInline):
    model = OpeningHours
    extra = 0
    fields = ("weekday", "opens", "closes")


@admin.register(ClinicSettings)
class ClinicSettingsAdmin(SimpleHistoryAdmin):
    inlines = [OpeningHoursInline]
    fieldsets = (
        (_("Who patients call"), {"fields": ("name", "daytime_phone", "on_call_phone", "emergency_number")}),
        (_("When the clinic answers"), {"fields": ("time_zone", "answer_minutes")}),
        (
            _("How soon the clinic calls back a contact request (minutes)"),
            {"fields": ("callback_minutes_urgent", "callback_minutes_soon", "callback_minutes_self_care")},
        ),
        (
            _("Urgent care, for when the clinic is closed"),
            {"fields": ("urgent_care_name", "urgent_care_phone", "urgent_care_address")},
        ),
    )

    def changelist_view(self, request: HttpRequest, extra_context=None):
        """The one settings row, created on first visit for those who may change it."""
        row = ClinicSettings.objects.filter(pk=ClinicSettings.SINGLETON_PK).first()
        if row is None and self.has_add_permission(request):
            return HttpResponseRedirect(reverse("admin:procedures_clinicsettings_add"))
        if row is not None:
            return HttpResponseRedirect(reverse("admin:procedures_clinicsettings_change", args=[row.pk]))
        return super().changelist_view(request, extra_context)

    def add_view(self, request: HttpRequest, form_url="", extra_context=None):
        """Adding when the row exists edits it (there is only one; the sidebar's "add" link is cheap)."""
        if ClinicSettings.objects.filter(pk=ClinicSettings.SINGLETON_PK).exists():
            return HttpResponseRedirect(
                reverse("admin:procedures_clinicsettings_change", args=[ClinicSettings.SINGLETON_PK])
            )
        return super().add_view(request, form_url, extra_context)

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False
