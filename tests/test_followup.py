"""The follow-up queue: order, waits against targets, status flow, closing, stats, CSV."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from procedures.followup import triage_stats
from procedures.models import ContactRequest
from tests.factories import ContactRequestFactory, staff_user

QUEUE = reverse("admin:procedures_contactrequest_changelist")


def aged(minutes, **kwargs):
    request = ContactRequestFactory(**kwargs)
    ContactRequest.objects.filter(pk=request.pk).update(created_at=timezone.now() - timedelta(minutes=minutes))
    request.refresh_from_db()
    return request


@pytest.fixture
def desk(client, db):
    user = staff_user("Front desk", username="frank")
    client.force_login(user)
    client.user = user
    return client


@pytest.mark.django_db
def test_queue_is_sorted_by_level_then_waiting_time_and_hides_closed(desk):
    soon_old = aged(300, urgency="soon")
    urgent_new = aged(5, urgency="urgent")
    urgent_old = aged(50, urgency="urgent")
    emergency = aged(1, urgency="emergency")
    aged(500, urgency="emergency", status="closed", outcome="advice", clinician_urgency="urgent")
    page = desk.get(QUEUE)
    assert [r.pk for r in page.context["cl"].result_list] == [emergency.pk, urgent_old.pk, urgent_new.pk, soon_old.pk]


@pytest.mark.django_db
def test_wait_is_shown_against_the_target_for_its_level(desk, settings):
    settings.CONTACT_TARGET_MINUTES = {**settings.CONTACT_TARGET_MINUTES, "urgent": 30}
    aged(45, urgency="urgent")
    content = desk.get(QUEUE).content.decode()
    assert "45 min / 30 min" in content
    assert "over target" in content


@pytest.mark.django_db
def test_status_moves_forward_with_times_and_handler(desk):
    request = ContactRequestFactory()
    desk.post(QUEUE, {"action": "mark_acknowledged", "_selected_action": [request.pk]})
    desk.post(QUEUE, {"action": "mark_contacted", "_selected_action": [request.pk]})
    request.refresh_from_db()
    assert request.status == "contacted"
    assert request.acknowledged_at and request.contacted_at
    assert request.handled_by == desk.user
    desk.post(QUEUE, {"action": "mark_acknowledged", "_selected_action": [request.pk]})
    request.refresh_from_db()
    assert request.status == "contacted"  # never back


def change(client, request, **data):
    url = reverse("admin:procedures_contactrequest_change", args=[request.pk])
    base = {"status": request.status, "outcome": request.outcome, "outcome_note": "", "clinician_urgency": ""}
    return client.post(url, {**base, **data})


@pytest.mark.django_db
def test_closing_needs_an_outcome_and_the_clinicians_urgency(desk):
    request = ContactRequestFactory(status="contacted")
    response = change(desk, request, status="closed")
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "outcome" in errors and "clinician_urgency" in errors
    response = change(desk, request, status="closed", outcome="appointment", clinician_urgency="soon")
    assert response.status_code == 302
    request.refresh_from_db()
    assert (request.status, request.clinician_urgency) == ("closed", "soon")
    assert request.closed_at is not None and request.handled_by == desk.user


@pytest.mark.django_db
def test_a_request_cannot_move_back(desk):
    request = ContactRequestFactory(status="contacted")
    response = change(desk, request, status="new")
    assert response.status_code == 200
    assert "status" in response.context["adminform"].form.errors


@pytest.mark.django_db
def test_triage_counts_on_closed_real_cases(desk):
    closed = {"status": "closed", "outcome": "advice"}
    ContactRequestFactory(urgency="soon", clinician_urgency="urgent", **closed)  # under
    ContactRequestFactory(urgency="urgent", clinician_urgency="urgent", **closed)  # agreed
    ContactRequestFactory(urgency="urgent", clinician_urgency="soon", **closed)  # over
    ContactRequestFactory(urgency="urgent", clinician_urgency="soon", status="closed", outcome="not_real")
    ContactRequestFactory(urgency="urgent")  # still open
    stats = triage_stats()
    assert (stats.total, stats.agreed, stats.under, stats.over) == (3, 1, 1, 1)
    assert stats.matrix["soon"]["urgent"] == 1
    page = desk.get(reverse("admin:procedures_contactrequest_triage_stats"))
    assert page.context["stats"].under == 1
    assert b"Triage on real cases" in desk.get(QUEUE).content


@pytest.mark.django_db
def test_csv_export_has_no_identity_and_defuses_formulas(desk):
    request = ContactRequestFactory(name="Alice", phone="+1 213 555 0199")
    request.answers["treatment"]["procedure"] = "=HYPERLINK(1)"
    request.save()
    response = desk.post(QUEUE, {"action": "export_csv", "_selected_action": [request.pk]})
    assert response["Content-Type"].startswith("text/csv")
    body = response.content.decode()
    assert body.splitlines()[0].startswith("id,created_at,urgency")
    assert "Alice" not in body and "213 555 0199" not in body  # not any "555": a timestamp can hold one
    assert "'=HYPERLINK(1)" in body
