"""Patient pages of the check-ins: enrolling after a result, answering from a link, stopping.

Thin views over checkins/services.py. The link's token is only in the first URL: it is swapped
for the check-in's number in the (encrypted) session at once, and the answers stay in the session
too, so no URL or log line carries anything about the patient's health.
"""

from __future__ import annotations

from datetime import timedelta

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from procedures.care_card import callback_promise
from procedures.clinic import current_clinic
from procedures.forms import EmergencyScreenForm, SymptomsForm
from procedures.interview import symptom_fieldsets
from procedures.presentation import result_context
from procedures.questionnaire import patient_language, saved_steps
from procedures.selectors import published_knowledge_base
from procedures.triage import Answers, KnowledgeBase, assess
from procedures.wording import say, say_assessment
from vigilance import risk as product_risk
from vigilance import services as vigilance

from . import services
from .consent import CONSENT_TEXT
from .forms import EnrolForm, NewOrWorseForm
from .links import BadLink, ExpiredLink, checkin_id_from, enrolment_id_from
from .models import Checkin, Enrolment

OPEN_KEY = "checkin_open"  # the check-in being answered (its number)
ANSWERS_KEY = "checkin_answers"  # what the patient ticked so far
ENROLLED_KEY = "checkin_enrolled"  # the enrolment made in this session


def _refused(request: HttpRequest, reason: str, status: int) -> HttpResponse:
    """A link that cannot be used, said plainly, with the numbers to call instead."""
    return render(request, "checkins/refused.html", {"reason": reason, "clinic": current_clinic()}, status=status)


# --- Enrolling after a result ---------------------------------------------------------------------


@never_cache
@require_POST
def enrol(request: HttpRequest) -> HttpResponse:
    kb = published_knowledge_base()
    treatment = saved_steps(request.session).get("treatment") or {}
    if treatment.get("procedure") not in kb.procedures:
        return redirect("procedures:screen")
    form = EnrolForm(request.POST)
    if not form.is_valid():
        return render(request, "checkins/enrol.html", {"form": form, "consent_text": CONSENT_TEXT}, status=400)
    data = form.cleaned_data
    today = timezone.localtime(timezone.now(), current_clinic().time_zone).date()
    enrolment = services.enrol(
        kb,
        procedure=treatment["procedure"],
        treated_on=today - timedelta(days=int(treatment["days"])),
        contact=services.Contact(data["name"], data["email"], data["phone"], data["by_sms"]),
        language=patient_language(),
        consent=data["consent"],
    )
    request.session[ENROLLED_KEY] = enrolment.pk
    return redirect("checkins:enrolled")


@never_cache
def enrolled(request: HttpRequest) -> HttpResponse:
    enrolment = Enrolment.objects.filter(pk=request.session.get(ENROLLED_KEY), opted_out_at__isnull=True).first()
    if enrolment is None:
        return redirect("procedures:result")
    checkins = enrolment.checkins.filter(status=Checkin.Status.SCHEDULED).order_by("due_at")
    return render(request, "checkins/enrolled.html", {"enrolment": enrolment, "checkins": checkins})


# --- Answering a check-in -------------------------------------------------------------------------


@never_cache
def open_link(request: HttpRequest, token: str) -> HttpResponse:
    """The emailed link: check it, remember the check-in in the session, and leave this URL."""
    try:
        checkin_id = checkin_id_from(token)
    except ExpiredLink:
        return _refused(request, "expired", 410)
    except BadLink:
        return _refused(request, "invalid", 404)
    checkin = Checkin.objects.select_related("enrolment").filter(pk=checkin_id).first()
    refusal = _why_closed(checkin)
    if refusal:
        return refusal_page(request, refusal)
    request.session[OPEN_KEY] = checkin.pk
    request.session.pop(ANSWERS_KEY, None)
    return redirect("checkins:answer")


def _why_closed(checkin: Checkin | None) -> str:
    """Why a check-in cannot be answered now ("" when it can)."""
    if checkin is None:
        return "invalid"
    if not checkin.enrolment.active:
        return "stopped"
    if checkin.status == Checkin.Status.ANSWERED:
        return "used"
    if checkin.status != Checkin.Status.SENT or checkin.link_expires_at <= timezone.now():
        return "expired"
    return ""


def refusal_page(request: HttpRequest, reason: str) -> HttpResponse:
    return _refused(request, reason, 404 if reason == "invalid" else 410)


def _open_checkin(request: HttpRequest) -> Checkin | HttpResponse:
    checkin = Checkin.objects.select_related("enrolment").filter(pk=request.session.get(OPEN_KEY)).first()
    refusal = _why_closed(checkin)
    return refusal_page(request, refusal) if refusal else checkin


def _page(request: HttpRequest, template: str, checkin: Checkin, kb: KnowledgeBase, **context) -> HttpResponse:
    procedure = kb.procedures.get(checkin.enrolment.procedure)
    name = say(procedure.name, patient_language()) if procedure else checkin.enrolment.procedure
    context.update(checkin=checkin, procedure_name=name, day=services.days_since_treatment(checkin))
    return render(request, template, context)


@never_cache
@require_http_methods(["GET", "POST"])
def answer(request: HttpRequest) -> HttpResponse:
    """The one question: is anything new or worse? And, until it is known, what was used."""
    checkin = _open_checkin(request)
    if isinstance(checkin, HttpResponse):
        return checkin
    ask_product = not vigilance.product_known_for_enrolment(checkin.enrolment_id)
    form = NewOrWorseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if ask_product:
            vigilance.record_reported_product_safely(checkin, form.reported_product())
        if form.cleaned_data["answer"] == Checkin.Answer.NEW_OR_WORSE:
            return redirect("checkins:emergency")
        services.record_nothing_new(checkin)
        request.session.pop(OPEN_KEY, None)
        return render(request, "checkins/thanks.html", {"checkin": checkin, "next": _next_checkin(checkin)})
    kb = published_knowledge_base()
    return _page(request, "checkins/answer.html", checkin, kb, form=form, ask_product=ask_product)


def _next_checkin(checkin: Checkin) -> Checkin | None:
    return checkin.enrolment.checkins.filter(status=Checkin.Status.SCHEDULED).order_by("due_at").first()


@never_cache
@require_http_methods(["GET", "POST"])
def emergency(request: HttpRequest) -> HttpResponse:
    """The emergency screen every questionnaire starts with."""
    checkin = _open_checkin(request)
    if isinstance(checkin, HttpResponse):
        return checkin
    kb, language = published_knowledge_base(), patient_language()
    form = EmergencyScreenForm(request.POST or None, kb=kb, language=language)
    if request.method == "POST" and form.is_valid():
        flags = form.cleaned_data["red_flags"]
        request.session[ANSWERS_KEY] = {"red_flags": flags}
        if flags:  # no more questions: the result says what to do now
            return _finish(request, checkin, kb, {"red_flags": flags, "symptoms": [], "trend": None})
        return redirect("checkins:symptoms")
    return _page(request, "checkins/emergency.html", checkin, kb, form=form)


@never_cache
@require_http_methods(["GET", "POST"])
def symptoms(request: HttpRequest) -> HttpResponse:
    """The symptoms of this treatment, already known, on this day."""
    checkin = _open_checkin(request)
    if isinstance(checkin, HttpResponse):
        return checkin
    if ANSWERS_KEY not in request.session:
        return redirect("checkins:emergency")
    kb, language = published_knowledge_base(), patient_language()
    form = SymptomsForm(request.POST or None, kb=kb, language=language)
    if request.method == "POST" and form.is_valid():
        reported = {"red_flags": [], "symptoms": form.cleaned_data["symptoms"], "trend": form.cleaned_data["trend"]}
        return _finish(request, checkin, kb, reported)
    selected = set(form["symptoms"].value() or [])
    # The questionnaire's own checkboxes for this treatment (rendered once per release and ticks).
    fieldsets = symptom_fieldsets(
        kb, checkin.enrolment.procedure, language, selected, invalid=bool(form.non_field_errors())
    )
    return _page(request, "checkins/symptoms.html", checkin, kb, form=form, fieldsets=fieldsets)


def _engine_answers(checkin: Checkin, kb: KnowledgeBase, reported: dict) -> Answers:
    ticked = [*reported["red_flags"], *reported["symptoms"]]
    return Answers(
        procedure=checkin.enrolment.procedure,
        days_since_treatment=services.days_since_treatment(checkin),
        symptoms=frozenset(s for s in ticked if s in kb.symptoms),
        trend=reported.get("trend") or None,
        # What the product implies (vigilance/risk.py), as if the patient had ticked it.
        risk_factors=frozenset(s for s in reported.get("risk_factors", ()) if s in kb.risk_factors),
    )


def _finish(request: HttpRequest, checkin: Checkin, kb: KnowledgeBase, reported: dict) -> HttpResponse:
    """Assess the answers with the engine, record them (the queue hears of a change), show the result."""
    reported = {**reported, "risk_factors": sorted(product_risk.checkin_risk_factors(checkin, kb))}
    answers = _engine_answers(checkin, kb, reported)
    shown = say_assessment(assess(kb, answers), patient_language())
    record = {
        "screen": {"red_flags": reported["red_flags"], "none": not reported["red_flags"]},
        "treatment": {"procedure": answers.procedure, "days": answers.days_since_treatment, "area": None},
        "symptoms": {"symptoms": reported["symptoms"], "trend": answers.trend},
    }
    services.record_change(checkin, record, shown)
    vigilance.link_checkin_queue_line(checkin)
    request.session.pop(OPEN_KEY, None)
    request.session[ANSWERS_KEY] = {**reported, "checkin": checkin.pk}
    return redirect("checkins:result")


@never_cache
def result(request: HttpRequest) -> HttpResponse:
    reported = request.session.get(ANSWERS_KEY) or {}
    checkin = Checkin.objects.select_related("enrolment").filter(pk=reported.get("checkin")).first()
    if checkin is None or checkin.status != Checkin.Status.ANSWERED:
        return refusal_page(request, "invalid")
    kb, language = published_knowledge_base(), patient_language()
    answers = _engine_answers(checkin, kb, reported)
    shown = say_assessment(assess(kb, answers), language)
    context = result_context(kb, answers, shown, language)
    context["queued"] = checkin.contact_request_id is not None
    context["promise"] = callback_promise(current_clinic(), shown.urgency, timezone.now()) if context["queued"] else ""
    context["next"] = _next_checkin(checkin)
    return render(request, "checkins/result.html", context)


# --- Stopping ---------------------------------------------------------------------------------------


@never_cache
@csrf_exempt  # the signed link is the authority; mail programs post here for one-click unsubscribe
@require_http_methods(["GET", "POST"])
def stop(request: HttpRequest, token: str) -> HttpResponse:
    """GET asks (a link checker opening it must not stop anything); one press stops everything."""
    try:
        enrolment = Enrolment.objects.filter(pk=enrolment_id_from(token)).first()
    except BadLink:
        enrolment = None
    if enrolment is None:
        return refusal_page(request, "invalid")
    if request.method == "POST":
        services.opt_out(enrolment)
        return render(request, "checkins/stopped.html")
    if enrolment.opted_out_at is not None:
        return render(request, "checkins/stopped.html")
    return render(request, "checkins/stop.html")
