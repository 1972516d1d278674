"""Send the day's reminders before terms and escalate overdue appeals (run from cron,
once or twice a day: a second run sends nothing twice)."""

from typing import Any

from django.core.management.base import BaseCommand

from mycity.control.reminders import send_reminders


class Command(BaseCommand):
    help = "Remind executors and controlling officials of terms; escalate overdue appeals."

    def handle(self, *args: Any, **options: Any) -> None:
        tally = send_reminders()
        self.stdout.write(f"Sent {tally.reminded} reminders and {tally.escalated} escalations.")
