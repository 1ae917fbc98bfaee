"""Create the three staff roles as groups with their model permissions (docs/staff.md).

Permissions are normally created after all migrations have run (post_migrate), so they are
created here first for a fresh database. Re-running is harmless: groups are updated in place.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

READ_ONLY_CONTENT = ["source", "area", "symptom", "knowledgebaserelease"]
EDITABLE_CONTENT = [
    "procedure",
    "expectedeffect",
    "procedurecomplication",
    "complication",
    "warningsign",
    "combinationrule",
    "ruleclause",
]

EDITOR = [f"view_{m}" for m in READ_ONLY_CONTENT + EDITABLE_CONTENT] + [
    f"{action}_{m}" for m in EDITABLE_CONTENT for action in ("add", "change")
]
FRONT_DESK = ["view_contactrequest", "change_contactrequest", "view_triage_stats"]
REVIEWER = EDITOR + [f"delete_{m}" for m in EDITABLE_CONTENT] + ["publish_content"] + FRONT_DESK

ROLES = {
    "Content editor": EDITOR,
    "Clinical reviewer": REVIEWER,
    "Front desk": FRONT_DESK,
}


def create_roles(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        permissions = Permission.objects.filter(content_type__app_label="procedures", codename__in=codenames)
        missing = set(codenames) - set(permissions.values_list("codename", flat=True))
        if missing:
            raise RuntimeError(f"Permissions not found for role {name}: {sorted(missing)}")
        group.permissions.set(permissions)


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("procedures", "0002_contact_requests_and_publish_permission"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
