"""Remind residents of their booked receptions (run from cron every quarter of an hour:
a second run reminds nobody twice)."""

from typing import Any

from django.core.management.base import BaseCommand

from mycity.reception.services import send_reminders


class Command(BaseCommand):
    help = "Remind residents of their booked receptions, as each official's schedule says."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"Sent {send_reminders()} reception reminders.")
