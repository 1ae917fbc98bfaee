"""What each staff role may do with vigilance (docs/vigilance.md, "Who may do what").

Front desk records treatments and links them to requests and check-ins, and sees cases and cluster
alerts, but never exports: exports carry clinical detail out of the system. Clinical reviewers
also confirm cases, work the alerts, prepare reports, and export (FHIR and report forms). Content
editors get nothing here: these are patients' data. The export log is read-only for reviewers.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

FRONT_DESK = [
    "view_treatmentrecord",
    "add_treatmentrecord",
    "change_treatmentrecord",
    "view_treatmentlink",
    "add_treatmentlink",
    "change_treatmentlink",
    "delete_treatmentlink",
    "view_complicationcase",
    "view_clusteralert",
]
REVIEWER = FRONT_DESK + [
    "add_complicationcase",
    "change_complicationcase",
    "change_clusteralert",
    "view_adverseeventreport",
    "add_adverseeventreport",
    "change_adverseeventreport",
    "view_exportlog",
    "export_records",
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
                *Permission.objects.filter(content_type__app_label="vigilance", codename__in=codenames)
            )


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    for group in apps.get_model("auth", "Group").objects.filter(name__in=ROLES):
        group.permissions.remove(*Permission.objects.filter(content_type__app_label="vigilance"))


class Migration(migrations.Migration):
    dependencies = [("vigilance", "0001_treatment_records_clusters_reports"), ("procedures", "0003_staff_roles")]

    operations = [migrations.RunPython(grant, revoke)]
