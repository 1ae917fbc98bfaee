"""Load fixtures/knowledge_base/ and publish it, idempotently.

Staff edits are never overwritten silently: a row edited in admin since it was loaded is kept
and listed (pass --overwrite-edits to replace such rows with the fixture). The result is checked
for integrity before it is published; a broken knowledge base is refused and nothing changes.
"""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from procedures.hashing import content_hash
from procedures.integrity import check_knowledge_base, shared_vocabulary
from procedures.kb_loader import load_knowledge_base
from procedures.locks import hold_publish_lock
from procedures.releases import release_candidate_data
from procedures.selectors import latest_release
from procedures.services import publish_knowledge_base


class Command(BaseCommand):
    help = "Load the clinical knowledge base from fixtures/ and publish it (safe to run twice)."

    def add_arguments(self, parser):
        parser.add_argument("--directory", type=Path, default=settings.KNOWLEDGE_BASE_DIR)
        parser.add_argument("--overwrite-edits", action="store_true", help="Replace rows that staff edited in admin.")

    def handle(self, *args, directory: Path, overwrite_edits: bool, **options):
        if not directory.is_dir():
            raise CommandError(f"No knowledge base at {directory}")
        try:
            with transaction.atomic():
                hold_publish_lock()  # a second load (or a publish) waits, then finds this one's rows
                report = load_knowledge_base(directory, overwrite_edits=overwrite_edits)
                # Reviewed content only: a row staff are still editing keeps its released values.
                data = release_candidate_data()
                problems = check_knowledge_base(data, shared_vocabulary(settings.SHARED_DIR / "vocabulary"))
                if problems:
                    raise CommandError(
                        "The knowledge base is not whole; nothing was loaded:\n  " + "\n  ".join(problems)
                    )
                release = latest_release()
                if release is None or release.content_hash != content_hash(data):
                    release = publish_knowledge_base(note="Loaded from fixtures", data=data)
                    published = f"published as release {release.label}"
                else:
                    published = f"release {release.label} is already current"
        except (ValueError, KeyError) as exc:
            raise CommandError(f"Could not read the knowledge base: {exc}") from exc
        self.stdout.write(
            f"Knowledge base: {len(report.created)} created, {len(report.updated)} updated, "
            f"{report.unchanged} unchanged, {len(report.removed)} removed; {published}."
        )
        if report.kept_edits:
            self.stdout.write(
                self.style.WARNING(
                    f"Kept {len(report.kept_edits)} staff edit(s) instead of the fixture "
                    "(use --overwrite-edits to replace them):"
                )
            )
            for label in report.kept_edits:
                self.stdout.write(f"  {label}")
