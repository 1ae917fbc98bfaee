"""Admin for the follow-up queue: contact requests sorted by level then waiting time.

Each wait is shown against its target; staff move a request on (acknowledged, contacted, closed),
export the queue without names or contact details, and compare the engine with clinicians'
judgement on closed cases (triage statistics).
"""

from __future__ import annotations

import csv

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .. import followup  # procedures/followup.py: targets, waiting times, triage on real cases
from ..models import ContactRequest, StaffNotification
from ..outbox import failing_notifications
from ..selectors import published_knowledge_base
from ..services import advance_contact_request
from ..triage.scales import LEVEL_BY_VALUE


def _label_in(kb):
    """Staff read the patient's answers as words, not slugs: the English name of a slug in the
    published knowledge base (the slug itself when the release no longer has it)."""

    def name(section: str, slug: str | None) -> str:
        if not slug:
            return "—"
        row = getattr(kb, section).get(slug)
        text = getattr(row, "label", None) or getattr(row, "name", None)
        return text.get("en") if text is not None else slug

    return name


# --- Follow-up queue -------------------------------------------------------------------------


class QueueFilter(admin.SimpleListFilter):
    """Open requests by default: the queue is what still needs doing."""

    title = _("queue")
    parameter_name = "queue"

    def lookups(self, request, model_admin):
        return (("open", _("Open")), ("closed", _("Closed")), ("all", _("All")))

    def choices(self, changelist):
        current = self.value() or "open"
        for value, label in self.lookup_choices:
            yield {
                "selected": current == value,
                "query_string": changelist.get_query_string({self.parameter_name: value}),
                "display": label,
            }

    def queryset(self, request, queryset):
        value = self.value() or "open"
        if value == "open":
            return queryset.exclude(status=ContactRequest.Status.CLOSED)
        if value == "closed":
            return queryset.filter(status=ContactRequest.Status.CLOSED)
        return queryset


class ContactRequestForm(forms.ModelForm):
    class Meta:
        model = ContactRequest
        fields = ("status", "outcome", "outcome_note", "clinician_urgency")

    def clean_status(self):
        new = self.cleaned_data["status"]
        old = self.initial.get("status", ContactRequest.Status.NEW)
        order = ContactRequest.STATUS_ORDER
        if order.index(new) < order.index(old):
            raise forms.ValidationError(_("A request cannot move back to an earlier status."))
        return new


CSV_FIELDS = (
    "id",
    "created_at",
    "urgency",
    "status",
    "waited_minutes",
    "target_minutes",
    "preferred_time",
    "procedure",
    "day",
    "outcome",
    "clinician_urgency",
    "engine_version",
    "knowledge_base_version",
)


def _csv_safe(value) -> str:
    """Spreadsheets run cells that start with = + - @ as formulas; quote them."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


@admin.register(ContactRequest)
class ContactRequestAdmin(admin.ModelAdmin):
    form = ContactRequestForm
    change_list_template = "admin/procedures/contactrequest/change_list.html"

    def changelist_view(self, request: HttpRequest, extra_context=None):
        failing = failing_notifications()
        if failing:
            self.message_user(
                request,
                ngettext(
                    "%(count)d email to staff is failing and will be retried: check the mail server "
                    "(Staff notifications).",
                    "%(count)d emails to staff are failing and will be retried: check the mail server "
                    "(Staff notifications).",
                    failing,
                )
                % {"count": failing},
                level=messages.WARNING,
            )
        return super().changelist_view(request, extra_context)

    list_display = (
        "reference",
        "urgency_column",
        "waiting",
        "status",
        "preferred_time",
        "procedure",
        "created_at",
        "handled_by",
    )
    list_display_links = ("reference",)
    list_filter = (QueueFilter, "urgency", "status", "clinician_urgency", "outcome")
    list_select_related = ("handled_by",)
    search_fields = ("=id", "name", "phone", "email")
    actions = ["mark_acknowledged", "mark_contacted", "export_csv"]
    date_hierarchy = "created_at"
    readonly_fields = (
        "reference",
        "urgency_column",
        "waiting",
        "created_at",
        "name",
        "phone",
        "email",
        "preferred_time",
        "language",
        "consent_text_version",
        "answers_summary",
        "result_summary",
        "engine_version",
        "knowledge_base_version",
        "handled_by",
        "acknowledged_at",
        "contacted_at",
        "closed_at",
    )
    fieldsets = (
        (None, {"fields": ("reference", "urgency_column", "waiting", "created_at")}),
        (_("Patient"), {"fields": ("name", "phone", "email", "preferred_time", "language", "consent_text_version")}),
        (
            _("What they told us and what they were told"),
            {"fields": ("answers_summary", "result_summary", "engine_version", "knowledge_base_version")},
        ),
        (
            _("Follow-up"),
            {
                "fields": (
                    "status",
                    "outcome",
                    "clinician_urgency",
                    "outcome_note",
                    "handled_by",
                    "acknowledged_at",
                    "contacted_at",
                    "closed_at",
                )
            },
        ),
    )

    def get_queryset(self, request):
        # The base queryset is ordered by get_ordering(), which names the annotation: annotate first.
        qs = followup.with_level_rank(self.model._default_manager.get_queryset())
        return qs.order_by(*self.get_ordering(request))

    def get_ordering(self, request):
        return ("level_rank", "created_at")

    def has_add_permission(self, request):
        return False  # requests come from patients

    @admin.display(description=_("request"), ordering="id")
    def reference(self, obj: ContactRequest) -> str:
        return f"#{obj.pk}"

    @admin.display(description=_("result level"), ordering="level_rank")
    def urgency_column(self, obj: ContactRequest) -> str:
        icon = LEVEL_BY_VALUE[obj.urgency].icon if obj.urgency in LEVEL_BY_VALUE else ""
        return f"{icon} {obj.get_urgency_display()}"

    @admin.display(description=_("waited / target"))
    def waiting(self, obj: ContactRequest) -> str:
        if obj.pk is None:
            return "—"
        waited = followup.waited(obj)
        target = followup.target(obj.urgency)
        text = f"{followup.format_duration(waited)} / {followup.format_duration(target)}"
        if waited > target:
            return format_html('<strong style="color:#b00">{} ⚠ {}</strong>', text, _("over target"))
        return text

    @admin.display(description=_("procedure"))
    def procedure(self, obj: ContactRequest) -> str:
        treatment = (obj.answers or {}).get("treatment") or {}
        return treatment.get("procedure") or "—"

    @admin.display(description=_("answers"))
    def answers_summary(self, obj: ContactRequest) -> str:
        answers = obj.answers or {}
        treatment = answers.get("treatment") or {}
        symptoms = answers.get("symptoms") or {}
        red_flags = (answers.get("screen") or {}).get("red_flags") or []
        name = _label_in(published_knowledge_base())
        return format_html(
            "{}: {}, {} {}<br>{}: {}<br>{}: {}<br>{}: {}",
            _("Treatment"),
            name("procedures", treatment.get("procedure")),
            _("day"),
            treatment.get("days", "—"),
            _("Area"),
            name("areas", treatment.get("area")),
            _("Symptoms"),
            ", ".join(name("symptoms", slug) for slug in symptoms.get("symptoms") or []) or "—",
            _("Trend / red flags"),
            f"{symptoms.get('trend') or '—'} / {', '.join(name('symptoms', s) for s in red_flags) or '—'}",
        )

    @admin.display(description=_("result shown"))
    def result_summary(self, obj: ContactRequest) -> str:
        result = obj.result or {}
        name = _label_in(published_knowledge_base())
        complications = ", ".join(name("complications", c.get("slug")) for c in result.get("complications", [])) or "—"
        return format_html(
            "{}: {}<br>{}: {}<br>{}: {}",
            _("Level"),
            result.get("urgency", "—"),
            _("Likely"),
            complications,
            _("Red flags"),
            ", ".join(result.get("red_flags", [])) or "—",
        )

    def save_model(self, request, obj, form, change):
        if "status" in form.changed_data:
            new_status = obj.status
            obj.status = form.initial["status"]
            advance_contact_request(obj, new_status, user=request.user)
        else:
            obj.handled_by = request.user
        super().save_model(request, obj, form, change)

    def _advance(self, request, queryset, status) -> None:
        moved = 0
        for obj in queryset:
            if advance_contact_request(obj, status, user=request.user):
                obj.save()
                moved += 1
        self.message_user(request, ngettext("%d request updated.", "%d requests updated.", moved) % moved)

    @admin.action(description=_("Mark acknowledged"), permissions=["change"])
    def mark_acknowledged(self, request, queryset):
        self._advance(request, queryset, ContactRequest.Status.ACKNOWLEDGED)

    @admin.action(description=_("Mark contacted"), permissions=["change"])
    def mark_contacted(self, request, queryset):
        self._advance(request, queryset, ContactRequest.Status.CONTACTED)

    @admin.action(description=_("Export selected as CSV (no names or contact details)"), permissions=["view"])
    def export_csv(self, request, queryset):
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        response["Content-Disposition"] = f'attachment; filename="contact-requests-{stamp}.csv"'
        writer = csv.writer(response)
        writer.writerow(CSV_FIELDS)
        now = timezone.now()
        for obj in queryset.order_by("created_at"):
            treatment = (obj.answers or {}).get("treatment") or {}
            row = {
                "id": obj.pk,
                "created_at": timezone.localtime(obj.created_at).isoformat(timespec="minutes"),
                "urgency": obj.urgency,
                "status": obj.status,
                "waited_minutes": int(followup.waited(obj, now).total_seconds() // 60),
                "target_minutes": int(followup.target(obj.urgency).total_seconds() // 60),
                "preferred_time": obj.preferred_time,
                "procedure": treatment.get("procedure", ""),
                "day": treatment.get("days", ""),
                "outcome": obj.outcome,
                "clinician_urgency": obj.clinician_urgency,
                "engine_version": obj.engine_version,
                "knowledge_base_version": obj.knowledge_base_version,
            }
            writer.writerow([_csv_safe(row[name]) for name in CSV_FIELDS])
        return response

    def get_urls(self):
        urls = super().get_urls()
        stats = path(
            "triage-stats/",
            self.admin_site.admin_view(self.triage_stats_view),
            name="procedures_contactrequest_triage_stats",
        )
        return [stats, *urls]

    def triage_stats_view(self, request: HttpRequest) -> HttpResponse:
        """Under- and over-triage of the engine against clinicians' judgement on closed real cases."""
        if not request.user.has_perm("procedures.view_triage_stats"):
            raise PermissionDenied
        stats = followup.triage_stats()
        levels = [(level, followup.LEVEL_LABELS[level]) for level in followup.LEVELS]
        rows = [(label, [stats.matrix[level][other] for other, _label in levels]) for level, label in levels]
        return TemplateResponse(
            request,
            "admin/procedures/contactrequest/triage_stats.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Triage on real cases"),
                "opts": self.model._meta,
                "stats": stats,
                "levels": levels,
                "rows": rows,
                "changelist_url": reverse("admin:procedures_contactrequest_changelist"),
            },
        )


# --- The mail outbox ----------------------------------------------------------------------------


@admin.register(StaffNotification)
class StaffNotificationAdmin(admin.ModelAdmin):
    """Emails to staff, as the outbox worker left them: read only. Failing ones are flagged on the
    follow-up queue too, because a failing mail server means staff are not being told."""

    list_display = ("created_at", "subject", "state", "attempts", "next_attempt_at", "last_error")
    list_filter = (("sent_at", admin.EmptyFieldListFilter),)
    readonly_fields = [f.name for f in StaffNotification._meta.fields]

    @admin.display(description=_("state"))
    def state(self, obj: StaffNotification) -> str:
        if obj.sent_at:
            return str(_("Sent"))
        return str(_("Failing, will retry")) if obj.attempts else str(_("Waiting"))

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False
