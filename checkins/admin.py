"""Admin of the check-ins: schedules staff adjust, enrolments (and recording a treatment), the
check-ins' outbox, escalation settings, and on the follow-up queue the alert trail, the
clinician's verdict and the weekly measures."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.html import format_html, format_html_join
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from procedures.admin.followup import ContactRequestAdmin, ContactRequestForm
from procedures.models import ContactRequest
from procedures.selectors import published_knowledge_base
from procedures.wording import say

from . import metrics, services
from .forms import ClinicEnrolForm
from .models import (
    AlertVerdict,
    Checkin,
    CheckinSchedule,
    Enrolment,
    EscalationSettings,
    OutgoingMessage,
    ScheduledDay,
)

# --- Schedules ------------------------------------------------------------------------------------


class ScheduledDayInline(admin.TabularInline):
    model = ScheduledDay
    extra = 0
    fields = ("day", "high_risk", "reason")


@admin.register(CheckinSchedule)
class CheckinScheduleAdmin(admin.ModelAdmin):
    """One schedule per treatment, seeded by `manage.py seed_checkin_schedules` (docs/checkins.md).
    Changes apply to patients who enrol from then on."""

    list_display = ("procedure", "days_column", "high_risk_column", "derived_from", "updated_at")
    readonly_fields = ("derived_from", "updated_at")
    inlines = [ScheduledDayInline]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("days")

    @admin.display(description=_("days"))
    def days_column(self, obj: CheckinSchedule) -> str:
        return ", ".join(str(d.day) for d in obj.days.all())

    @admin.display(description=_("high-risk days"))
    def high_risk_column(self, obj: CheckinSchedule) -> str:
        return ", ".join(str(d.day) for d in obj.days.all() if d.high_risk) or "—"


# --- Enrolments -----------------------------------------------------------------------------------


class CheckinInline(admin.TabularInline):
    model = Checkin
    extra = 0
    can_delete = False
    fields = ("day", "high_risk", "due_at", "status", "sent_at", "reminded_at", "answered_at", "answer", "urgency")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Enrolment)
class EnrolmentAdmin(admin.ModelAdmin):
    list_display = ("__str__", "origin", "state", "created_at")
    list_filter = ("origin", ("opted_out_at", admin.EmptyFieldListFilter), "procedure")
    search_fields = ("=id", "email", "phone")
    readonly_fields = [f.name for f in Enrolment._meta.fields]
    inlines = [CheckinInline]
    actions = ["stop_checkins"]
    change_list_template = "admin/checkins/enrolment/change_list.html"

    @admin.display(description=_("state"))
    def state(self, obj: Enrolment) -> str:
        if obj.opted_out_at:
            return str(_("Stopped by the patient"))
        return str(_("Finished, details erased")) if obj.details_erased_at else str(_("Active"))

    def has_add_permission(self, request):
        return False  # patients enrol themselves; the clinic uses "Record a treatment"

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Stop check-ins and erase contact details"), permissions=["change"])
    def stop_checkins(self, request, queryset):
        stopped = sum(services.opt_out(enrolment) for enrolment in queryset)
        self.message_user(request, ngettext("%d enrolment stopped.", "%d enrolments stopped.", stopped) % stopped)

    def get_urls(self):
        record = path("record/", self.admin_site.admin_view(self.record_view), name="checkins_enrolment_record")
        return [record, *super().get_urls()]

    def record_view(self, request: HttpRequest) -> HttpResponse:
        """The clinic records a treatment and enrols the consenting patient."""
        if not request.user.has_perm("checkins.add_enrolment"):
            raise PermissionDenied
        kb = published_knowledge_base()
        options = {
            "procedures": [(slug, say(p.name, "en")) for slug, p in kb.procedures.items()],
            "languages": list(settings.LANGUAGES),
        }
        form = ClinicEnrolForm(request.POST or None, **options)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            enrolment = services.enrol(
                kb,
                procedure=data["procedure"],
                treated_on=data["treated_on"],
                contact=services.Contact(data["name"], data["email"], data["phone"], data["by_sms"]),
                language=data["language"],
                consent=data["consent"],
                origin=Enrolment.Origin.CLINIC,
            )
            self.message_user(request, _("Check-ins are on for this patient."), messages.SUCCESS)
            return redirect("admin:checkins_enrolment_change", enrolment.pk)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Record a treatment"),
            "opts": self.model._meta,
            "form": form,
        }
        return TemplateResponse(request, "admin/checkins/enrolment/record.html", context)


# --- Outbox and settings --------------------------------------------------------------------------


@admin.register(OutgoingMessage)
class OutgoingMessageAdmin(admin.ModelAdmin):
    """Check-in messages and texts to the on-call line, as the worker left them: read only."""

    list_display = ("created_at", "channel", "state", "attempts", "next_attempt_at", "last_error")
    list_filter = ("channel", ("sent_at", admin.EmptyFieldListFilter))
    exclude = ("body", "headers")  # a check-in link opens the patient's check-in: not for display
    readonly_fields = [f.name for f in OutgoingMessage._meta.fields if f.name not in ("body", "headers")]

    @admin.display(description=_("state"))
    def state(self, obj: OutgoingMessage) -> str:
        if obj.sent_at:
            return str(_("Sent"))
        return str(_("Failing, will retry")) if obj.attempts else str(_("Waiting"))

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(EscalationSettings)
class EscalationSettingsAdmin(admin.ModelAdmin):
    """One row: open it from the list (it is made on first visit)."""

    def changelist_view(self, request, extra_context=None):
        row = EscalationSettings.objects.filter(pk=EscalationSettings.SINGLETON_PK).first()
        if row is None and self.has_change_permission(request):
            row = EscalationSettings.objects.create()
        if row is not None:
            return redirect("admin:checkins_escalationsettings_change", row.pk)
        return super().changelist_view(request, extra_context)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# --- On the follow-up queue: the alert trail, the verdict, the weekly measures ---------------------


class QueueFormWithVerdict(ContactRequestForm):
    """The request's form with the clinician's verdict on the alert (blank: not given yet)."""

    alert_necessary = forms.ChoiceField(
        label=_("Was this alert necessary?"),
        required=False,
        choices=[("", _("Not judged yet")), ("yes", _("Yes: the clinic needed to act")), ("no", _("No"))],
        help_text=_("Your own verdict; the weekly measures count it."),
    )


class QueueWithAlertsAdmin(ContactRequestAdmin):
    """The follow-up queue as procedures/admin/followup.py builds it, with the check-ins' parts:
    the alert trail and the clinician's verdict on each request, and the weekly measures."""

    form = QueueFormWithVerdict
    change_list_template = "admin/checkins/contactrequest_change_list.html"
    readonly_fields = (*ContactRequestAdmin.readonly_fields, "alert_trail")
    fieldsets = (
        *ContactRequestAdmin.fieldsets,
        (_("Alert"), {"fields": ("alert_trail", "alert_necessary")}),
    )

    @admin.display(description=_("alert trail"))
    def alert_trail(self, obj: ContactRequest) -> str:
        """Every step with its time: raised, escalated (and to whom), acknowledged, contacted, closed."""
        steps = [(obj.created_at, str(_("Request received")), "")]
        steps += [(e.at, e.get_step_display(), e.sent_to) for e in obj.alert_events.all()]
        for stamp, label in ((obj.acknowledged_at, _("Acknowledged")), (obj.contacted_at, _("Contacted"))):
            if stamp:
                steps.append((stamp, str(label), ""))
        rows = format_html_join(
            "",
            "<li>{}: {}{}</li>",
            (
                (localtime(at).strftime("%Y-%m-%d %H:%M"), what, f" ({to})" if to else "")
                for at, what, to in sorted(steps)
            ),
        )
        return format_html("<ul>{}</ul>", rows)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        verdict = getattr(obj, "alert_verdict", None) if obj else None
        if verdict is not None:
            form.base_fields["alert_necessary"].initial = "yes" if verdict.necessary else "no"
        return form

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        answer = form.cleaned_data.get("alert_necessary")
        if answer and request.user.has_perm("checkins.change_alertverdict"):
            AlertVerdict.objects.update_or_create(
                contact_request=obj, defaults={"necessary": answer == "yes", "by": request.user}
            )

    def get_urls(self):
        weeks = path(
            "checkin-weeks/",
            self.admin_site.admin_view(self.weeks_view),
            name="procedures_contactrequest_checkin_weeks",
        )
        return [weeks, *super().get_urls()]

    def weeks_view(self, request: HttpRequest) -> HttpResponse:
        """Alerts raised, acknowledged within target, judged necessary, and check-ins answered, per week."""
        if not request.user.has_perm("procedures.view_contactrequest"):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "title": _("Alerts and check-ins per week"),
            "opts": self.model._meta,
            "weeks": metrics.recent_weeks(),
        }
        return TemplateResponse(request, "admin/checkins/checkin_weeks.html", context)


admin.site.unregister(ContactRequest)
admin.site.register(ContactRequest, QueueWithAlertsAdmin)
