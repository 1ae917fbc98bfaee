"""Alerts per 100 simulated patients over 12 weeks, the suites' stories as courses (docs/checkins.md)."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from checkins.schedule import derive_all
from checkins.simulation import simulate, stories
from procedures.selectors import published_knowledge_base


class Command(BaseCommand):
    help = "Simulate check-ins over 12 weeks with the vignette suites' stories and count alerts per 100 patients."

    def add_arguments(self, parser):
        default = sorted((Path(settings.BASE_DIR) / "tests" / "vignettes").glob("*.json"))
        parser.add_argument("files", nargs="*", type=Path, default=default)
        parser.add_argument("--answer-rate", type=float, action="append", help="share of check-ins answered")

    def handle(self, *args, files, answer_rate, **options):
        kb = published_knowledge_base()
        schedules = derive_all(kb, settings.CHECKIN_HORIZON_DAYS)
        courses = stories(files)
        self.stdout.write(f"{len(courses)} stories from {len(files)} file(s); schedules derived from {kb.version}")
        self.stdout.write("answered  patients  check-ins/100  alerts/100  urgent+/100  flags/100  every-answer/100")
        for rate in answer_rate or [1.0, 0.8]:
            t = simulate(kb, schedules, courses, answer_rate=rate)
            self.stdout.write(
                f"{rate:>8.0%}  {t.patients:>8}  {t.per_100(t.checkins):>13}  {t.per_100(t.alerts):>10}  "
                f"{t.per_100(t.urgent_alerts):>11}  {t.per_100(t.flags):>9}  {t.per_100(t.every_answer):>16}"
            )
            self.stdout.write(f"          alerts by level: {dict(sorted(t.by_level.items()))}")
