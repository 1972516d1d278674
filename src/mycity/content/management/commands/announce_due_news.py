"""Tell the followers of news items whose publish time has come (for cron, where the
task backend cannot run a task at a later time)."""

from typing import Any

from django.core.management.base import BaseCommand

from mycity.content.news import announce_due_news


class Command(BaseCommand):
    help = "Tell the followers of scheduled news items whose time has come."

    def handle(self, *args: Any, **options: Any) -> None:
        written = announce_due_news()
        self.stdout.write(f"{written} notifications written.")
