"""Import a city's address registry from CSV, GeoJSON or an OpenStreetMap extract
(`.osm.pbf`, read by `cities.osm_extract`): all three go through the same rows, checks and
report.

Rows are checked one by one; a refused row is reported with its number, field and
reason, and the others are imported. In strict mode any refusal leaves the
database untouched. Re-importing the same file creates nothing twice: buildings are
keyed by street and house number, and their coordinates and postcode are updated.
"""

import csv
import io
import json
import math
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from shapely.errors import ShapelyError
from shapely.geometry import shape

from mycity.cities.errors import RegistryImportError
from mycity.cities.models import Building, City, Street, StreetKind
from mycity.cities.osm_extract import read_addresses
from mycity.cities.selectors import district_at, point_in_city
from mycity.cities.services import guess_street_kind, upsert_building, upsert_street

MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_NAME = 200
MAX_NUMBER = 20
FORMATS = ("csv", "geojson", "osm")


def format_of(name: str) -> str:
    """The registry format a file's name says: `.osm.pbf`/`.pbf`, `.geojson`/`.json`, else CSV."""
    lowered = name.lower()
    if lowered.endswith(".pbf"):
        return "osm"
    if lowered.endswith((".geojson", ".json")):
        return "geojson"
    return "csv"


@dataclass
class Refusal:
    row: int
    field: str
    message: str
    source: str = ""  # the OSM object ("way 123") a row of an extract came from


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    streets_created: int = 0
    refused: list[Refusal] = field(default_factory=list)
    applied: bool = True
    # Of the updated buildings, those whose point, postcode or district moved.
    changed: int = 0
    # The city's buildings the file no longer lists (kept: appeals may point at them),
    # as "street, number".
    vanished: list[str] = field(default_factory=list)
    vanished_ids: list[int] = field(default_factory=list)
    # Addresses of an OSM extract outside the city (or named for another place): skipped.
    outside: int = 0


@dataclass
class AddressRow:
    row: int
    names: dict[str, str]
    kind: str
    number: str
    lat: float
    lon: float
    postcode: str


class _RowRefused(Exception):
    def __init__(self, field_name: str, message: str) -> None:
        super().__init__(message)
        self.field = field_name
        self.message = message


class _StrictAbort(Exception):
    pass


def import_registry(
    *,
    city: City,
    path: Path,
    file_format: str | None = None,
    strict: bool = False,
    max_bytes: int | None = MAX_FILE_BYTES,
) -> ImportReport:
    """Import the file; `max_bytes` None (the management command) reads a file of any
    size, as a region's OSM extract is."""
    file_format = file_format or format_of(path.name)
    if file_format not in FORMATS:
        raise RegistryImportError(_("The format must be csv, geojson or osm."), field="format")
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise RegistryImportError(_("The file cannot be read."), field="file") from exc
    if max_bytes is not None and size > max_bytes:
        raise RegistryImportError(_("The file is larger than 50 MB."), field="file")
    report = ImportReport()
    raw_rows: Iterator[tuple[int, dict[str, Any]]]
    if file_format == "osm":
        # Read whole before the transaction: a damaged file fails before anything is written.
        extract = read_addresses(path, city)
        if not extract.rows:
            raise RegistryImportError(
                _("The extract holds no addresses (addr:street and addr:housenumber) in the city."),
                field="file",
            )
        report.outside = extract.outside
        raw_rows = iter(extract.rows)
    else:
        try:
            text = path.read_bytes().decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise RegistryImportError(_("The file is not UTF-8 text."), field="file") from exc
        raw_rows = _csv_rows(text) if file_format == "csv" else _geojson_rows(text)
    try:
        with transaction.atomic():
            _apply(city, raw_rows, report)
            if strict and report.refused:
                raise _StrictAbort
    except _StrictAbort:
        report.created = report.updated = report.streets_created = report.changed = 0
        report.vanished, report.vanished_ids = [], []
        report.applied = False
    return report


def _apply(
    city: City, raw_rows: Iterator[tuple[int, dict[str, Any]]], report: ImportReport
) -> None:
    seen: set[tuple[str, str, str]] = set()
    streets: dict[tuple[str, str], Street] = {}
    listed: set[int] = set()
    for row_number, raw in raw_rows:
        try:
            row = _parse(row_number, raw)
            if not point_in_city(city, lat=row.lat, lon=row.lon):
                raise _RowRefused("lat", _("The point is outside the city."))
            key = (row.kind, row.names["ru"].casefold(), row.number.casefold())
            if key in seen:
                raise _RowRefused("number", _("The same address appears earlier in the file."))
            seen.add(key)
        except _RowRefused as refusal:
            report.refused.append(
                Refusal(row_number, refusal.field, refusal.message, str(raw.get("source") or ""))
            )
            continue
        street_key = (row.kind, row.names["ru"])
        street = streets.get(street_key)
        if street is None:
            existed = Street.objects.filter(
                city=city, kind=row.kind, name_ru=row.names["ru"]
            ).exists()
            street = upsert_street(city=city, kind=row.kind, names=row.names)
            streets[street_key] = street
            report.streets_created += not existed
        district = district_at(city, lat=row.lat, lon=row.lon)
        before = (
            Building.objects.filter(street=street, number=row.number.strip())
            .values_list("lat", "lon", "postcode", "district_id")
            .first()
        )
        building, created = upsert_building(
            street=street,
            number=row.number,
            lat=row.lat,
            lon=row.lon,
            district=district,
            postcode=row.postcode,
        )
        listed.add(building.pk)
        if created:
            report.created += 1
        else:
            report.updated += 1
            after = (row.lat, row.lon, row.postcode, district.pk if district else None)
            report.changed += before != after
    vanished = (
        Building.objects.filter(city=city)
        .select_related("street")
        .only("pk", "number", "street__name_ru")
        .order_by("street__name_ru", "number_sort", "number")
    )
    for building in vanished.iterator(chunk_size=2000):
        if building.pk not in listed:
            report.vanished.append(f"{building.street.name_ru}, {building.number}")
            report.vanished_ids.append(building.pk)
    # Vanished addresses are kept (appeals point at them) and marked, for the
    # administrator to map each to its successor or keep it as historical.
    for chunk in _chunks(report.vanished_ids, 2000):
        Building.objects.filter(pk__in=chunk, vanished_at__isnull=True).update(
            vanished_at=timezone.now()
        )
    for chunk in _chunks(sorted(listed), 2000):
        Building.objects.filter(pk__in=chunk, vanished_at__isnull=False).update(
            vanished_at=None, kept_as_historical=False, replaced_by=None
        )


def _chunks(ids: list[int], size: int) -> Iterator[list[int]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def _parse(row_number: int, raw: dict[str, Any]) -> AddressRow:
    def text(name: str, limit: int, *, required: bool = False) -> str:
        value = str(raw.get(name) or "").strip()
        if required and not value:
            raise _RowRefused(name, _("This field is required."))
        if len(value) > limit:
            raise _RowRefused(name, _("No more than %(max)s characters.") % {"max": limit})
        return value

    street_ru = text("street_ru", MAX_NAME, required=True)
    kind = text("street_kind", 20)
    if kind:
        if kind not in StreetKind.values:
            raise _RowRefused(
                "street_kind",
                _("Choose one of: %(choices)s.") % {"choices": ", ".join(StreetKind.values)},
            )
        names = {"ru": street_ru}
        be = text("street_be", MAX_NAME)
    else:
        guess = guess_street_kind(street_ru)
        kind, names = guess.kind, {"ru": guess.bare_name}
        be = guess_street_kind(text("street_be", MAX_NAME)).bare_name
    names["be"] = be or names["ru"]
    names["en"] = text("street_en", MAX_NAME) or names["ru"]
    number = text("number", MAX_NUMBER, required=True)
    lat = _coordinate(raw.get("lat"), "lat", 90)
    lon = _coordinate(raw.get("lon"), "lon", 180)
    postcode = text("postcode", 6)
    return AddressRow(row_number, names, kind, number, lat, lon, postcode)


def _coordinate(value: Any, name: str, limit: float) -> float:
    try:
        number = float(str(value).strip().replace(",", "."))
    except (TypeError, ValueError):
        raise _RowRefused(name, _("Enter a number.")) from None
    if not math.isfinite(number) or abs(number) > limit:
        raise _RowRefused(name, _("Latitude must be within ±90 and longitude within ±180."))
    return number


def _csv_rows(text: str) -> Iterator[tuple[int, dict[str, Any]]]:
    sample = text[:4096]
    try:
        dialect: Any = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.DictReader(io.StringIO(text), dialect=dialect)
    header = [name.strip() for name in (reader.fieldnames or [])]
    missing = {"street_ru", "number", "lat", "lon"} - set(header)
    if missing:
        raise RegistryImportError(
            _("The CSV header lacks the columns: %(columns)s.")
            % {"columns": ", ".join(sorted(missing))},
            field="file",
        )
    reader.fieldnames = header
    yield from enumerate(reader, start=2)  # row 1 is the header


def _geojson_rows(text: str) -> Iterator[tuple[int, dict[str, Any]]]:
    try:
        document = json.loads(text)
    except (json.JSONDecodeError, RecursionError) as exc:  # RecursionError: nested without end
        raise RegistryImportError(_("The file is not valid JSON."), field="file") from exc
    if not isinstance(document, dict) or document.get("type") != "FeatureCollection":
        raise RegistryImportError(_("The file must be a GeoJSON FeatureCollection."), field="file")
    for index, feature in enumerate(document.get("features") or []):
        # A feature or its properties of another JSON type: a row refused on its fields.
        feature = feature if isinstance(feature, dict) else {}
        props = feature.get("properties")
        props = props if isinstance(props, dict) else {}
        street = props.get("addr:street:ru") or props.get("addr:street") or ""
        row: dict[str, Any] = {
            "street_ru": street,
            "street_be": props.get("addr:street:be") or props.get("addr:street") or "",
            "street_en": props.get("addr:street:en") or "",
            "number": props.get("addr:housenumber") or "",
            "postcode": props.get("addr:postcode") or "",
            "lat": None,
            "lon": None,
        }
        try:
            point = shape(feature["geometry"]).representative_point()
            row["lat"], row["lon"] = point.y, point.x
        except (KeyError, TypeError, ValueError, AttributeError, IndexError, ShapelyError):
            pass  # refused with a field error by _parse
        yield index, row
