"""Granting the staff roles (groups from 0003_staff_roles) permissions on models a later migration
adds. Not a migration itself: Django's loader skips modules whose names start with "_".

    forward, backward = role_grants({"Front desk": ["view_staffnotification"]})
    operations = [..., migrations.RunPython(forward, backward)]
"""

from django.contrib.auth.management import create_permissions


def role_grants(role_permissions: dict[str, list[str]], app_label: str = "procedures"):
    """RunPython functions granting (and taking back) `app_label`'s permissions to the roles."""
    codenames = {c for names in role_permissions.values() for c in names}

    def grant(apps, schema_editor):
        # Permissions are normally made after all migrations (post_migrate): make them now.
        for app_config in apps.get_app_configs():
            app_config.models_module = True
            create_permissions(app_config, apps=apps, verbosity=0)
            app_config.models_module = None
        Group = apps.get_model("auth", "Group")
        Permission = apps.get_model("auth", "Permission")
        for name, names in role_permissions.items():
            group = Group.objects.filter(name=name).first()
            if group is not None:
                group.permissions.add(*Permission.objects.filter(content_type__app_label=app_label, codename__in=names))

    def revoke(apps, schema_editor):
        Permission = apps.get_model("auth", "Permission")
        for group in apps.get_model("auth", "Group").objects.filter(name__in=role_permissions):
            group.permissions.remove(
                *Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames)
            )

    return grant, revoke
