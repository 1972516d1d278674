from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from mycity.accounts.models import User
from mycity.appeals.actions.api_keys import issue_api_client
from mycity.appeals.errors import InvalidAppeal
from mycity.appeals.models import ApiScope
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
        parser.add_argument(
            "--scope",
            action="append",
            choices=list(ApiScope.values),
            help="what the key may do (repeat for more); default: open311 without --user, "
            "public, resident and staff with it",
        )
        parser.add_argument(
            "--days", type=int, metavar="N", help="the key expires after N days (default: never)"
        )

    def handle(
        self,
        *args: Any,
        city: str,
        name: str,
        user: str | None,
        scope: list[str] | None = None,
        days: int | None = None,
        **options: Any,
    ) -> None:
        try:
            the_city = city_by_slug(city)
        except CityNotFound as error:
            raise CommandError(f"There is no active city {city!r}.") from error
        acting_as = None
        if user:
            acting_as = User.objects.filter(email__iexact=user.strip()).first()
            if acting_as is None:
                raise CommandError(f"There is no user with the e-mail {user!r}.")
        if days is not None and days < 1:
            raise CommandError("--days takes a number of days from 1.")
        expires_at = timezone.now() + timedelta(days=days) if days else None
        try:
            issued = issue_api_client(
                city=the_city, name=name, user=acting_as, scopes=scope, expires_at=expires_at
            )
        except InvalidAppeal as error:
            raise CommandError(str(error.message)) from error
        who = f", acting as {acting_as.email}" if acting_as else ""
        self.stderr.write(
            f"API client {issued.client.pk} «{issued.client.name}» of {the_city.slug}{who}, "
            f"scopes {', '.join(issued.client.scopes)}, expires {expires_at or 'never'}. "
            "The key follows; it is shown only this once."
        )
        self.stdout.write(issued.key)
