"""The check-in offer on the result page: from the questionnaire's session, never from the view.

It makes no database query (the questionnaire makes none: it must work while the database is
down): whether check-ins lie ahead is worked out from the knowledge-base snapshot in memory.
"""

from __future__ import annotations

from django import template
from django.conf import settings

from procedures.questionnaire import saved_steps
from procedures.selectors import published_knowledge_base
from procedures.snapshot_memo import per_snapshot
from procedures.triage import KnowledgeBase

from ..consent import CONSENT_TEXT
from ..forms import EnrolForm
from ..schedule import derive_schedule
from ..views import ENROLLED_KEY

register = template.Library()


@per_snapshot("PAGE_MEMO_SIZE")
def _derived_days(kb: KnowledgeBase, procedure: str, horizon: int) -> tuple[int, ...]:
    """The treatment's check-in days as the knowledge base gives them (worked out once per release)."""
    return tuple(d.day for d in derive_schedule(kb.procedures[procedure], horizon))


@register.simple_tag(takes_context=True)
def checkin_offer(context) -> dict | None:
    """What the offer needs, or None when there is nothing to offer (an emergency result, or no
    check-in day ahead for this treatment)."""
    level = context.get("level")
    if level is not None and level.calls_emergency_number:
        return None  # an emergency result: one action only
    request = context["request"]
    treatment = saved_steps(request.session).get("treatment") or {}
    kb = published_knowledge_base()
    if treatment.get("procedure") not in kb.procedures:
        return None
    days = _derived_days(kb, treatment["procedure"], settings.CHECKIN_HORIZON_DAYS)
    if not any(day > int(treatment.get("days") or 0) for day in days):
        return None
    return {
        "form": EnrolForm(),
        "consent_text": CONSENT_TEXT,
        "enrolled": bool(request.session.get(ENROLLED_KEY)),
    }
