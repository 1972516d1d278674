"""Open311 out without the task worker: send the appeals due to organisations' own
systems, and pull those systems' status updates (docs/open311.md, «Open311 out»).

mycity sync_open311            one run: send what is due, pull every connection once
mycity sync_open311 --loop     send every few seconds, pull every OPEN311_PULL_EVERY_S
"""

import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from mycity.appeals.open311_out import pull_due_links, send_due_dispatches
from mycity.core.polling import poll_until_stopped


class Command(BaseCommand):
    verbosity = 1
    help = "Send appeals to organisations' own Open311 systems and pull their updates."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--loop", action="store_true", help="keep going until stopped")
        parser.add_argument(
            "--interval", type=float, default=5.0, help="seconds between sends (default 5)"
        )

    def handle(self, *args: Any, loop: bool, interval: float, **options: Any) -> None:
        self.verbosity = int(options.get("verbosity", 1))
        if not loop:
            self._run(pull=True)
            return
        last_pull = 0.0

        def step() -> bool:
            nonlocal last_pull
            pull = time.monotonic() - last_pull >= settings.OPEN311_PULL_EVERY_S
            self._run(pull=pull)
            if pull:
                last_pull = time.monotonic()
            return False

        poll_until_stopped(step, interval=interval)

    def _run(self, *, pull: bool) -> None:
        sent = send_due_dispatches()
        applied = sum(pull_due_links().values()) if pull else 0
        if sent or applied or self.verbosity > 1:
            self.stdout.write(f"Sent {sent}, applied {applied} updates.")
