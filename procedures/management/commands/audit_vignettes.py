"""Run vignette files through the engine in process and print the audit."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from procedures.selectors import draft_knowledge_base, published_knowledge_base
from procedures.vignette_audit import Thresholds, format_report, run_audit


class Command(BaseCommand):
    help = "Audit the engine on vignette files (format of shared/vignettes/)."

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", type=Path)
        parser.add_argument("--draft", action="store_true", help="Audit the unpublished working copy.")
        parser.add_argument("--hide-misses", action="store_true")
        parser.add_argument(
            "--strict", action="store_true", help="Exit non-zero when the suite thresholds are not met."
        )

    def handle(self, *args, files, draft, hide_misses, strict, **options):
        kb = draft_knowledge_base() if draft else published_knowledge_base()
        if not kb.procedures:
            raise CommandError("The knowledge base is empty: run load_knowledge_base first.")
        vignettes = []
        for path in files:
            try:
                vignettes.extend(json.loads(path.read_text(encoding="utf-8")))
            except (OSError, ValueError) as exc:
                raise CommandError(f"Cannot read {path}: {exc}") from exc
        result = run_audit(kb, vignettes)
        self.stdout.write(f"Knowledge base {kb.version}")
        self.stdout.write(format_report(result, show_misses=not hide_misses))
        failures = result.failures(Thresholds())
        if failures:
            self.stdout.write(self.style.WARNING("Below the suite thresholds: " + "; ".join(failures)))
            if strict:
                raise CommandError("Audit failed")
        else:
            self.stdout.write(self.style.SUCCESS("All suite thresholds met."))
