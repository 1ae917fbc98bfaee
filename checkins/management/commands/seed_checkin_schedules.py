"""Store a check-in schedule for every treatment that has none, derived from the published
knowledge base (checkins/schedule.py). Schedules staff have are kept unless named in --reset."""

from django.core.management.base import BaseCommand

from checkins.models import ScheduledDay
from checkins.schedules import seed_schedules
from procedures.selectors import published_knowledge_base


class Command(BaseCommand):
    help = "Seed check-in schedules from the knowledge base (keeps staff's schedules unless --reset)."

    def add_arguments(self, parser):
        parser.add_argument("--reset", nargs="*", default=[], metavar="TREATMENT", help="derive these again")
        parser.add_argument("--show", action="store_true", help="print each day and where it comes from")

    def handle(self, *args, reset, show, **options):
        report = seed_schedules(published_knowledge_base(), reset=tuple(reset))
        self.stdout.write(
            f"{len(report.created)} schedule(s) created, {len(report.reset)} derived again, {len(report.kept)} kept."
        )
        if show:
            for row in ScheduledDay.objects.select_related("schedule").order_by("schedule__procedure", "day"):
                mark = "high-risk" if row.high_risk else "         "
                self.stdout.write(f"{row.schedule.procedure:<20} day {row.day:>3} {mark}  {row.reason}")
