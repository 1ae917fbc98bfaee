"""What each staff role may do with check-ins (docs/checkins.md, "Who may do what").

Front desk works the queue: it sees schedules, enrolments and the outbox, records treatments and
stops check-ins on a patient's request, and reads the alert trail and the clinicians' verdicts.
Clinical reviewers also adjust schedules and escalation settings and give the verdict on alerts.
Content editors get nothing here: check-ins are patients' data.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

FRONT_DESK = [
    "view_checkinschedule",
    "view_scheduledday",
    "view_enrolment",
    "add_enrolment",
    "change_enrolment",
    "view_checkin",
    "view_outgoingmessage",
    "view_escalationsettings",
    "view_alertevent",
    "view_alertverdict",
]
REVIEWER = FRONT_DESK + [
    "change_checkinschedule",
    "add_scheduledday",
    "change_scheduledday",
    "delete_scheduledday",
    "change_escalationsettings",
    "add_alertverdict",
    "change_alertverdict",
]
ROLES = {"Front desk": FRONT_DESK, "Clinical reviewer": REVIEWER}


def grant(apps, schema_editor):
    # Permissions are normally made after all migrations (post_migrate): make them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in ROLES.items():
        group = Group.objects.filter(name=name).first()
        if group is not None:
            group.permissions.add(
                *Permission.objects.filter(content_type__app_label="checkins", codename__in=codenames)
            )


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    for group in apps.get_model("auth", "Group").objects.filter(name__in=ROLES):
        group.permissions.remove(*Permission.objects.filter(content_type__app_label="checkins"))


class Migration(migrations.Migration):
    dependencies = [("checkins", "0001_checkins"), ("procedures", "0003_staff_roles")]

    operations = [migrations.RunPython(grant, revoke)]
