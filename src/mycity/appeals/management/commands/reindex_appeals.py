"""Write the search index rows of existing appeals (after migration 0003, after a bulk
load that wrote none, or after a change of the stemming rules)."""

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from mycity.appeals.models import Appeal
from mycity.appeals.search import index_appeals, optimise_index
from mycity.cities.models import City


class Command(BaseCommand):
    help = "Index appeals for full-text search (all, or a city's; one transaction per batch)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--city", help="only this city's appeals (its slug)")
        parser.add_argument("--batch", type=int, default=5000, help="appeals per transaction")
        parser.add_argument(
            "--missing", action="store_true", help="only appeals that have no index row"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        appeals = Appeal.objects.order_by("pk")
        if options["city"]:
            city = City.objects.filter(slug=options["city"]).first()
            if city is None:
                raise CommandError(f"There is no city {options['city']!r}.")
            appeals = appeals.filter(city=city)
        if options["missing"]:
            appeals = appeals.filter(search__isnull=True)
        batch = options["batch"]
        if batch < 1:
            raise CommandError("--batch must be positive.")
        started, done, after = time.monotonic(), 0, 0
        while ids := list(appeals.filter(pk__gt=after).values_list("pk", flat=True)[:batch]):
            with transaction.atomic():
                done += index_appeals(ids)
            after = ids[-1]
        optimise_index()
        self.stdout.write(f"Indexed {done} appeals in {time.monotonic() - started:.1f} s.")
