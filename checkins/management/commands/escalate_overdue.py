"""Escalate urgent and emergency requests nobody acknowledged within target (docs/checkins.md)."""

from django.core.management.base import BaseCommand

from checkins.escalation import escalate_overdue


class Command(BaseCommand):
    help = "Escalate unacknowledged urgent/emergency requests past target: on-call first, then the clinical lead."

    def handle(self, *args, **options):
        done = escalate_overdue()
        self.stdout.write(f"{done.on_call} escalated to on-call, {done.clinical_lead} to the clinical lead.")
