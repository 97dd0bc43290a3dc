"""The reminder worker: a long-lived process beside the web server (see docs/operations.md's
Production section), or one round with --once (tests, cron)."""

import logging
import signal
import threading

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import close_old_connections

from sci_tracker.reminders.worker import send_round

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "Send the daily check-in reminders that are due, every minute until stopped."

    def add_arguments(self, parser):
        parser.add_argument(
            "--once", action="store_true", help="Send what is due now, then stop (for cron)."
        )
        parser.add_argument(
            "--interval",
            type=int,
            default=None,
            help="Seconds between rounds (default: SCI_TRACKER_REMINDER_INTERVAL, 60).",
        )

    def handle(self, *args, once=False, interval=None, **options):
        if once:
            self.report(send_round())
            return
        interval = interval or settings.REMINDER_INTERVAL
        stop = threading.Event()

        def stop_soon(signum, frame):
            # The round in progress finishes (a claimed reminder is sent), then the loop ends.
            stop.set()

        signal.signal(signal.SIGTERM, stop_soon)
        signal.signal(signal.SIGINT, stop_soon)
        self.stdout.write(f"Sending reminders every {interval} s (stop with Ctrl+C or SIGTERM).")
        while not stop.is_set():
            close_old_connections()  # a connection the database dropped is opened again
            try:
                self.report(send_round())
            except Exception:  # one failed round (the database away) must not end the worker
                logger.exception("A round of reminders failed; trying again next round.")
            stop.wait(interval)
        close_old_connections()
        self.stdout.write("Reminder worker stopped.")

    def report(self, counts):
        sent = counts.get("sent", 0)
        if sent or counts.get("failed"):
            self.stdout.write(
                ", ".join(f"{name}: {number}" for name, number in sorted(counts.items()))
            )
