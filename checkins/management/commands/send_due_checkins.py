"""Send the check-ins that are due, their one reminder, close missed ones, and send the outbox.

Run every minute (docs/checkins.md). Idempotent, and safe on several servers at once.
"""

from django.core.management.base import BaseCommand

from checkins.services import send_due_checkins


class Command(BaseCommand):
    help = "Send due check-ins and reminders, flag missed high-risk ones, and send the check-in outbox."

    def handle(self, *args, **options):
        run = send_due_checkins()
        self.stdout.write(
            f"{run.sent} check-in(s) sent, {run.reminded} reminded, {run.missed} missed "
            f"({run.flagged} flagged to staff); messages: {run.messages.sent} sent, {run.messages.failed} failing; "
            f"{run.erased} finished enrolment(s) erased."
        )
