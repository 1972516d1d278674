"""Write the daily figures: the closed days not yet written (run nightly), or, with
--from and --to, any past days again (the backfill)."""

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from mycity.analytics.aggregation import DayNotClosed, write_closed_days, write_days
from mycity.cities.models import City


class Command(BaseCommand):
    help = "Write the analytics' daily figures (nightly), or rewrite past days with --from/--to."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--from", dest="first", type=date.fromisoformat, help="YYYY-MM-DD")
        parser.add_argument("--to", dest="last", type=date.fromisoformat, help="YYYY-MM-DD")
        parser.add_argument("--city", action="append", help="a city's slug (repeatable)")

    def handle(self, *args: Any, **options: Any) -> None:
        first, last = options["first"], options["last"]
        if first is None and last is None:
            if options["city"]:
                raise CommandError("--city needs --from and --to")
            written = write_closed_days()
            self.stdout.write(f"Wrote {written.days} days ({written.rows} rows).")
            return
        if first is None or last is None or first > last:
            raise CommandError("Give both --from and --to, the first not after the last.")
        cities = City.objects.filter(is_active=True).order_by("pk")
        if options["city"]:
            cities = cities.filter(slug__in=options["city"])
            missing = set(options["city"]) - {c.slug for c in cities}
            if missing:
                raise CommandError(f"No such city: {', '.join(sorted(missing))}")
        for city in cities:
            try:
                written = write_days(city=city, first=first, last=last)
            except DayNotClosed as error:
                raise CommandError(str(error)) from error
            self.stdout.write(f"{city.slug}: wrote {written.days} days ({written.rows} rows).")
