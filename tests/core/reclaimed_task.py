"""A task for the reclaim specification: its first run hangs (until the worker is
killed), a later run finishes at once."""

import time
from pathlib import Path

from django_tasks import task


@task()
def hang_the_first_time(marker: str) -> str:
    started = Path(marker + ".started")
    if not started.exists():
        started.touch()
        time.sleep(600)
    Path(marker).write_text("done")
    return "done"
