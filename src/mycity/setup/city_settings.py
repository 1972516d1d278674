"""The city's own settings and districts, changed by its administrator: whole or not at
all, with the audit row of what changed."""

import re
import zoneinfo
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from shapely.geometry import Point

from mycity.accounts.models import User
from mycity.accounts.permissions import Action, require
from mycity.appeals.registration import format_number
from mycity.cities.errors import InvalidSetup
from mycity.cities.geojson_input import area_from_geojson
from mycity.cities.maps import validate_tiles_url
from mycity.cities.models import (
    Building,
    City,
    District,
    Organisation,
    validate_registration_format,
)
from mycity.cities.services import save_area
from mycity.core.audit import record_differences
from mycity.core.geo import parse_area

LANGUAGES = ("ru", "be", "en")
CITY_FIELDS = (
    *(f"name_{lang}" for lang in LANGUAGES),
    "centre_lat",
    "centre_lon",
    "boundary",
    "timezone",
    "registration_format",
    "map_tiles_url",
    "map_attribution",
)
DISTRICT_FIELDS = ("slug", *(f"name_{lang}" for lang in LANGUAGES), "boundary")
WRAPPED_AREAS = ("Feature", "FeatureCollection", "GeometryCollection")
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


@dataclass(frozen=True)
class RegistrationPreview:
    """What a registration number format gives: the number, or why the format is refused."""

    number: str = ""
    problem: str = ""


def preview_registration_number(fmt: str) -> RegistrationPreview:
    """The number the format gives to an organisation's 42nd appeal of this year."""
    try:
        validate_registration_format(fmt)
    except ValidationError as error:
        return RegistrationPreview(problem=str(error.messages[0]))
    sample = Organisation(slug="zhes-1")
    return RegistrationPreview(
        number=format_number(fmt, organisation=sample, year=date.today().year, seq=42)
    )


def _values(obj: Any, fields: tuple[str, ...]) -> dict[str, Any]:
    return {name: getattr(obj, name) for name in fields}


def _apply(obj: Any, fields: tuple[str, ...], values: dict[str, Any]) -> None:
    for name in fields:
        if name in values:
            value = values[name]
            setattr(obj, name, value.strip() if isinstance(value, str) else value)
    for language in ("be", "en"):
        if not getattr(obj, f"name_{language}"):
            setattr(obj, f"name_{language}", obj.name_ru)


def _save(obj: Any, city: City, actor: User, action: str, subject: str, before: dict) -> None:
    fields = CITY_FIELDS if action == "city.saved" else DISTRICT_FIELDS
    with transaction.atomic():
        save_area(obj, obj.boundary)
        after = _values(obj, fields)
        record_differences(
            actor=actor,
            city=city,
            action=action,
            subject=subject,
            fields=fields,
            before=before,
            after=after,
        )


def addresses_outside(city: City, boundary: dict[str, Any]) -> int:
    """How many of the city's registered buildings a proposed boundary leaves out."""
    shape = parse_area(boundary)
    min_lon, min_lat, max_lon, max_lat = shape.bounds
    buildings = Building.objects.filter(city=city).values_list("lat", "lon")
    return sum(
        1
        for lat, lon in buildings.iterator(chunk_size=5000)
        if not (min_lat <= lat <= max_lat and min_lon <= lon <= max_lon)
        or not shape.covers(Point(lon, lat))
    )


def change_city_settings(*, actor: User, city: City, values: dict[str, Any]) -> City:
    """Change the city's names, centre, boundary, time zone, registration number format
    and map tiles. A boundary that leaves out registered addresses is refused."""
    require(actor, Action.EDIT_CITY, city)
    before = _values(city, CITY_FIELDS)
    _apply(city, CITY_FIELDS, values)
    problems: list[dict[str, str]] = []

    def problem(field: str, message: str) -> None:
        problems.append({"field": field, "message": message})

    if not city.name_ru:
        problem("name_ru", _("The Russian name is required."))
    try:
        zoneinfo.ZoneInfo(city.timezone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
        # OSError: a folder of the time zone database ("Europe") is no zone either.
        problem("timezone", _("There is no such time zone."))
    try:
        validate_registration_format(city.registration_format)
    except ValidationError as error:
        problem("registration_format", str(error.messages[0]))
    try:
        validate_tiles_url(city.map_tiles_url)
    except ValidationError as error:
        problem("map_tiles_url", str(error.messages[0]))
    try:
        shape = parse_area(city.boundary)
    except ValidationError as error:
        problem("boundary", str(error.messages[0]))
    else:
        if not shape.covers(Point(city.centre_lon, city.centre_lat)):
            problem("centre_lat", _("The centre must lie inside the boundary."))
        if city.boundary != before["boundary"]:
            outside = addresses_outside(city, city.boundary)
            if outside:
                problem(
                    "boundary",
                    _("The boundary leaves out %(count)d registered addresses.")
                    % {"count": outside},
                )
    if problems:
        city.refresh_from_db()
        raise InvalidSetup(details=problems)
    _save(city, city, actor, "city.saved", city.slug, before)
    return city


def save_district(
    *, actor: User, city: City, district: District | None, values: dict[str, Any]
) -> District:
    """Create (`district` None) or change a district of the city and its boundary."""
    require(actor, Action.EDIT_CITY, city)
    target = district if district is not None else District(city=city)
    before = _values(target, DISTRICT_FIELDS) if target.pk else {}
    _apply(target, DISTRICT_FIELDS, values)
    problems: list[dict[str, str]] = []
    if not SLUG.match(target.slug or "") or len(target.slug) > 50:
        problems.append(
            {"field": "slug", "message": _("Use small Latin letters, digits and hyphens.")}
        )
    elif District.objects.filter(city=city, slug=target.slug).exclude(pk=target.pk).exists():
        problems.append(
            {"field": "slug", "message": _("Another district of the city has this slug.")}
        )
    if not target.name_ru:
        problems.append({"field": "name_ru", "message": _("The Russian name is required.")})
    try:
        if isinstance(target.boundary, dict) and target.boundary.get("type") in WRAPPED_AREAS:
            # Pasted or sent as exported: the area inside the Feature(s) is kept.
            target.boundary = area_from_geojson(target.boundary)
        shape = parse_area(target.boundary)
    except ValidationError as error:
        problems.append({"field": "boundary", "message": str(error.messages[0])})
    else:
        city_area = parse_area(city.boundary)
        if shape.intersection(city_area).area < shape.area * 0.5:
            problems.append(
                {"field": "boundary", "message": _("The district lies mostly outside the city.")}
            )
    if problems:
        if target.pk:
            target.refresh_from_db()
        raise InvalidSetup(details=problems)
    _save(target, city, actor, "district.saved", target.slug, before)
    return target
