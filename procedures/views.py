"""The patient questionnaire: emergency screen, treatment, symptoms, result.

Answers live in the server-side session, never in a URL. Every step is POST-redirect-GET, so
back, forward and refresh show the saved answers and never resubmit; the result is recomputed
from the saved answers on each view, which makes a refresh harmless.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from .forms import EmergencyScreenForm, FollowUpForm, SymptomsForm, TreatmentForm
from .interview import denied_red_flags, follow_ups, symptom_fieldsets
from .page_memo import memoised_page
from .presentation import result_body, treatment_form_html
from .questionnaire import (
    forget_answers,
    forget_follow_up,
    missing_step,
    patient_language,
    save_follow_up,
    save_step,
    saved_answers,
    saved_steps,
)
from .selectors import published_knowledge_base
from .triage import Answers, KnowledgeBase
from .triage.scales import EMERGENCY
from .wording import say

_STEP_URLS = {"screen": "procedures:screen", "treatment": "procedures:treatment", "symptoms": "procedures:symptoms"}


def _unavailable(request: HttpRequest) -> HttpResponse:
    return render(request, "procedures/unavailable.html", status=503)


@memoised_page
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "procedures/home.html")


@never_cache
@require_http_methods(["GET", "POST"])
@memoised_page
def emergency_screen(request: HttpRequest) -> HttpResponse:
    kb = published_knowledge_base()
    if not kb.procedures:
        return _unavailable(request)
    saved = saved_steps(request.session).get("screen")
    if request.method == "POST":
        form = EmergencyScreenForm(request.POST, kb=kb, language=patient_language())
        if form.is_valid():
            flags = form.cleaned_data["red_flags"]
            save_step(request.session, "screen", {"red_flags": flags, "none": not flags})
            # Both answers lead on under URLs that do not tell a log reader which it was.
            return redirect("procedures:result" if flags else "procedures:treatment")
    else:
        initial = {"red_flags": saved["red_flags"], "none_of_these": saved["none"]} if saved else None
        form = EmergencyScreenForm(initial=initial, kb=kb, language=patient_language())
    return render(request, "procedures/screen.html", {"form": form, "step": 1})


@never_cache
@require_http_methods(["GET", "POST"])
@memoised_page
def treatment_step(request: HttpRequest) -> HttpResponse:
    kb = published_knowledge_base()
    if not kb.procedures:
        return _unavailable(request)
    if missing := missing_step(request.session, "treatment"):
        return redirect(_STEP_URLS[missing])
    language = patient_language()
    if request.method == "POST":
        form = TreatmentForm(request.POST, kb=kb, language=language)
        if form.is_valid():
            data = form.cleaned_data
            save_step(
                request.session,
                "treatment",
                {
                    "procedure": data["procedure"],
                    "days": data["days"],
                    "treatment_date": data["treatment_date"].isoformat() if data["treatment_date"] else None,
                    "days_ago": data["days_ago"],
                    "area": data["area"] or None,
                },
            )
            return redirect("procedures:symptoms")
    else:
        saved = saved_steps(request.session).get("treatment")
        initial = (
            {
                "procedure": saved["procedure"],
                "treatment_date": saved.get("treatment_date"),
                "days_ago": saved.get("days_ago"),
                "area": saved.get("area") or "",
            }
            if saved
            else None
        )
        form = TreatmentForm(initial=initial, kb=kb, language=language)
    fields = treatment_form_html(form, kb, language)
    return render(request, "procedures/treatment.html", {"form": form, "fields": fields, "step": 2})


@never_cache
@require_http_methods(["GET", "POST"])
@memoised_page
def symptoms_step(request: HttpRequest) -> HttpResponse:
    kb = published_knowledge_base()
    if not kb.procedures:
        return _unavailable(request)
    if missing := missing_step(request.session, "symptoms"):
        return redirect(_STEP_URLS[missing])
    language = patient_language()
    treatment = saved_steps(request.session)["treatment"]
    if treatment["procedure"] not in kb.procedures:
        return redirect("procedures:treatment")
    if request.method == "POST":
        form = SymptomsForm(request.POST, kb=kb, language=language)
        if form.is_valid():
            save_step(
                request.session,
                "symptoms",
                {"symptoms": form.cleaned_data["symptoms"], "trend": form.cleaned_data["trend"] or None},
            )
            forget_follow_up(request.session)
            answers = saved_answers(request.session, kb)
            if answers is not None and follow_ups(kb, answers):
                return redirect("procedures:follow-up")
            return redirect("procedures:result")
    else:
        saved = saved_steps(request.session).get("symptoms")
        initial = (
            {
                "symptoms": saved["symptoms"],
                "trend": saved["trend"] or "",
                "nothing_to_report": not saved["symptoms"],
            }
            if saved
            else None
        )
        form = SymptomsForm(initial=initial, kb=kb, language=language)
    selected = set(form["symptoms"].value() or [])
    fieldsets = symptom_fieldsets(kb, treatment["procedure"], language, selected, invalid=bool(form.non_field_errors()))
    procedure_name = say(kb.procedures[treatment["procedure"]].name, language)
    return render(
        request,
        "procedures/symptoms.html",
        {"form": form, "fieldsets": fieldsets, "step": 3, "procedure_name": procedure_name},
    )


def _emergency_result(request: HttpRequest, kb: KnowledgeBase, flags: list[str]) -> HttpResponse:
    """A red flag on the first screen: the emergency page, at the same URL as every result."""
    language = patient_language()
    labels = [say(kb.symptoms[s].label, language) for s in flags if s in kb.symptoms]
    return render(request, "procedures/emergency.html", {"flags": labels, "level": EMERGENCY})


def _completed_answers(request: HttpRequest, kb: KnowledgeBase) -> Answers | HttpResponse:
    """The answers of a completed questionnaire, or where the patient must go first."""
    if not kb.procedures:
        return _unavailable(request)
    if missing := missing_step(request.session):
        return redirect(_STEP_URLS[missing])
    answers = saved_answers(request.session, kb)
    if answers is None:  # the procedure was withdrawn from the knowledge base since
        return redirect("procedures:treatment")
    return answers


@never_cache
@require_http_methods(["GET", "POST"])
@memoised_page
def follow_up_step(request: HttpRequest) -> HttpResponse:
    """Only the questions whose answer could change the result (procedures/interview.py)."""
    kb = published_knowledge_base()
    answers = _completed_answers(request, kb)
    if isinstance(answers, HttpResponse):
        return answers
    base = replace(answers, symptoms_started_day=None, risk_factors=frozenset(), already_seen=False)
    asked = follow_ups(kb, base)
    if not asked:
        return redirect("procedures:result")
    language = patient_language()
    options = {"kb": kb, "language": language, "days": answers.days_since_treatment, "asked": asked}
    if request.method == "POST":
        form = FollowUpForm(request.POST, **options)
        if form.is_valid():
            data = form.cleaned_data
            save_follow_up(
                request.session,
                {
                    "started_day": data.get("started_day"),
                    "risk_factors": data.get("risk_factors") or [],
                    "already_seen": data.get("already_seen") == "yes",
                },
            )
            return redirect("procedures:result")
    else:
        initial = {
            "started_day": answers.symptoms_started_day,
            "risk_factors": sorted(answers.risk_factors),
            "already_seen": "yes" if answers.already_seen else "",
        }
        form = FollowUpForm(initial=initial, **options)
    return render(request, "procedures/follow_up.html", {"form": form, "step": 3})


@never_cache
@memoised_page(by_the_minute=True)
def result(request: HttpRequest) -> HttpResponse:
    kb = published_knowledge_base()
    if flags := (saved_steps(request.session).get("screen") or {}).get("red_flags"):
        return _emergency_result(request, kb, flags)
    answers = _completed_answers(request, kb)
    if isinstance(answers, HttpResponse):
        return answers
    steps = saved_steps(request.session)
    treatment = steps["treatment"]
    treated_on = date.fromisoformat(treatment["treatment_date"]) if treatment.get("treatment_date") else None
    ticked = frozenset((steps.get("screen") or {}).get("red_flags", []))
    checked_at = timezone.localtime()
    body = result_body(
        kb,
        answers,
        patient_language(),
        at=checked_at,
        treatment_date=treated_on,
        denied=denied_red_flags(kb, answers, ticked),
    )
    context = {**body.context, "body": body.html, "checked_at": checked_at}
    return render(request, "procedures/result.html", context)


@require_POST
def restart(request: HttpRequest) -> HttpResponse:
    forget_answers(request.session)
    return redirect("procedures:screen")
