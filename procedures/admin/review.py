"""Review pages for clinical reviewers: what waits for review, what the next release would
change (the impact diff, the weakenings and their sign-offs, the test stories edited since the
latest release), approving and publishing it, and each release's safety case.

Thin views over services: `review_candidate()` and `publish_content()` hold the logic;
procedures/story_review.py says which stories changed and who changed them.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from ..impact import Impact, Weakening
from ..models import KnowledgeBaseRelease, WeakeningSignOff
from ..services import PublishRefused, publish_content, review_candidate, rows_in_review
from ..story_review import ADDED, CHANGED, REMOVED

STORY_CHANGE_LABELS = {ADDED: _("added"), CHANGED: _("changed"), REMOVED: _("removed")}


def impact_context(impact: Impact | None) -> dict:
    """The impact diff's groups, in the order a reviewer reads them: the dangerous change first;
    each weakening with its sign-off; the test stories edited since the latest release."""
    if impact is None:
        return {"impact": None, "impact_groups": [], "weakening_rows": [], "story_rows": []}
    return {
        "impact": impact,
        "impact_groups": [
            (_("Newly under-triaged"), impact.newly_under_triaged),
            (_("Newly over-triaged"), impact.newly_over_triaged),
            (_("Changed complication"), impact.changed_complications),
            (_("New failures"), impact.new_failures),
            (_("Failures that already existed"), impact.existing_failures),
        ],
        "weakening_rows": weakening_rows(impact.weakenings),
        "story_rows": [
            (change, STORY_CHANGE_LABELS[change.kind], change.weakening is not None) for change in impact.story_changes
        ],
    }


def weakening_rows(weakenings: list[Weakening]) -> list[tuple[Weakening, WeakeningSignOff | None, str]]:
    """Each weakening, its sign-off if one is written (one query), and where to write one (the
    sign-off's form with the change filled in, so it names exactly this weakening)."""
    sign_offs = {
        s.change: s
        for s in WeakeningSignOff.objects.filter(change__in=[w.change for w in weakenings]).select_related(
            "written_by", "approved_by"
        )
    }
    add = reverse("admin:procedures_weakeningsignoff_add")
    return [(w, sign_offs.get(w.change), f"{add}?{urlencode({'change': w.change})}") for w in weakenings]


def refused_page(request: HttpRequest, refused: PublishRefused, opts) -> TemplateResponse:
    return TemplateResponse(
        request,
        "admin/procedures/publish_refused.html",
        {
            **admin.site.each_context(request),
            "title": _("Publishing refused"),
            "report": refused.report,
            "opts": opts,
            **impact_context(refused.report.impact),
        },
        status=409,
    )


def review_page(request: HttpRequest, model_admin) -> HttpResponse:
    """Everything waiting for review, what approving it would change, and "Approve and publish"."""
    opts = model_admin.model._meta
    can_publish = request.user.has_perm("procedures.publish_content")
    if request.method == "POST":
        if not can_publish:
            raise PermissionDenied
        try:
            published = publish_content(rows_in_review(), user=request.user, note=request.POST.get("note", ""))
        except PublishRefused as refused:
            return refused_page(request, refused, opts)
        label = published.release.label if published.release else None
        model_admin.message_user(
            request,
            _("Published release %(label)s.") % {"label": label} if label else _("Approved; nothing new to publish."),
            messages.SUCCESS,
        )
        return redirect("admin:procedures_knowledgebaserelease_changelist")
    rows, report = review_candidate()
    context = {
        **admin.site.each_context(request),
        "title": _("Waiting for review"),
        "opts": opts,
        "rows": [(row._meta.verbose_name, row, _change_url(row)) for row in rows],
        "report": report,
        "can_publish": can_publish,
        **impact_context(report.impact),
    }
    return TemplateResponse(request, "admin/procedures/review.html", context)


def _change_url(row) -> str:
    try:
        return reverse(f"admin:{row._meta.app_label}_{row._meta.model_name}_change", args=[row.pk])
    except NoReverseMatch:  # a rule's clause is edited on its rule's page
        return ""


def safety_case_page(request: HttpRequest, model_admin, pk: int, markdown: bool = False) -> HttpResponse:
    release = get_object_or_404(KnowledgeBaseRelease.objects.defer("data"), pk=pk)
    if markdown:
        response = HttpResponse(release.safety_case, content_type="text/markdown; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="safety-case-{release.label}.md"'
        return response
    context = {
        **admin.site.each_context(request),
        "title": _("Safety case of release %(label)s") % {"label": release.label},
        "opts": model_admin.model._meta,
        "release": release,
    }
    return TemplateResponse(request, "admin/procedures/safety_case.html", context)
