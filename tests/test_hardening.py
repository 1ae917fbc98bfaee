"""Admin hardening: login lockout (django-axes), password rules, staff text escaped for patients."""

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse

from procedures.models import Procedure
from procedures.services import publish_knowledge_base
from tests.factories import UserFactory

from .session_support import store_in_session

LOGIN = reverse("admin:login")
PASSWORD = "correct horse battery staple"


@pytest.mark.django_db
def test_admin_login_works_and_locks_after_repeated_failures(client, settings):
    UserFactory(username="nurse", is_superuser=True)
    ok = client.post(LOGIN, {"username": "nurse", "password": PASSWORD, "next": "/admin/"})
    assert ok.status_code == 302 and ok.url == "/admin/"
    client.logout()
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        client.post(LOGIN, {"username": "nurse", "password": "wrong", "next": "/admin/"})
    locked = client.post(LOGIN, {"username": "nurse", "password": PASSWORD, "next": "/admin/"})
    assert locked.status_code in (403, 429)
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_weak_staff_passwords_are_refused():
    with pytest.raises(ValidationError):
        validate_password("password123")
    with pytest.raises(ValidationError):
        validate_password("short1!")


@pytest.mark.django_db
def test_staff_text_with_a_script_tag_is_escaped_on_patient_pages(client):
    procedure = Procedure.objects.get(slug="trusculpt-id")
    procedure.name = "<script>alert('x')</script>truSculpt"
    procedure.save()
    effect = procedure.expected_effects.first()
    effect.name = '<img src=x onerror="alert(1)">'
    effect.save()
    from procedures.selectors import knowledge_base_data

    publish_knowledge_base(data=knowledge_base_data())
    store_in_session(
        client,
        check={
            "screen": {"red_flags": [], "none": True},
            "treatment": {"procedure": "trusculpt-id", "days": 1, "area": "abdomen"},
            "symptoms": {"symptoms": ["redness"], "trend": "improving"},
        },
    )
    page = client.get(reverse("procedures:result")).content.decode()
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert" in page
    assert "<img src=x" not in page
    treatment = client.get(reverse("procedures:treatment")).content.decode()
    assert "<script>alert" not in treatment
