"""The loop of the long-running commands (the outbox, the clock, Open311 out's sync):
one step after another until SIGTERM or SIGINT, which end it between steps, so a
supervisor's stop never cuts a step in half."""

import signal
import threading
from collections.abc import Callable
from types import FrameType

from django.db import close_old_connections


def poll_until_stopped(step: Callable[[], bool], *, interval: float) -> None:
    """Run `step` again and again; after a step that found nothing more waiting (it
    returns False) wait `interval` seconds, after a busy one go straight on."""
    stop = threading.Event()

    def request_stop(signum: int, frame: FrameType | None) -> None:
        stop.set()

    previous = {
        signum: signal.signal(signum, request_stop) for signum in (signal.SIGTERM, signal.SIGINT)
    }
    try:
        while not stop.is_set():
            # A connection the database dropped while we waited is not reused.
            close_old_connections()
            if not step():
                stop.wait(interval)
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        close_old_connections()
