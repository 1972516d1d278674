"""Hand the periodic jobs to the task workers at their times (mycity.core.clock).

mycity clock            one tick: enqueue what is due and not yet enqueued
mycity clock --loop     tick every --interval seconds until SIGTERM or SIGINT
"""

import logging
import signal
import threading
from types import FrameType
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections

from mycity.core.clock import tick

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
        stop = threading.Event()

        def request_stop(signum: int, frame: FrameType | None) -> None:
            stop.set()

        previous = {
            signum: signal.signal(signum, request_stop)
            for signum in (signal.SIGTERM, signal.SIGINT)
        }
        self.stdout.write("The clock is running; stop it with SIGTERM or Ctrl-C.")
        try:
            while not stop.is_set():
                close_old_connections()
                try:
                    self._report(tick())
                except Exception:
                    # The database away for a moment: the next tick catches up.
                    logger.exception("clock tick failed")
                stop.wait(interval)
        finally:
            for signum, handler in previous.items():
                signal.signal(signum, handler)

    def _report(self, enqueued: list[str]) -> None:
        if enqueued:
            self.stdout.write(f"Enqueued: {', '.join(enqueued)}.")
