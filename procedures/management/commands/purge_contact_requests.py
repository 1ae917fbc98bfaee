"""Delete contact requests older than CONTACT_REQUEST_RETENTION_DAYS. Safe to run daily (cron).

Every request older than the retention period is deleted, open or closed: the consent text
promises the patient deletion after that many days. Open ones among them had fallen through the
cracks, so they are counted in a warning for staff. Running it twice deletes nothing more the
second time.
"""

from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from procedures.models import ContactRequest


class Command(BaseCommand):
    help = "Delete contact requests older than CONTACT_REQUEST_RETENTION_DAYS, as the consent text promises."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Count what would be deleted; delete nothing.")

    def handle(self, *args, dry_run: bool, **options):
        days = settings.CONTACT_REQUEST_RETENTION_DAYS
        cutoff = timezone.now() - timedelta(days=days)
        old = ContactRequest.objects.filter(created_at__lt=cutoff)
        with transaction.atomic():
            still_open = old.exclude(status=ContactRequest.Status.CLOSED).count()
            if dry_run:
                deleted = old.count()
            else:
                _, per_model = old.delete()  # their staff notifications go with them
                deleted = per_model.get(ContactRequest._meta.label, 0)
        verb = "Would delete" if dry_run else "Deleted"
        self.stdout.write(f"{verb} {deleted} contact request(s) older than {days} days.")
        if still_open:
            self.stderr.write(
                self.style.WARNING(
                    f"{still_open} of them were still open: the promise to the patient is deletion after {days} "
                    "days. Check why they were not closed."
                )
            )
