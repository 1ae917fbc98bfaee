"""Load test-story suites (JSON, format of shared/vignettes/) into the admin's test stories."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from procedures.stories import load_stories, read_suite, suite_files


class Command(BaseCommand):
    help = (
        "Load vignette suites into the test stories staff edit in the admin (by id: a story already "
        "there is updated). Without files: every suite of settings.PUBLISH_GATE_VIGNETTES."
    )

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="*", type=Path)
        parser.add_argument("--author", default="", help="Author of stories that name none (default: the file's name).")

    def handle(self, *args, **options):
        files = options["files"] or suite_files()
        if not files:
            raise CommandError("No suite files given or configured (PUBLISH_GATE_VIGNETTES).")
        for path in files:
            if not path.is_file():
                raise CommandError(f"{path}: no such file")
            loaded = load_stories(read_suite(path), source=path.name, author=options["author"] or path.stem)
            self.stdout.write(f"{path.name}: {loaded.created} created, {loaded.updated} updated")
            if loaded.skipped:
                self.stderr.write(
                    f"  skipped (procedure or complication not in the knowledge base): {', '.join(loaded.skipped)}"
                )
