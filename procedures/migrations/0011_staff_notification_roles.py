"""Who sees the mail outbox: clinical reviewers and front desk (they answer to failing emails)."""

from django.db import migrations

from ._roles import role_grants

ROLE_PERMISSIONS = {
    "Clinical reviewer": ["view_staffnotification"],
    "Front desk": ["view_staffnotification"],
}


grant_roles, revoke_roles = role_grants(ROLE_PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [("procedures", "0010_outboxes")]

    operations = [migrations.RunPython(grant_roles, revoke_roles)]
