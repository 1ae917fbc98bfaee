"""What each staff role may do with vigilance (docs/vigilance.md, "Who may do what").

Front desk records treatments and links them to requests and check-ins, and sees cases and cluster
alerts, but never exports: exports carry clinical detail out of the system. Clinical reviewers
also confirm cases, work the alerts, prepare reports, and export (FHIR and report forms). Content
editors get nothing here: these are patients' data. The export log is read-only for reviewers.
"""

from django.db import migrations

from procedures.migrations._roles import role_grants

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


grant, revoke = role_grants(ROLES, app_label="vigilance")


class Migration(migrations.Migration):
    dependencies = [("vigilance", "0001_treatment_records_clusters_reports"), ("procedures", "0003_staff_roles")]

    operations = [migrations.RunPython(grant, revoke)]
