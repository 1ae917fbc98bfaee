"""The three staff roles (groups from migration 0003_staff_roles) and where each one stops."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from procedures.models import Complication, ContentStatus, Source, WarningSign
from tests.factories import ContactRequestFactory, staff_user

COMPLICATIONS = reverse("admin:procedures_complication_changelist")
QUEUE = reverse("admin:procedures_contactrequest_changelist")


def login(client, role):
    user = staff_user(role)
    client.force_login(user)
    return user


@pytest.mark.django_db
def test_the_migration_creates_the_three_roles():
    assert set(Group.objects.values_list("name", flat=True)) >= {"Content editor", "Clinical reviewer", "Front desk"}


@pytest.mark.django_db
def test_editor_can_edit_content_and_submit_but_not_publish_or_delete(client):
    login(client, "Content editor")
    sign = WarningSign.objects.first()
    assert client.get(reverse("admin:procedures_warningsign_change", args=[sign.pk])).status_code == 200
    page = client.get(COMPLICATIONS)
    actions = [value for value, _label in page.context["action_form"].fields["action"].choices]
    assert "submit_selected" in actions
    assert "publish_selected" not in actions
    assert "delete_selected" not in actions
    assert client.get(reverse("admin:procedures_warningsign_delete", args=[sign.pk])).status_code == 403
    # Posting the action anyway is refused.
    complication = Complication.objects.first()
    client.post(COMPLICATIONS, {"action": "publish_selected", "_selected_action": [complication.pk]})
    complication.refresh_from_db()
    assert complication.status == ContentStatus.PUBLISHED and complication.reviewed_by is None


@pytest.mark.django_db
def test_editor_cannot_see_the_follow_up_queue(client):
    login(client, "Content editor")
    assert client.get(QUEUE).status_code == 403


@pytest.mark.django_db
def test_editor_edits_the_shared_vocabulary_and_stories_but_does_not_delete_or_approve(client):
    login(client, "Content editor")
    for model in ("symptom", "area", "source", "vignette", "weakeningsignoff"):
        assert client.get(reverse(f"admin:procedures_{model}_add")).status_code == 200, model
    source = Source.objects.first()
    assert client.get(reverse("admin:procedures_source_delete", args=[source.pk])).status_code == 403
    page = client.get(reverse("admin:procedures_weakeningsignoff_changelist"))
    assert b"approve_selected" not in page.content  # the second reviewer is a clinical reviewer


@pytest.mark.django_db
def test_reviewer_can_publish_and_delete_content(client):
    login(client, "Clinical reviewer")
    page = client.get(COMPLICATIONS)
    actions = [value for value, _label in page.context["action_form"].fields["action"].choices]
    assert {"submit_selected", "publish_selected", "delete_selected"} <= set(actions)
    sign = WarningSign.objects.first()
    assert client.get(reverse("admin:procedures_warningsign_delete", args=[sign.pk])).status_code == 200


@pytest.mark.django_db
def test_front_desk_works_the_queue_but_cannot_touch_content(client):
    login(client, "Front desk")
    request = ContactRequestFactory()
    assert client.get(QUEUE).status_code == 200
    assert client.get(reverse("admin:procedures_contactrequest_change", args=[request.pk])).status_code == 200
    assert client.get(reverse("admin:procedures_contactrequest_triage_stats")).status_code == 200
    assert client.get(COMPLICATIONS).status_code == 403
    assert client.get(reverse("admin:procedures_complication_add")).status_code == 403
    # Nobody deletes a patient's request by hand: the retention purge does.
    assert client.get(reverse("admin:procedures_contactrequest_delete", args=[request.pk])).status_code == 403


@pytest.mark.django_db
def test_staff_without_a_role_see_nothing(client):
    client.force_login(staff_user())
    assert client.get(COMPLICATIONS).status_code == 403
    assert client.get(QUEUE).status_code == 403
