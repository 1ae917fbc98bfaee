"""Contact requests are kept CONTACT_REQUEST_RETENTION_DAYS, then purged by a daily command."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from procedures.models import ContactRequest
from tests.factories import ContactRequestFactory


def aged(days, **kwargs):
    request = ContactRequestFactory(**kwargs)
    ContactRequest.objects.filter(pk=request.pk).update(created_at=timezone.now() - timedelta(days=days))
    return request


def purge(*args):
    out, err = StringIO(), StringIO()
    call_command("purge_contact_requests", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.mark.django_db
def test_purge_deletes_closed_requests_past_retention_and_is_safe_to_repeat(settings):
    settings.CONTACT_REQUEST_RETENTION_DAYS = 30
    closed = {"status": "closed", "outcome": "advice", "clinician_urgency": "soon"}
    old = aged(31, **closed)
    recent = aged(29, **closed)
    out, _ = purge()
    assert "Deleted 1" in out
    assert not ContactRequest.objects.filter(pk=old.pk).exists()
    assert ContactRequest.objects.filter(pk=recent.pk).exists()
    out, _ = purge()
    assert "Deleted 0" in out


@pytest.mark.django_db
def test_open_requests_past_retention_are_deleted_as_promised_and_reported(settings):
    """The consent text promises deletion after the retention period, open or not."""
    settings.CONTACT_REQUEST_RETENTION_DAYS = 30
    forgotten = aged(40)
    out, err = purge()
    assert not ContactRequest.objects.filter(pk=forgotten.pk).exists()
    assert "Deleted 1" in out and "1 of them were still open" in err


@pytest.mark.django_db
def test_dry_run_deletes_nothing(settings):
    settings.CONTACT_REQUEST_RETENTION_DAYS = 1
    aged(5, status="closed", outcome="advice", clinician_urgency="soon")
    out, _ = purge("--dry-run")
    assert "Would delete 1" in out
    assert ContactRequest.objects.count() == 1
