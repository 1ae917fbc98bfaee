"""Admin for coverage as content: test stories (vignettes) and sign-offs for weakened content.

Stories are edited beside the knowledge base and count in the publish gate as soon as they are
saved (procedures/coverage.py); the next release's review lists every story changed since the
latest release, with who changed it, and a lowered or removed emergency or urgent story is a
weakening (procedures/story_review.py). A sign-off is written by one person and approved by
another clinical reviewer: the two-person rule for weakening an emergency or urgent sign, rule,
link, risk factor or story. The review page links each weakening to the form for its sign-off,
with its `change` filled in.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from ..models import Vignette, WeakeningSignOff
from .releases import RestoresVersionsMixin


@admin.register(Vignette)
class VignetteAdmin(RestoresVersionsMixin, SimpleHistoryAdmin):
    list_display = ("slug", "procedure", "gold_level", "short_story", "author")
    list_filter = ("gold_level", ("procedure", admin.RelatedOnlyFieldListFilter))
    list_select_related = ("procedure",)
    list_per_page = 100
    search_fields = ("slug", "story", "author", "source")
    autocomplete_fields = ("procedure", "gold_complications")
    fieldsets = (
        (None, {"fields": (("slug", "procedure"), "story", "answers")}),
        (_("The right answer"), {"fields": ("gold_level", "gold_complications")}),
        (_("Provenance"), {"fields": ("author", "source")}),
    )

    @admin.display(description=_("story"))
    def short_story(self, obj: Vignette) -> str:
        return obj.story if len(obj.story) <= 80 else obj.story[:79] + "…"

    def get_changeform_initial_data(self, request):
        return {"author": request.user.get_full_name() or request.user.get_username(), "answers": {}}


@admin.register(WeakeningSignOff)
class WeakeningSignOffAdmin(SimpleHistoryAdmin):
    list_display = ("change", "written_by", "approved_by", "created_at")
    list_select_related = ("written_by", "approved_by")
    search_fields = ("change", "reason")
    fields = ("change", "reason", "written_by", "approved_by", "approved_at")
    readonly_fields = ("written_by", "approved_by", "approved_at")
    actions = ["approve_selected"]

    def get_readonly_fields(self, request, obj=None):
        # Once written, the change and its reason are what the second reviewer approves.
        return (*self.readonly_fields, "change", "reason") if obj and obj.approved_by_id else self.readonly_fields

    def save_model(self, request, obj, form, change):
        if not change:
            obj.written_by = request.user
        super().save_model(request, obj, form, change)

    def has_approve_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("procedures.publish_content")

    @admin.action(description=_("Approve selected (a second clinical reviewer)"), permissions=["approve"])
    def approve_selected(self, request: HttpRequest, queryset: QuerySet) -> None:
        others = queryset.filter(approved_by=None).exclude(written_by=request.user)
        approved = others.update(approved_by=request.user, approved_at=timezone.now())
        self.message_user(
            request,
            ngettext("%d sign-off approved.", "%d sign-offs approved.", approved) % approved
            + (" " + str(_("You cannot approve a reason you wrote yourself.")) if approved < queryset.count() else ""),
            messages.SUCCESS if approved else messages.WARNING,
        )
