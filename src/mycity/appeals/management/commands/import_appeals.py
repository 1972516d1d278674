"""Import appeals from the national unified system or another register (see
docs/appeal-import.md); prints the report as JSON."""

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from mycity.accounts.models import User
from mycity.appeals.importing import import_appeals, read_rows
from mycity.cities.models import City, Organisation
from mycity.core.errors import DomainError


class Command(BaseCommand):
    help = "Import appeals from a JSON or CSV file, row by row, idempotent on source_number."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("city", help="the city's slug")
        parser.add_argument("file", help="a .json or .csv file of the import format")
        parser.add_argument(
            "--registrar", required=True, help="the registering organisation's slug"
        )
        parser.add_argument(
            "--clerk", required=True, help="the e-mail of the staff member who imports"
        )

    def handle(
        self, *args: Any, city: str, file: str, registrar: str, clerk: str, **options: Any
    ) -> None:
        found = City.objects.filter(slug=city).first()
        if found is None:
            raise CommandError(f"There is no city {city!r}.")
        organisation = Organisation.objects.filter(city=found, slug=registrar).first()
        if organisation is None:
            raise CommandError(f"There is no organisation {registrar!r} in {city}.")
        actor = User.objects.filter(email=clerk).first()
        if actor is None:
            raise CommandError(f"There is no user {clerk!r}.")
        path = Path(file)
        try:
            rows = read_rows(path.read_bytes(), path.name)
            report = import_appeals(actor=actor, city=found, registrar=organisation, rows=rows)
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"The file cannot be read: {exc}") from None
        except DomainError as exc:
            raise CommandError(str(exc.message)) from None
        self.stdout.write(json.dumps(report.as_dict(), ensure_ascii=False, indent=1))
