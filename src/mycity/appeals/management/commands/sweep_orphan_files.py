"""Delete the appeals' files that no row references, older than the grace period (run
nightly from cron; `--dry-run` only lists them)."""

from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from mycity.appeals.orphan_files import GRACE, sweep_orphan_files

# A run lists this many names, then counts the rest.
LISTED = 50


class Command(BaseCommand):
    help = "Delete files under the appeals' upload directories that no appeal references."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="list what would be deleted, delete nothing"
        )
        parser.add_argument(
            "--grace-hours",
            type=int,
            default=int(GRACE.total_seconds() // 3600),
            help="leave files modified more recently than this (default: %(default)s)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["grace_hours"] < 1:
            raise CommandError("--grace-hours must be at least 1.")
        dry_run = options["dry_run"]
        sweep = sweep_orphan_files(grace=timedelta(hours=options["grace_hours"]), dry_run=dry_run)
        verb = "would be deleted" if dry_run else "deleted"
        for name in sweep.orphans[:LISTED]:
            self.stdout.write(f"  {name}")
        more = len(sweep.orphans) - LISTED
        if more > 0:
            self.stdout.write(f"  and {more} more")
        deleted = len(sweep.orphans) - len(sweep.failed)
        line = f"{sweep.found} files seen; {deleted if not dry_run else len(sweep.orphans)} {verb}"
        if sweep.failed:
            line += f"; {len(sweep.failed)} could not be deleted (see the log)"
        self.stdout.write(line + "." + (" Nothing was changed." if dry_run else ""))
