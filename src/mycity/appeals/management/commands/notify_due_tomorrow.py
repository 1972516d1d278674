"""Tell executors which of their appeals are due on the next working day (run daily
from cron; a second run the same day tells nobody twice)."""

from typing import Any

from django.core.management.base import BaseCommand

from mycity.appeals.staff_notices import notify_due_tomorrow


class Command(BaseCommand):
    help = "Notify executors in the console of appeals due on the next working day (run daily)."

    def handle(self, *args: Any, **options: Any) -> None:
        told = notify_due_tomorrow()
        self.stdout.write(f"Wrote {told} due-tomorrow notifications.")
