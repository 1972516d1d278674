"""E-mail the daily digest to every staff member who asked for one (run each morning
from cron; a second run the same day sends nothing twice)."""

from typing import Any

from django.core.management.base import BaseCommand

from mycity.console.digest import send_digests


class Command(BaseCommand):
    help = "E-mail the staff who asked for it their appeals due today, tomorrow and overdue."

    def handle(self, *args: Any, **options: Any) -> None:
        sent = send_digests()
        self.stdout.write(f"Wrote {sent} daily digests to the outbox.")
