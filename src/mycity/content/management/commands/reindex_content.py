"""Rebuild the search index of a city's information (news, notices, events, places)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from mycity.cities.models import City
from mycity.content.search import reindex


class Command(BaseCommand):
    help = "Rebuild the search index of the city's news, notices, events and places."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("city", help="the city's slug")

    def handle(self, *args: Any, city: str, **options: Any) -> None:
        found = City.objects.filter(slug=city).first()
        if found is None:
            raise CommandError(f"There is no city {city!r}.")
        self.stdout.write(f"Indexed {reindex(found)} items of {found.slug}.")
