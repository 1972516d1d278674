"""Drain the notification outbox without the task worker.

mycity deliver_notifications            one run: resume stuck deliveries, send due ones
mycity deliver_notifications --loop     keep polling until SIGTERM or SIGINT
"""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from mycity.core.polling import poll_until_stopped
from mycity.core.task_reclaim import reclaim_abandoned_tasks
from mycity.notify.outboxes import other_outboxes
from mycity.notify.services import DeliveryTally, deliver_due


class Command(BaseCommand):
    help = "Send the pending notification deliveries (e-mail, …); --loop keeps polling."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--loop", action="store_true", help="keep polling until stopped")
        parser.add_argument(
            "--interval", type=float, default=5.0, help="seconds between polls (default 5)"
        )
        parser.add_argument(
            "--limit", type=int, default=100, help="deliveries per run (default 100)"
        )

    def handle(self, *args: Any, loop: bool, interval: float, limit: int, **options: Any) -> None:
        if not loop:
            self._report(deliver_due(limit=limit))
            self._others(limit)
            return
        self.stdout.write("Delivering notifications; stop with SIGTERM or Ctrl-C.")

        def step() -> bool:
            # The outbox outlives any one worker: it returns their abandoned tasks.
            reclaim_abandoned_tasks()
            tally = deliver_due(limit=limit)
            self._report(tally)
            busy = self._others(limit)
            # A full batch means more are waiting: go on without sleeping.
            return tally.sent + tally.retrying + tally.failed >= limit or busy

        poll_until_stopped(step, interval=interval)
        self.stdout.write("Stopped.")

    def _others(self, limit: int) -> bool:
        """Work off the other outboxes (webhooks); whether any did something."""
        busy = False
        for name, run in other_outboxes().items():
            tally = run(limit=limit)
            if tally:
                busy = True
                self.stdout.write(f"{name}: {tally}")
        return busy

    def _report(self, tally: DeliveryTally) -> None:
        if tally:
            self.stdout.write(
                f"sent {tally.sent}, to retry {tally.retrying}, failed {tally.failed}, "
                f"resumed {tally.resumed}"
            )
