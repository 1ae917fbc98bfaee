"""Admin for reviewing and publishing the knowledge base, and for the releases it produces.

Every save by staff makes a content row a draft again; "Submit for review" and "Publish"
(clinical reviewers only) move it on, and publishing goes through the safety gate in
services.publish_content(). Releases are frozen snapshots: listed here, never edited.
"""

from __future__ import annotations

from functools import partial

from django.contrib import admin, messages
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from .. import restore
from ..models import ContentStatus, KnowledgeBaseRelease
from ..services import PublishRefused, mark_draft, publish_content, submit_for_review
from .review import refused_page, review_page, safety_case_page

REVIEW_FIELDS = ("status", "reviewed_by", "reviewed_at", "updated_at")


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


class RestoresVersionsMixin:
    """The history page's "Revert" shows and restores a version's many-to-many relations too
    (simple-history fills the form from the row as it is now), inside one transaction."""

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        version = restore.version_of(obj)
        if version is None:
            return form
        then = restore.many_to_many_at(version)

        class VersionForm(form):
            def __init__(self, *args, **kwargs):
                super().__init__(*args, **kwargs)
                for name, ids in then.items():
                    if name in self.fields:
                        self.initial[name] = sorted(ids)

        VersionForm.__name__ = form.__name__
        return VersionForm

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        try:
            with transaction.atomic():
                return super().history_form_view(request, object_id, version_id, extra_context)
        except restore.RestoreRefused as refused:
            self.message_user(request, str(refused), messages.ERROR)
            return HttpResponseRedirect(request.path)


class ReviewedContentAdmin(RestoresVersionsMixin, SimpleHistoryAdmin):
    """Editing makes a row a draft; submit and publish are actions; restoring is from history."""

    readonly_fields = REVIEW_FIELDS
    list_per_page = 50
    actions = ["submit_selected", "publish_selected"]
    review_fieldset = (_("Review"), {"fields": REVIEW_FIELDS})

    def save_model(self, request, obj, form, change):
        # A version restored from the history page changes the row even when its form looks
        # unchanged, and brings back the rows edited on its page with it (procedures/restore.py).
        version = restore.version_of(obj)
        if not change or form.has_changed() or version is not None:
            mark_draft(obj)
        if version is not None:
            obj._change_reason = restore.reason(version)
        super().save_model(request, obj, form, change)
        if version is not None:
            plan = restore.restore_parts(
                obj, version, user=request.user, may_remove=self.has_publish_permission(request), keep=form.fields
            )
            if plan.changes or plan.removals:
                self.message_user(
                    request,
                    _("Its lists as they were with this version: %(back)d row(s) put back, %(gone)d removed.")
                    % {"back": len(plan.changes), "gone": len(plan.removals)},
                    messages.INFO,
                )

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
            return refused_page(request, refused, self.model._meta)
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


# --- Releases --------------------------------------------------------------------------------


@admin.register(KnowledgeBaseRelease)
class KnowledgeBaseReleaseAdmin(admin.ModelAdmin):
    """Releases, their safety cases, and the review page (what waits and what it would change)."""

    list_display = ("version", "label", "created_at", "published_by", "note", "safety_case_link")
    list_select_related = ("published_by",)
    search_fields = ("note", "content_hash")
    fields = ("version", "label", "created_at", "published_by", "note", "contents", "safety_case_link")
    readonly_fields = fields

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("review/", view(partial(review_page, model_admin=self)), name="procedures_review"),
            path(
                "<int:pk>/safety-case/",
                view(partial(safety_case_page, model_admin=self)),
                name="procedures_knowledgebaserelease_safety_case",
            ),
            path(
                "<int:pk>/safety-case.md",
                view(partial(safety_case_page, model_admin=self, markdown=True)),
                name="procedures_knowledgebaserelease_safety_case_md",
            ),
            *super().get_urls(),
        ]

    @admin.display(description=_("safety case"))
    def safety_case_link(self, obj: KnowledgeBaseRelease) -> str:
        url = reverse("admin:procedures_knowledgebaserelease_safety_case", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, _("safety case"))

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        # The frozen data is large: the list page does not need it.
        return (
            qs
            if request.resolver_match and request.resolver_match.url_name.endswith("_change")
            else qs.defer("data", "safety_case")
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
