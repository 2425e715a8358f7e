"""``pathways scheduler``: keeps putting each day's scheduled jobs (``pathways daily``) on
the task queue for ``pathways db_worker`` to run; ``--once`` queues what is due now and
stops (for a cron line instead of a long-running process)."""

from __future__ import annotations

import signal
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections

from pathways.core.scheduler import enqueue_due, seconds_to_next


class Command(BaseCommand):
    help = "Queue the scheduled jobs (pathways daily) once a day each, for pathways db_worker."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="queue what is due now, then stop")

    def handle(self, *args: Any, **options: Any) -> None:
        self.running = True
        signal.signal(signal.SIGTERM, self._stop)
        signal.signal(signal.SIGINT, self._stop)
        while self.running:
            for run in enqueue_due():
                self.stdout.write(f"Queued {run.job} for {run.on}.")
            if options["once"]:
                return
            close_old_connections()
            slept, wait = 0.0, seconds_to_next()
            while self.running and slept < wait:
                time.sleep(min(1.0, wait - slept))
                slept += 1.0

    def _stop(self, *_: Any) -> None:
        self.running = False
