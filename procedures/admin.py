"""The staff admin: clinical content with review and history, and the follow-up queue.

Content: every save by staff makes the row a draft again; "Submit for review" and "Publish"
(clinical reviewers only) move it on, and publishing goes through the safety gate in
services.publish_content(). History (django-simple-history) records every change with its user;
a previous version can be restored from the history page (the restored row is a draft again).
Symptoms, areas and sources are the shared vocabulary: loaded from fixtures/, read-only here.

Follow-up: contact requests sorted by level then waiting time, with each wait against its target.
"""

from __future__ import annotations

import csv

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from . import followup
from .models import (
    Area,
    CombinationRule,
    Complication,
    ContactRequest,
    ContentStatus,
    ExpectedEffect,
    KnowledgeBaseRelease,
    Procedure,
    ProcedureComplication,
    RuleClause,
    Source,
    Symptom,
    WarningSign,
)
from .services import PublishRefused, advance_contact_request, mark_draft, publish_content, submit_for_review

REVIEW_FIELDS = ("status", "reviewed_by", "reviewed_at", "updated_at")


# --- Forms -----------------------------------------------------------------------------------


class LockedKeysForm(forms.ModelForm):
    """Refuses changes to the fields that identify a row (slug, parent) once it exists.

    Releases match rows by these natural keys (see releases.py), and vignettes and fixtures name
    them; to rename, a reviewer adds a new row and deletes the old one.
    """

    locked_fields: tuple[str, ...] = ()

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk:
            for name in self.locked_fields:
                if name in self.fields and name in self.changed_data:
                    self.add_error(
                        name,
                        _(
                            "This identifies the row and cannot be changed. "
                            "Add a new one and ask a reviewer to delete this one."
                        ),
                    )
        return cleaned


def locked(*names: str) -> type[LockedKeysForm]:
    return type("Locked" + "".join(n.title() for n in names) + "Form", (LockedKeysForm,), {"locked_fields": names})


# --- Review workflow, shared by every editable content model ---------------------------------


@admin.display(description=_("status"), ordering="status")
def status_column(obj) -> str:
    icons = {ContentStatus.DRAFT: "✎", ContentStatus.IN_REVIEW: "⌛", ContentStatus.PUBLISHED: "✓"}
    return f"{icons.get(obj.status, '')} {obj.get_status_display()}"


class ReviewedInlineMixin:
    extra = 0
    show_change_link = True

    def has_delete_permission(self, request, obj=None):
        # Deleting goes live at the next release without review: clinical reviewers only.
        return request.user.has_perm("procedures.publish_content") and super().has_delete_permission(request, obj)


class ReviewedContentAdmin(SimpleHistoryAdmin):
    """Editing makes a row a draft; submit and publish are actions; restoring is from history."""

    readonly_fields = REVIEW_FIELDS
    list_per_page = 50
    actions = ["submit_selected", "publish_selected"]
    review_fieldset = (_("Review"), {"fields": REVIEW_FIELDS})

    def save_model(self, request, obj, form, change):
        # A restore from the history page changes the row even though its form looks unchanged.
        restoring = request.resolver_match is not None and request.resolver_match.url_name.endswith("_simple_history")
        if not change or form.has_changed() or restoring:
            mark_draft(obj)
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        for inline_form in formset.forms:
            if (
                inline_form.has_changed()
                and inline_form.instance is not None
                and hasattr(inline_form.instance, "status")
            ):
                mark_draft(inline_form.instance)
        super().save_formset(request, form, formset, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if any(formset.has_changed() for formset in formsets):
            # Saved again so the history shows the inline changes (links, sources) with the row.
            obj = form.instance
            mark_draft(obj)
            obj._history_user = request.user
            obj.save()

    def has_publish_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("procedures.publish_content")

    @admin.action(description=_("Submit selected for review"), permissions=["change"])
    def submit_selected(self, request: HttpRequest, queryset: QuerySet) -> None:
        moved = submit_for_review(queryset, user=request.user)
        self.message_user(
            request, ngettext("%d row is now in review.", "%d rows are now in review.", moved) % moved, messages.SUCCESS
        )

    @admin.action(description=_("Publish selected (reviewers; runs the safety check)"), permissions=["publish"])
    def publish_selected(self, request: HttpRequest, queryset: QuerySet) -> HttpResponse | None:
        try:
            published = publish_content(queryset, user=request.user)
        except PublishRefused as refused:
            return TemplateResponse(
                request,
                "admin/procedures/publish_refused.html",
                {
                    **self.admin_site.each_context(request),
                    "title": _("Publishing refused"),
                    "report": refused.report,
                    "opts": self.model._meta,
                },
                status=409,
            )
        if published.release is None:
            self.message_user(
                request,
                _("%(n)d row(s) approved; patients already see this content, so no new release was needed.")
                % {"n": published.rows},
                messages.SUCCESS,
            )
        else:
            summary = published.report.summary
            self.message_user(
                request,
                _(
                    "%(n)d row(s) published in release %(label)s. Safety check: %(vignettes)d stories, "
                    "no emergency missed, under-triage %(under)s%%."
                )
                % {
                    "n": published.rows,
                    "label": published.release.label,
                    "vignettes": summary["vignettes"],
                    "under": summary["under"],
                },
                messages.SUCCESS,
            )
        return None


class ReadOnlyAdmin(SimpleHistoryAdmin):
    """Shared vocabulary: viewable and searchable, changed only through fixtures/."""

    list_per_page = 100

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# --- Vocabulary (read-only) ------------------------------------------------------------------


@admin.register(Symptom)
class SymptomAdmin(ReadOnlyAdmin):
    list_display = ("label", "slug", "group", "label_es", "position", status_column)
    list_filter = ("group", "status")
    search_fields = ("slug", "label", "label_es")


@admin.register(Area)
class AreaAdmin(ReadOnlyAdmin):
    list_display = ("name", "slug", "name_es", "position", status_column)
    list_filter = ("status",)
    search_fields = ("slug", "name", "name_es")


@admin.register(Source)
class SourceAdmin(ReadOnlyAdmin):
    list_display = ("code", "title", "grade", "link", status_column)
    list_filter = ("grade", "status")
    search_fields = ("code", "title", "url")

    @admin.display(description=_("web page"))
    def link(self, obj: Source) -> str:
        return format_html('<a href="{}" rel="noopener noreferrer">{}</a>', obj.url, obj.url[:60]) if obj.url else "—"


# --- Procedures ------------------------------------------------------------------------------


class ExpectedEffectInline(ReviewedInlineMixin, admin.StackedInline):
    model = ExpectedEffect
    form = locked("slug")
    autocomplete_fields = ("symptoms", "becomes", "sources")
    fields = (
        ("name", "slug", "position"),
        ("name_es",),
        "description",
        "description_es",
        "symptoms",
        ("worst_by_day", "normal_until_day", "improving_until_day", "level_after"),
        "becomes",
        "sources",
        "status",
    )
    readonly_fields = ("status",)


class ProcedureLinkInline(ReviewedInlineMixin, admin.TabularInline):
    model = ProcedureComplication
    form = locked("complication")
    fk_name = "procedure"
    autocomplete_fields = ("complication",)
    fields = (
        "complication",
        "onset_min_days",
        "onset_max_days",
        "frequency_band",
        "evidence_grade",
        "urgency",
        "frequency",
        "status",
    )
    readonly_fields = ("status",)
    verbose_name = _("complication of this procedure")
    verbose_name_plural = _("complications of this procedure")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("complication")


@admin.register(Procedure)
class ProcedureAdmin(ReviewedContentAdmin):
    form = locked("slug")
    list_display = ("name", "slug", "kind", "brand_names", "effects", "complications", status_column, "reviewed_by")
    list_filter = ("status", "kind")
    list_select_related = ("reviewed_by",)
    search_fields = ("name", "name_es", "slug", "aliases")
    inlines = (ExpectedEffectInline, ProcedureLinkInline)
    fieldsets = (
        (None, {"fields": (("name", "slug"), "aliases", ("kind", "position"), "description")}),
        (_("Spanish"), {"fields": ("name_es", "description_es"), "classes": ("collapse",)}),
        ReviewedContentAdmin.review_fieldset,
    )

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(n_effects=Count("expected_effects", distinct=True), n_links=Count("links", distinct=True))
        )

    @admin.display(description=_("brand names"))
    def brand_names(self, obj: Procedure) -> str:
        return ", ".join(obj.alias_list) or "—"

    @admin.display(description=_("expected effects"), ordering="n_effects")
    def effects(self, obj: Procedure) -> int:
        return obj.n_effects

    @admin.display(description=_("complications"), ordering="n_links")
    def complications(self, obj: Procedure) -> int:
        return obj.n_links


@admin.register(ExpectedEffect)
class ExpectedEffectAdmin(ReviewedContentAdmin):
    form = locked("procedure", "slug")
    list_display = ("name", "procedure", "worst_by_day", "normal_until_day", "level_after", "becomes", status_column)
    list_filter = ("status", "level_after", "procedure")
    list_select_related = ("procedure", "becomes")
    search_fields = ("name", "name_es", "slug", "procedure__name", "procedure__slug", "procedure__aliases")
    autocomplete_fields = ("procedure", "symptoms", "becomes", "sources")
    fieldsets = (
        (None, {"fields": ("procedure", ("name", "slug", "position"), "description", "symptoms")}),
        (
            _("Time course"),
            {
                "fields": (
                    ("worst_by_day", "normal_until_day", "improving_until_day"),
                    "level_after",
                    "becomes",
                    "sources",
                )
            },
        ),
        (_("Spanish"), {"fields": ("name_es", "description_es"), "classes": ("collapse",)}),
        ReviewedContentAdmin.review_fieldset,
    )


@admin.register(ProcedureComplication)
class ProcedureComplicationAdmin(ReviewedContentAdmin):
    form = locked("procedure", "complication")
    list_display = (
        "__str__",
        "procedure",
        "complication",
        "onset",
        "frequency_band",
        "evidence_grade",
        "urgency",
        status_column,
    )
    list_filter = ("status", "urgency", "evidence_grade", "frequency_band", "procedure")
    list_select_related = ("procedure", "complication")
    search_fields = (
        "procedure__name",
        "procedure__slug",
        "procedure__aliases",
        "complication__name",
        "complication__slug",
    )
    autocomplete_fields = ("procedure", "complication")
    fieldsets = (
        (None, {"fields": ("procedure", "complication", ("onset_min_days", "onset_max_days"), "urgency")}),
        (_("How often and how sure"), {"fields": ("frequency", "frequency_band", "evidence_grade", "note")}),
        (_("Spanish"), {"fields": ("note_es",), "classes": ("collapse",)}),
        ReviewedContentAdmin.review_fieldset,
    )

    @admin.display(description=_("usual onset"))
    def onset(self, obj: ProcedureComplication) -> str:
        end = obj.onset_max_days if obj.onset_max_days is not None else "…"
        return _("day %(start)s–%(end)s") % {"start": obj.onset_min_days, "end": end}


# --- Complications and their signs -----------------------------------------------------------


class WarningSignInline(ReviewedInlineMixin, admin.TabularInline):
    model = WarningSign
    form = locked("symptom")
    autocomplete_fields = ("symptom", "except_procedures")
    fields = ("symptom", "weight", "urgency", "except_procedures", "status")
    readonly_fields = ("status",)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("symptom")


class RuleInline(admin.TabularInline):
    """Rules listed on their complication; their clauses are edited on the rule's own page."""

    model = CombinationRule
    fields = ("name", "urgency", "status")
    readonly_fields = fields
    extra = 0
    show_change_link = True
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class SourceInline(admin.TabularInline):
    model = Complication.sources.through
    autocomplete_fields = ("source",)
    extra = 0
    verbose_name = _("source")
    verbose_name_plural = _("sources")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("source")


@admin.register(Complication)
class ComplicationAdmin(ReviewedContentAdmin):
    form = locked("slug")
    list_display = (
        "name",
        "slug",
        "default_urgency",
        "cross_cutting",
        "procedures",
        "warning_signs",
        "rules",
        status_column,
        "reviewed_by",
    )
    list_filter = (
        "status",
        "default_urgency",
        "cross_cutting",
        ("links__procedure", admin.RelatedOnlyFieldListFilter),
        "links__evidence_grade",
    )
    list_select_related = ("reviewed_by",)
    search_fields = ("name", "name_es", "slug", "links__procedure__name", "links__procedure__aliases")
    autocomplete_fields = ("typical_areas",)
    inlines = (WarningSignInline, RuleInline, SourceInline)
    fieldsets = (
        (None, {"fields": (("name", "slug"), ("default_urgency", "cross_cutting"), "typical_areas")}),
        (
            _("Onset (when no procedure says otherwise)"),
            {"fields": (("default_onset_min_days", "default_onset_max_days"),)},
        ),
        (
            _("What the patient reads"),
            {"fields": ("summary", "what_to_do", "self_care", "escalation", "evidence_note")},
        ),
        (
            _("Spanish"),
            {
                "fields": (
                    "name_es",
                    "summary_es",
                    "what_to_do_es",
                    "self_care_es",
                    "escalation_es",
                    "evidence_note_es",
                ),
                "classes": ("collapse",),
            },
        ),
        ReviewedContentAdmin.review_fieldset,
    )

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                n_procedures=Count("links", distinct=True),
                n_signs=Count("warning_signs", distinct=True),
                n_rules=Count("rules", distinct=True),
            )
        )

    @admin.display(description=_("procedures"), ordering="n_procedures")
    def procedures(self, obj: Complication) -> str | int:
        return _("all") if obj.cross_cutting else obj.n_procedures

    @admin.display(description=_("warning signs"), ordering="n_signs")
    def warning_signs(self, obj: Complication) -> int:
        return obj.n_signs

    @admin.display(description=_("rules"), ordering="n_rules")
    def rules(self, obj: Complication) -> int:
        return obj.n_rules


@admin.register(WarningSign)
class WarningSignAdmin(ReviewedContentAdmin):
    form = locked("complication", "symptom")
    list_display = ("symptom", "complication", "weight", "urgency", "exceptions", status_column)
    list_filter = (
        "status",
        "urgency",
        "complication__cross_cutting",
        ("complication", admin.RelatedOnlyFieldListFilter),
    )
    list_select_related = ("symptom", "complication")
    search_fields = ("symptom__slug", "symptom__label", "complication__name", "complication__slug")
    autocomplete_fields = ("complication", "symptom", "except_procedures")
    fieldsets = (
        (None, {"fields": ("complication", "symptom", ("weight", "urgency"), "except_procedures")}),
        ReviewedContentAdmin.review_fieldset,
    )

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(n_exceptions=Count("except_procedures"))

    @admin.display(description=_("not for"), ordering="n_exceptions")
    def exceptions(self, obj: WarningSign) -> str | int:
        return obj.n_exceptions or "—"


class RuleClauseInline(ReviewedInlineMixin, admin.TabularInline):
    model = RuleClause
    form = locked("position")
    autocomplete_fields = ("symptoms",)
    fields = ("position", "symptoms", "status")
    readonly_fields = ("status",)
    min_num = 1
    validate_min = True
    verbose_name = _("clause (any one of these symptoms)")
    verbose_name_plural = _("clauses: the rule fires when every clause has at least one of its symptoms")


@admin.register(CombinationRule)
class CombinationRuleAdmin(ReviewedContentAdmin):
    form = locked("slug", "complication")
    list_display = ("name", "slug", "complication", "urgency", "clauses", "days", status_column)
    list_filter = ("status", "urgency", ("complication", admin.RelatedOnlyFieldListFilter))
    list_select_related = ("complication",)
    search_fields = ("name", "slug", "complication__name", "complication__slug")
    autocomplete_fields = ("complication", "procedures", "except_procedures", "areas")
    inlines = (RuleClauseInline,)
    fieldsets = (
        (None, {"fields": (("name", "slug"), "complication", "urgency", "explanation")}),
        (
            _("Where it applies"),
            {"fields": ("procedures", "except_procedures", "areas", ("min_day", "max_day"), "trend")},
        ),
        (_("Spanish"), {"fields": ("explanation_es",), "classes": ("collapse",)}),
        ReviewedContentAdmin.review_fieldset,
    )

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(n_clauses=Count("clauses"))

    @admin.display(description=_("clauses"), ordering="n_clauses")
    def clauses(self, obj: CombinationRule) -> int:
        return obj.n_clauses

    @admin.display(description=_("days"))
    def days(self, obj: CombinationRule) -> str:
        if obj.min_day is None and obj.max_day is None:
            return _("any")
        return f"{obj.min_day if obj.min_day is not None else 0}–{obj.max_day if obj.max_day is not None else '…'}"


# --- Releases --------------------------------------------------------------------------------


@admin.register(KnowledgeBaseRelease)
class KnowledgeBaseReleaseAdmin(admin.ModelAdmin):
    list_display = ("version", "label", "created_at", "published_by", "note")
    list_select_related = ("published_by",)
    search_fields = ("note", "content_hash")
    fields = ("version", "label", "created_at", "published_by", "note", "contents")
    readonly_fields = fields

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        # The frozen data is large: the list page does not need it.
        return (
            qs if request.resolver_match and request.resolver_match.url_name.endswith("_change") else qs.defer("data")
        )

    @admin.display(description=_("contents"))
    def contents(self, obj: KnowledgeBaseRelease) -> str:
        data = obj.data or {}
        return ", ".join(
            f"{len(data.get(kind, []))} {kind}" for kind in ("procedures", "complications", "symptoms", "sources")
        )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


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
        icons = {"emergency": "⛑", "urgent": "⚠", "soon": "☎", "self_care": "✓"}
        return f"{icons.get(obj.urgency, '')} {obj.get_urgency_display()}"

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
        return format_html(
            "{}: {}, {} {}<br>{}: {}<br>{}: {}<br>{}: {}",
            _("Treatment"),
            treatment.get("procedure", "—"),
            _("day"),
            treatment.get("days", "—"),
            _("Area"),
            treatment.get("area") or "—",
            _("Symptoms"),
            ", ".join(symptoms.get("symptoms") or []) or "—",
            _("Trend / red flags"),
            f"{symptoms.get('trend') or '—'} / {', '.join(red_flags) or '—'}",
        )

    @admin.display(description=_("result shown"))
    def result_summary(self, obj: ContactRequest) -> str:
        result = obj.result or {}
        complications = ", ".join(c.get("slug", "") for c in result.get("complications", [])) or "—"
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
