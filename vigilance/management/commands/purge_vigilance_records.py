"""Delete treatment records (with their links, cases and reports) and export-log rows older than
VIGILANCE_RECORD_RETENTION_DAYS. Safe to run daily beside purge_contact_requests.

Treatment records name no patient; their tie to one (a link to a contact request) already goes
with the request after CONTACT_REQUEST_RETENTION_DAYS. What stays is the lot history vigilance
needs, kept as long as the clinic's rule for medical records says (docs/vigilance.md).
"""

from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from vigilance.models import ExportLog, TreatmentRecord


class Command(BaseCommand):
    help = "Delete vigilance records older than VIGILANCE_RECORD_RETENTION_DAYS."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Count what would be deleted; delete nothing.")

    def handle(self, *args, dry_run: bool, **options):
        days = settings.VIGILANCE_RECORD_RETENTION_DAYS
        cutoff = timezone.now() - timedelta(days=days)
        records = TreatmentRecord.objects.filter(performed_at__lt=cutoff)
        logs = ExportLog.objects.filter(at__lt=cutoff)
        with transaction.atomic():
            counts = (records.count(), logs.count())
            if not dry_run:
                records.delete()  # links, cases, alerts' case lists and reports go with them
                logs.delete()
        verb = "Would delete" if dry_run else "Deleted"
        self.stdout.write(
            f"{verb} {counts[0]} treatment record(s) and {counts[1]} export-log row(s) older than {days} days."
        )
