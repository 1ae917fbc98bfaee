"""Who sees the mail outbox: clinical reviewers and front desk (they answer to failing emails)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ROLE_PERMISSIONS = {
    "Clinical reviewer": ["view_staffnotification"],
    "Front desk": ["view_staffnotification"],
}


def grant_roles(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in ROLE_PERMISSIONS.items():
        group = Group.objects.filter(name=name).first()
        if group is not None:
            group.permissions.add(
                *Permission.objects.filter(content_type__app_label="procedures", codename__in=codenames)
            )


def revoke_roles(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    codenames = {c for names in ROLE_PERMISSIONS.values() for c in names}
    for group in apps.get_model("auth", "Group").objects.filter(name__in=ROLE_PERMISSIONS):
        group.permissions.remove(*Permission.objects.filter(codename__in=codenames))


class Migration(migrations.Migration):
    dependencies = [("procedures", "0010_outboxes")]

    operations = [migrations.RunPython(grant_roles, revoke_roles)]
