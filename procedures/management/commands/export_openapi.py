"""Write the API's OpenAPI 3.1 description to docs/openapi.json (`make openapi`), or check it."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from procedures.openapi import openapi_json

DEFAULT_PATH = Path(settings.BASE_DIR) / "docs" / "openapi.json"


class Command(BaseCommand):
    help = "Write the OpenAPI description generated from the API's models to docs/openapi.json."
    # It reads Python models only: no database, no URLs, nothing the system checks look at.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser):
        parser.add_argument("--path", type=Path, default=DEFAULT_PATH)
        parser.add_argument("--check", action="store_true", help="Fail if the file differs; write nothing.")

    def handle(self, *args, path: Path, check: bool, **options):
        text = openapi_json()
        if check:
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                raise CommandError(f"{path} is out of date: run `make openapi`.")
            self.stdout.write(f"{path} is up to date.")
            return
        path.write_text(text, encoding="utf-8")
        self.stdout.write(self.style.SUCCESS(f"Wrote {path}."))
