"""Run vignette files through the engine in process and print the audit."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from procedures.selectors import draft_knowledge_base, published_knowledge_base
from procedures.vignette_audit import (
    ConsensusThresholds,
    Thresholds,
    format_consensus,
    format_report,
    is_consensus_suite,
    run_audit,
    run_consensus_audit,
)


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
        failed = False
        for path in files:
            try:
                stories = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError) as exc:
                raise CommandError(f"Cannot read {path}: {exc}") from exc
            if is_consensus_suite(stories):
                # Real patients: scored against both raters, on their own line.
                tally = run_consensus_audit(kb, stories)
                self.stdout.write(format_consensus(path.name, tally, show_misses=not hide_misses))
                failed |= bool(tally.failures(ConsensusThresholds()))
            else:
                vignettes.extend(stories)
        result = run_audit(kb, vignettes)
        self.stdout.write(f"Knowledge base {kb.version}")
        self.stdout.write(format_report(result, show_misses=not hide_misses))
        failures = result.failures(Thresholds())
        if failed:
            failures.append("a real-patient suite is below its targets")
        if failures:
            self.stdout.write(self.style.WARNING("Below the suite thresholds: " + "; ".join(failures)))
            if strict:
                raise CommandError("Audit failed")
        else:
            self.stdout.write(self.style.SUCCESS("All suite thresholds met."))
