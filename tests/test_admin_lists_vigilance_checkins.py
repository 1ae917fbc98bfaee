"""No N+1 on the check-ins' and vigilance's admin lists either: each list costs the same number
of queries with one row or many, pinned here as measured (the content lists are in test_admin.py)."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from checkins.models import Checkin, CheckinSchedule, Enrolment, OutgoingMessage
from vigilance import services
from vigilance.models import AdverseEventReport, ClusterAlert, ComplicationCase, ExportLog, TreatmentRecord

from .factories import staff_user
from .test_vigilance import confirmed_case, treatment

DAY = date(2026, 2, 3)


def _add_rows(user) -> None:
    """One more of everything each list shows (treatment, case, alert, report, export, enrolment...)."""
    n = TreatmentRecord.objects.count()
    record = treatment(lot_number=f"L-{n}")
    case = confirmed_case(record, DAY + timedelta(days=n))
    services.prefill_report(case, user)
    ExportLog.objects.create(user=user, kind=ExportLog.Kind.CONTACT_REQUEST_BUNDLE, object_id=n)
    enrolment = Enrolment.objects.create(procedure="mesotherapy", treated_on=DAY, consent_text_version="t", name="Bo")
    Checkin.objects.create(enrolment=enrolment, day=7, due_at=timezone.now())
    OutgoingMessage.objects.create(
        enrolment=enrolment, channel="email", recipient="x@example.org", body="b", next_attempt_at=timezone.now()
    )


def _list_queries(client, model) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist"))
    assert response.status_code == 200, model
    return len(queries)


# Measured: 3 queries for the request's user and permissions (the session is a cookie), then the
# counts and the page; filters over relations and annotations add their own.
PINNED = {
    "TreatmentRecord": 8,
    "ComplicationCase": 5,
    "ClusterAlert": 7,
    "AdverseEventReport": 4,
    "ExportLog": 4,
    "Enrolment": 5,
    "OutgoingMessage": 4,
    "CheckinSchedule": 4,
}
MODELS = [TreatmentRecord, ComplicationCase, ClusterAlert, AdverseEventReport, ExportLog, Enrolment, OutgoingMessage]


@pytest.mark.django_db
def test_vigilance_and_check_in_lists_cost_the_same_with_more_rows(client):
    user = staff_user("Clinical reviewer", username="rosa")
    user.is_superuser = True
    user.save()
    client.force_login(user)
    for _ in range(3):  # three infections on one practitioner and site: a cluster alert too
        _add_rows(user)
    assert ClusterAlert.objects.exists()
    one = {model.__name__: _list_queries(client, model) for model in [*MODELS, CheckinSchedule]}
    for _ in range(3):
        _add_rows(user)
    many = {model.__name__: _list_queries(client, model) for model in [*MODELS, CheckinSchedule]}
    assert one == many == PINNED
