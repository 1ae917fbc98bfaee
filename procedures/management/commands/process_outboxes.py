"""Replay contact requests parked during a database outage, then send due staff notifications.

Run it every minute (docs/operations.md has a systemd timer and a cron line); several servers may
run it at once. `--loop SECONDS` keeps it running, doing a round every SECONDS.
"""

import time

from django.core.management.base import BaseCommand
from django.db import DatabaseError

from procedures.outbox import replay_parked_requests, send_due_notifications


class Command(BaseCommand):
    help = "Replay parked contact requests and send due staff notifications (safe on several servers)."

    def add_arguments(self, parser):
        parser.add_argument("--loop", type=float, default=0, help="Repeat every this many seconds (0: once).")

    def handle(self, *args, loop: float, **options):
        while True:
            self._round()
            if not loop:
                return
            time.sleep(loop)

    def _round(self) -> None:
        replay = replay_parked_requests()
        if replay.stored or replay.already_stored or replay.left:
            self.stdout.write(
                f"Contact outbox: {replay.stored} stored, {replay.already_stored} already stored, {replay.left} left."
            )
        try:
            sending = send_due_notifications()
        except DatabaseError:
            self.stderr.write("Database unavailable: notifications wait for the next round.")
            return
        if sending.sent or sending.failed:
            self.stdout.write(f"Staff notifications: {sending.sent} sent, {sending.failed} failed (will retry).")
