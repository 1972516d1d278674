from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from mycity.cities.errors import CityNotFound, RegistryImportError
from mycity.cities.registry_import import import_registry
from mycity.cities.selectors import city_by_slug


class Command(BaseCommand):
    help = (
        "Import a city's address registry from CSV, GeoJSON or an OpenStreetMap extract"
        " (.osm.pbf) of any size (docs/address-registry.md)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("city", help="the city's slug, e.g. polotsk")
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--format",
            choices=["csv", "geojson", "osm"],
            dest="file_format",
            help="default: from the file's extension",
        )
        parser.add_argument(
            "--strict", action="store_true", help="import nothing if any row is refused"
        )

    def handle(
        self,
        *args: Any,
        city: str,
        file: Path,
        file_format: str | None,
        strict: bool,
        **options: Any,
    ) -> None:
        try:
            report = import_registry(
                city=city_by_slug(city),
                path=file,
                file_format=file_format,
                strict=strict,
                max_bytes=None,
            )
        except (CityNotFound, RegistryImportError) as error:
            raise CommandError(str(error.message)) from error
        for refusal in report.refused:
            where = f" ({refusal.source})" if refusal.source else ""
            self.stderr.write(f"row {refusal.row}{where}: {refusal.field}: {refusal.message}")
        self.stdout.write(
            f"{report.created} buildings created, {report.updated} updated, "
            f"{report.streets_created} streets created, {len(report.refused)} rows refused, "
            f"{report.changed} changed, {len(report.vanished)} no longer listed, "
            f"{report.outside} outside the city."
        )
        if not report.applied:
            raise CommandError("Strict mode: rows were refused, nothing was imported.")
