"""'Ask my clinic to contact me': consent, one transaction, staff email, and a plain failure."""

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from procedures import contact_views
from procedures.contact import CONSENT_TEXT_VERSION
from procedures.models import ContactRequest
from procedures.outbox import send_due_notifications

from .session_support import store_in_session

RESULT = reverse("procedures:result")
CONTACT = reverse("procedures:contact")
SENT = reverse("procedures:contact-sent")

URGENT = {
    "screen": {"red_flags": [], "none": True},
    "treatment": {"procedure": "rf-microneedling", "days": 5, "days_ago": 5, "treatment_date": None, "area": "face"},
    "symptoms": {"symptoms": ["spreading-redness", "pus-or-drainage", "warmth"], "trend": "worsening"},
}
SELF_CARE = {
    "screen": {"red_flags": [], "none": True},
    "treatment": {"procedure": "trusculpt-id", "days": 1, "days_ago": 1, "treatment_date": None, "area": "abdomen"},
    "symptoms": {"symptoms": ["redness", "warmth"], "trend": "improving"},
}
DETAILS = {"name": "Alice", "phone": "+1 213 555 0199", "email": "", "preferred_time": "morning", "consent": "on"}


def answered(client, answers=URGENT):
    store_in_session(client, check=answers)
    return client


@pytest.fixture
def patient(client, db):
    return answered(client)


@pytest.mark.django_db
def test_the_result_page_offers_the_form_with_consent(patient):
    page = patient.get(RESULT)
    assert page.status_code == 200
    assert b'action="/check/contact/"' in page.content
    assert b'name="consent"' in page.content
    assert b"csrfmiddlewaretoken" in page.content


@pytest.mark.django_db
def test_a_request_is_stored_with_answers_result_and_versions(patient, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = patient.post(CONTACT, DETAILS)
    assert response.status_code == 302 and response.url == SENT
    request = ContactRequest.objects.get()
    assert request.consent and request.consent_text_version == CONSENT_TEXT_VERSION
    assert (request.name, request.phone, request.preferred_time) == ("Alice", "+1 213 555 0199", "morning")
    assert request.answers == URGENT
    assert request.urgency == request.result["urgency"] == "urgent"
    assert request.result["complications"]
    assert request.engine_version and request.knowledge_base_version
    assert request.status == "new"
    sent = patient.get(SENT)
    assert str(request.pk).encode() in sent.content
    assert b"You have asked the clinic to contact you" in patient.get(RESULT).content


@pytest.mark.django_db
def test_without_consent_nothing_is_stored_and_the_patient_is_told_why(patient):
    response = patient.post(CONTACT, {**DETAILS, "consent": ""})
    assert response.status_code == 302
    assert response.url == RESULT + "#contact"
    assert "?" not in response.url  # nothing about the patient travels in a URL
    assert ContactRequest.objects.count() == 0
    page = patient.get(RESULT)
    assert b"Please tick the box to agree" in page.content
    assert b'value="Alice"' in page.content  # what they typed is kept for the correction…
    assert "contact_pending" not in patient.session  # …and then dropped from the session


@pytest.mark.django_db
def test_a_phone_number_or_an_email_is_needed(patient):
    patient.post(CONTACT, {**DETAILS, "phone": ""})
    assert ContactRequest.objects.count() == 0
    assert b"Please give a phone number or an email address." in patient.get(RESULT).content
    patient.post(CONTACT, {**DETAILS, "phone": "", "email": "alice@example.com"})
    assert ContactRequest.objects.get().email == "alice@example.com"


@pytest.mark.django_db
def test_staff_are_emailed_about_an_urgent_request_by_the_outbox_worker(patient, settings):
    settings.CONTACT_NOTIFY_EMAILS = ["nurse@clinic.example"]
    patient.post(CONTACT, DETAILS)
    assert mail.outbox == []  # nothing is sent on the patient's request
    assert send_due_notifications().sent == 1
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["nurse@clinic.example"]
    assert "Urgent" in message.subject
    assert "Alice" not in message.body and "555 0199" not in message.body  # no identity by email


@pytest.mark.django_db
def test_no_email_for_a_self_care_request(client, settings):
    answered(client, SELF_CARE)
    client.post(CONTACT, DETAILS)
    assert ContactRequest.objects.get().urgency == "self_care"
    assert send_due_notifications().sent == 0
    assert mail.outbox == []


@pytest.mark.django_db
def test_a_failed_save_is_told_plainly_with_the_clinic_phone(patient, settings, monkeypatch):
    """A failure that is not the database's (the outbox keeps those: tests/test_outboxes.py)."""
    settings.CLINIC_PHONE = "+1 213 555 0100"

    def broken(**kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(contact_views, "create_contact_request", broken)
    response = patient.post(CONTACT, DETAILS)
    assert response.status_code == 503
    assert b"your request was not sent" in response.content
    assert b'href="tel:+1 213 555 0100"' in response.content


@pytest.mark.django_db
def test_a_failing_mail_server_does_not_lose_the_request(patient, settings):
    settings.EMAIL_BACKEND = "tests.test_contact.BrokenEmailBackend"
    response = patient.post(CONTACT, DETAILS)
    assert response.url == SENT
    assert ContactRequest.objects.count() == 1
    assert send_due_notifications().failed == 1  # and the worker will try again


class BrokenEmailBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise OSError("mail server down")


@pytest.mark.django_db
def test_the_form_needs_csrf_and_post(db):
    client = answered(Client(enforce_csrf_checks=True))
    assert client.post(CONTACT, DETAILS).status_code == 403
    assert client.get(CONTACT).status_code == 405
    assert ContactRequest.objects.count() == 0


@pytest.mark.django_db
def test_without_answers_the_form_goes_back_to_the_start(client):
    response = client.post(CONTACT, DETAILS)
    assert response.url == reverse("procedures:screen")
    assert ContactRequest.objects.count() == 0


@pytest.mark.django_db
def test_the_form_renders_in_spanish(patient):
    patient.cookies["django_language"] = "es"
    page = patient.get(RESULT, HTTP_ACCEPT_LANGUAGE="es")
    assert page.status_code == 200
    assert 'name="consent"' in page.content.decode()


@pytest.mark.django_db
def test_an_email_longer_than_its_column_is_refused_with_a_message(patient):
    too_long = "a" * 245 + "@example.com"  # 257 characters: a valid address, but the column holds 254
    response = patient.post(CONTACT, {**DETAILS, "email": too_long})
    assert response.status_code == 302 and ContactRequest.objects.count() == 0
    assert "Ensure this value has at most 254 characters" in patient.get(RESULT).content.decode()


@pytest.mark.django_db
def test_after_start_again_a_new_result_offers_its_own_contact_form(patient):
    patient.post(CONTACT, {**DETAILS})
    assert "You have asked the clinic to contact you" in patient.get(RESULT).content.decode()
    patient.post("/check/restart/")
    store_in_session(patient, check=URGENT)
    page = patient.get(RESULT).content.decode()
    assert "You have asked the clinic to contact you" not in page and 'action="/check/contact/"' in page
