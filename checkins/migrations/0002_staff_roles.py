"""What each staff role may do with check-ins (docs/checkins.md, "Who may do what").

Front desk works the queue: it sees schedules, enrolments and the outbox, records treatments and
stops check-ins on a patient's request, and reads the alert trail and the clinicians' verdicts.
Clinical reviewers also adjust schedules and escalation settings and give the verdict on alerts.
Content editors get nothing here: check-ins are patients' data.
"""

from django.db import migrations

from procedures.migrations._roles import role_grants

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


grant, revoke = role_grants(ROLES, app_label="checkins")


class Migration(migrations.Migration):
    dependencies = [("checkins", "0001_checkins"), ("procedures", "0003_staff_roles")]

    operations = [migrations.RunPython(grant, revoke)]
