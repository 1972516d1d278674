"""Close answered appeals whose applicant let the window to disagree pass."""

from typing import Any

from django.core.management.base import BaseCommand

from mycity.appeals.actions.moves import close_answered_appeals


class Command(BaseCommand):
    help = "Close answered appeals whose window to disagree has passed (run daily)."

    def handle(self, *args: Any, **options: Any) -> None:
        closed = close_answered_appeals()
        self.stdout.write(f"Closed {closed} answered appeals.")
