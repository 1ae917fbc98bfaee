"""Delete contact requests older than CONTACT_REQUEST_RETENTION_DAYS. Safe to run daily (cron).

Only closed requests are deleted: an open request older than the retention period has fallen
through the cracks, so it is reported (exit status stays 0) rather than silently removed.
Running it twice deletes nothing more the second time.
"""

from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from procedures.models import ContactRequest


class Command(BaseCommand):
    help = "Delete closed contact requests older than CONTACT_REQUEST_RETENTION_DAYS."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Count what would be deleted; delete nothing.")

    def handle(self, *args, dry_run: bool, **options):
        days = settings.CONTACT_REQUEST_RETENTION_DAYS
        cutoff = timezone.now() - timedelta(days=days)
        old = ContactRequest.objects.filter(created_at__lt=cutoff)
        with transaction.atomic():
            expired = old.filter(status=ContactRequest.Status.CLOSED)
            if dry_run:
                deleted = expired.count()
            else:
                deleted, _ = expired.delete()
        still_open = old.exclude(status=ContactRequest.Status.CLOSED).count()
        verb = "Would delete" if dry_run else "Deleted"
        self.stdout.write(f"{verb} {deleted} contact request(s) closed and older than {days} days.")
        if still_open:
            self.stderr.write(
                self.style.WARNING(
                    f"{still_open} open request(s) are older than {days} days and were kept: close them in the admin."
                )
            )
