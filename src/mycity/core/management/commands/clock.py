"""Hand the periodic jobs to the task workers at their times (mycity.core.clock).

mycity clock            one tick: enqueue what is due and not yet enqueued
mycity clock --loop     tick every --interval seconds until SIGTERM or SIGINT
"""

import logging
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from mycity.core.clock import tick
from mycity.core.polling import poll_until_stopped

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "Enqueue the periodic jobs whose time has come; --loop keeps ticking."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--loop", action="store_true", help="keep ticking until stopped")
        parser.add_argument(
            "--interval", type=float, default=30.0, help="seconds between ticks (default 30)"
        )

    def handle(self, *args: Any, loop: bool, interval: float, **options: Any) -> None:
        if not loop:
            self._report(tick())
            return
        self.stdout.write("The clock is running; stop it with SIGTERM or Ctrl-C.")

        def step() -> bool:
            try:
                self._report(tick())
            except Exception:
                # The database away for a moment: the next tick catches up.
                logger.exception("clock tick failed")
            return False

        poll_until_stopped(step, interval=interval)

    def _report(self, enqueued: list[str]) -> None:
        if enqueued:
            self.stdout.write(f"Enqueued: {', '.join(enqueued)}.")
