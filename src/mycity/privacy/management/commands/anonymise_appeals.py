"""Blank the applicant's data of closed appeals past the city's retention period (run
nightly from cron; `--dry-run` only reports what would be done)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from mycity.cities.models import City
from mycity.privacy.retention import BATCH, anonymise_closed_appeals

# A dry run lists this many numbers per city, then counts the rest.
LISTED = 50


class Command(BaseCommand):
    help = "Anonymise closed appeals whose retention period has passed."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--city", help="the city's slug (default: every city)")
        parser.add_argument(
            "--dry-run", action="store_true", help="report what would be done, change nothing"
        )
        parser.add_argument("--batch", type=int, default=BATCH, help="appeals per batch")

    def handle(self, *args: Any, **options: Any) -> None:
        city = None
        if options["city"]:
            city = City.objects.filter(slug=options["city"]).first()
            if city is None:
                raise CommandError(f"There is no city {options['city']!r}.")
        if options["batch"] < 1:
            raise CommandError("--batch must be at least 1.")
        dry_run = options["dry_run"]
        reports = anonymise_closed_appeals(city=city, dry_run=dry_run, batch=options["batch"])
        verb = "would be anonymised" if dry_run else "anonymised"
        for report in reports:
            line = (
                f"{report.city.slug}: {report.count} {verb} "
                f"(closed before {report.cutoff:%Y-%m-%d}, kept {report.retention_years} years)"
            )
            if report.count:
                line += f"; closed {report.oldest:%Y-%m-%d} … {report.newest:%Y-%m-%d}"
            if report.receptions:
                line += f"; and {report.receptions} reception records without an appeal"
            self.stdout.write(line)
            if report.numbers:
                shown = ", ".join(report.numbers[:LISTED])
                more = len(report.numbers) - LISTED
                self.stdout.write(f"  {shown}" + (f" and {more} more" if more > 0 else ""))
        total = sum(report.count for report in reports)
        self.stdout.write(f"In all: {total} {verb}." + (" Nothing was changed." if dry_run else ""))
