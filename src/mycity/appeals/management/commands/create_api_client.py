from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from mycity.accounts.models import User
from mycity.appeals.actions.api_keys import issue_api_client
from mycity.appeals.errors import InvalidAppeal
from mycity.cities.errors import CityNotFound
from mycity.cities.selectors import city_by_slug


class Command(BaseCommand):
    help = (
        "Issue an API key: for an integrator posting Open311 requests (docs/open311.md), "
        "or, with --user, a personal access token acting as that user in the REST API. "
        "The key is printed once; only its hash is kept."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("city", help="the city's slug, e.g. polotsk")
        parser.add_argument("name", help="who the key is for, e.g. the integrator's name")
        parser.add_argument("--user", metavar="EMAIL", help="the user the key acts as")

    def handle(self, *args: Any, city: str, name: str, user: str | None, **options: Any) -> None:
        try:
            the_city = city_by_slug(city)
        except CityNotFound as error:
            raise CommandError(f"There is no active city {city!r}.") from error
        acting_as = None
        if user:
            acting_as = User.objects.filter(email__iexact=user.strip()).first()
            if acting_as is None:
                raise CommandError(f"There is no user with the e-mail {user!r}.")
        try:
            issued = issue_api_client(city=the_city, name=name, user=acting_as)
        except InvalidAppeal as error:
            raise CommandError(str(error.message)) from error
        who = f", acting as {acting_as.email}" if acting_as else ""
        self.stderr.write(
            f"API client {issued.client.pk} «{issued.client.name}» of {the_city.slug}{who}. "
            "The key follows; it is shown only this once."
        )
        self.stdout.write(issued.key)
