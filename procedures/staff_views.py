"""Staff-only pages outside the admin: previewing draft content as a patient would see it."""

from __future__ import annotations

from django import forms
from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from .forms import TREND_CHOICES
from .languages import content_languages, language_name, source_language
from .presentation import result_context
from .releases import release_candidate_data
from .selectors import draft_knowledge_base
from .triage import Answers, KnowledgeBase, assess
from .validation import MAX_DAYS
from .wording import say_assessment

KB_CHOICES = [
    ("draft", _("Working copy: every draft and change in review")),
    ("candidate", _("The next release: only what is published or approved")),
]


class PreviewForm(forms.Form):
    knowledge_base = forms.ChoiceField(label=_("Content"), choices=KB_CHOICES, initial="draft")
    procedure = forms.ChoiceField(label=_("Treatment"))
    days = forms.IntegerField(label=_("Days since treatment"), min_value=0, max_value=MAX_DAYS, initial=1)
    area = forms.ChoiceField(label=_("Area"), required=False)
    symptoms = forms.MultipleChoiceField(
        label=_("Symptoms"), required=False, widget=forms.SelectMultiple(attrs={"size": 15})
    )
    trend = forms.ChoiceField(label=_("Trend"), choices=TREND_CHOICES, required=False)
    language = forms.ChoiceField(label=_("Language"))

    def __init__(self, *args, kb: KnowledgeBase, **kwargs):
        super().__init__(*args, **kwargs)
        english = source_language()
        self.fields["procedure"].choices = [(p.slug, p.name.get(english)) for p in kb.procedures.values()]
        self.fields["area"].choices = [("", "—")] + [(a.slug, a.name.get(english)) for a in kb.areas.values()]
        self.fields["symptoms"].choices = [
            (s.slug, f"{s.label.get(english)} ({s.slug})") for s in sorted(kb.symptoms.values(), key=lambda s: s.slug)
        ]
        self.fields["language"].choices = [(code, language_name(code)) for code in content_languages()]


@never_cache
@staff_member_required
@require_http_methods(["GET", "POST"])
def preview(request: HttpRequest) -> HttpResponse:
    """Run questionnaire answers through the engine on unpublished content and show the result page.

    Nothing is stored: staff-entered test answers, rendered straight from the POST.
    """
    if not request.user.has_perm("procedures.view_procedure"):
        raise PermissionDenied
    draft = draft_knowledge_base()
    form = PreviewForm(request.POST or None, kb=draft)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        kb = draft if data["knowledge_base"] == "draft" else KnowledgeBase.from_dict(release_candidate_data(), "next")
        if data["procedure"] not in kb.procedures:
            form.add_error("procedure", _("This treatment is not in the next release yet."))
        else:
            answers = Answers(
                procedure=data["procedure"],
                days_since_treatment=data["days"],
                symptoms=frozenset(s for s in data["symptoms"] if s in kb.symptoms),
                trend=data["trend"] or None,
                area=data["area"] or None,
            )
            language = data["language"]
            with translation.override(language):
                assessment = say_assessment(assess(kb, answers), language)
                context = result_context(kb, answers, assessment, language)
                context.update({"preview": True, "preview_source": dict(KB_CHOICES)[data["knowledge_base"]]})
                return render(request, "procedures/preview_result.html", context)
    return render(request, "admin/procedures/preview.html", {"form": form, "title": _("Preview as a patient")})
