"""Patient side of "Ask my clinic to contact me": one POST endpoint and a thank-you page.

POST-redirect-GET with CSRF on. The form posts to its own URL, never puts anything in a query
string, and the answers and result are taken from the server-side session, not from the form.
"""

from __future__ import annotations

import logging
from dataclasses import asdict

from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from vigilance.services import record_reported_product_safely

from .assessments import shown_assessment
from .care_card import callback_promise
from .client_address import client_ip
from .clinic import current_clinic
from .contact import CONSENT_TEXT_VERSION, ContactForm, result_record
from .outbox import park_contact_request
from .questionnaire import (
    contact_sent_reference,
    keep_pending_contact,
    patient_language,
    remember_contact_sent,
    saved_answers,
    saved_steps,
)
from .rate_limits import contact_limits, over_limit, phone_key
from .selectors import published_knowledge_base
from .services import create_contact_request
from .triage import KnowledgeBase
from .triage.scales import level
from .wording import ShownAssessment

logger = logging.getLogger(__name__)


def _assessment(request: HttpRequest, kb: KnowledgeBase) -> tuple[dict, ShownAssessment] | None:
    """The saved answers and the result the patient is looking at, or None when incomplete."""
    answers = saved_answers(request.session, kb)
    if answers is None:
        return None
    return saved_steps(request.session), shown_assessment(kb, answers, patient_language())


@never_cache
@require_POST
def contact_request(request: HttpRequest) -> HttpResponse:
    kb = published_knowledge_base()
    current = _assessment(request, kb)
    if current is None:
        return redirect("procedures:screen")
    saved, assessment = current
    form = ContactForm(request.POST)
    if not form.is_valid():
        # Shown again with its errors on the result page (PRG); never stored beyond that.
        keep_pending_contact(request.session, {name: request.POST.get(name, "") for name in form.fields})
        return redirect(reverse("procedures:result") + "#contact")
    if _too_many(request, form.cleaned_data):
        return render(request, "procedures/contact_limited.html", {"level": level(assessment.urgency)}, status=429)
    fields = {
        "contact": form.without_product(),
        "consent_text_version": CONSENT_TEXT_VERSION,
        "answers": saved,
        "result": result_record(assessment),
        "urgency": assessment.urgency,
        "engine_version": assessment.engine_version,
        "knowledge_base_version": assessment.knowledge_base_version,
        "language": patient_language(),
    }
    try:
        contact = create_contact_request(**fields)
    except DatabaseError:
        # What the patient said was used waits in the outbox with the request (nothing is lost).
        return _park(request, {**fields, "reported_product": asdict(form.reported_product())}, assessment)
    except Exception:  # whatever failed, the patient must learn that the clinic was not told
        logger.exception("Could not save a %s contact request", assessment.urgency)
        return render(request, "procedures/contact_failed.html", {"level": level(assessment.urgency)}, status=503)
    remember_contact_sent(request.session, contact.pk)
    _record_product(contact, form)
    return redirect("procedures:contact-sent")


def _record_product(contact, form: ContactForm) -> None:
    record_reported_product_safely(contact, form.reported_product())


def _too_many(request: HttpRequest, contact: dict) -> bool:
    """Over the limit for this address or this phone number (both are counted either way)."""
    per_address, per_phone = contact_limits()
    address = over_limit(per_address, client_ip(request))
    phone = over_limit(per_phone, phone_key(contact.get("phone", "")))
    return address or phone


def _park(request: HttpRequest, fields: dict, assessment: ShownAssessment) -> HttpResponse:
    """The database is down: keep the request in the local outbox and say so plainly."""
    context = {"level": level(assessment.urgency)}
    try:
        park_contact_request(fields)
    except OSError:
        logger.exception("Could not park a %s contact request in the local outbox", assessment.urgency)
        return render(request, "procedures/contact_failed.html", context, status=503)
    return render(request, "procedures/contact_parked.html", context, status=202)


@never_cache
def contact_sent(request: HttpRequest) -> HttpResponse:
    reference = contact_sent_reference(request.session)
    current = _assessment(request, published_knowledge_base())
    if reference is None or current is None:
        return redirect("procedures:result")
    promise = callback_promise(current_clinic(), current[1].urgency, timezone.now())
    return render(request, "procedures/contact_sent.html", {"reference": reference, "promise": promise})
