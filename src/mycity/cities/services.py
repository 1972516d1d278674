"""Commands that change cities, their districts, organisations, registry and calendar."""

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from mycity.accounts.permissions import Action, require
from mycity.cities.freshness import city_list_changed, city_pages_changed
from mycity.cities.models import (
    RESERVED_SLUGS,
    BoxedArea,
    Building,
    CalendarDay,
    City,
    District,
    Organisation,
    Street,
    StreetKind,
)
from mycity.cities.text import house_number_sort_key, search_words
from mycity.core.audit import record_change
from mycity.core.geo import bounding_box, parse_area

Names = dict[str, str]


def _names(names: Names, prefix: str = "name") -> dict[str, str]:
    ru = (names.get("ru") or "").strip()
    if not ru:
        raise ValidationError({f"{prefix}_ru": "required"})
    return {f"{prefix}_{lang}": (names.get(lang) or ru).strip() for lang in ("ru", "be", "en")}


def _set_box(obj: BoxedArea, area: dict[str, Any] | None) -> None:
    if area is None:
        obj.min_lat, obj.min_lon, obj.max_lat, obj.max_lon = -90, -180, 90, 180
        return
    box = bounding_box(area)
    obj.min_lat, obj.min_lon, obj.max_lat, obj.max_lon = (
        box.min_lat,
        box.min_lon,
        box.max_lat,
        box.max_lon,
    )


def save_area(obj: BoxedArea, area: dict[str, Any] | None) -> None:
    """Save a city, district or organisation edited elsewhere (the admin), keeping its
    bounding box in step with its area."""
    if area is not None:
        parse_area(area)
    _set_box(obj, area)
    obj.full_clean()
    obj.save()


def save_street(street: Street) -> None:
    street.search_words = search_words(street.name_ru, street.name_be, street.name_en)
    street.full_clean()
    street.save()


@transaction.atomic
def upsert_city(
    *,
    slug: str,
    names: Names,
    region: str,
    population: int,
    centre: tuple[float, float],
    boundary: dict[str, Any],
    timezone: str = "Europe/Minsk",
    geonames_id: int | None = None,
) -> City:
    if slug in RESERVED_SLUGS:
        raise ValidationError({"slug": f"{slug!r} is reserved for the site's own pages"})
    parse_area(boundary)
    city = City.objects.filter(slug=slug).first() or City(slug=slug)
    for field, value in _names(names).items():
        setattr(city, field, value)
    city.region = region
    city.population = population
    city.centre_lat, city.centre_lon = centre
    city.boundary = boundary
    city.timezone = timezone
    city.geonames_id = geonames_id
    _set_box(city, boundary)
    city.full_clean()
    city.save()
    city_list_changed()
    city_pages_changed(city)
    return city


@transaction.atomic
def upsert_district(*, city: City, slug: str, names: Names, boundary: dict[str, Any]) -> District:
    district = District.objects.filter(city=city, slug=slug).first() or District(
        city=city, slug=slug
    )
    for field, value in _names(names).items():
        setattr(district, field, value)
    district.boundary = boundary
    _set_box(district, boundary)
    district.full_clean()
    district.save()
    city_pages_changed(city)
    return district


@transaction.atomic
def upsert_organisation(
    *,
    city: City,
    slug: str,
    kind: str,
    names: Names,
    short_names: Names | None = None,
    activities: list[str] | None = None,
    phone: str = "",
    email: str = "",
    address: str = "",
    website: str = "",
    working_hours: dict[str, Any] | None = None,
    service_area: dict[str, Any] | None = None,
    display_order: int = 100,
) -> Organisation:
    organisation = Organisation.objects.filter(city=city, slug=slug).first() or Organisation(
        city=city, slug=slug
    )
    for field, value in _names(names).items():
        setattr(organisation, field, value)
    for field, value in _names(short_names or names, prefix="short_name").items():
        setattr(organisation, field, value[:100])
    organisation.kind = kind
    organisation.activities = list(activities or [])
    organisation.phone, organisation.email = phone, email
    organisation.address, organisation.website = address, website
    organisation.working_hours = working_hours or {}
    organisation.service_area = service_area
    organisation.display_order = display_order
    _set_box(organisation, service_area)
    organisation.full_clean()
    organisation.save()
    city_pages_changed(city)
    return organisation


def upsert_street(*, city: City, kind: str, names: Names) -> Street:
    fields = _names(names)
    street, created = Street.objects.get_or_create(
        city=city,
        kind=kind,
        name_ru=fields["name_ru"],
        defaults={
            **fields,
            "search_words": search_words(fields["name_ru"], fields["name_be"], fields["name_en"]),
        },
    )
    if not created and (street.name_be, street.name_en) != (fields["name_be"], fields["name_en"]):
        street.name_be, street.name_en = fields["name_be"], fields["name_en"]
        street.search_words = search_words(street.name_ru, street.name_be, street.name_en)
        street.save(update_fields=["name_be", "name_en", "search_words"])
    return street


def upsert_building(
    *,
    street: Street,
    number: str,
    lat: float,
    lon: float,
    district: District | None,
    postcode: str = "",
) -> tuple[Building, bool]:
    """The building and whether it was created."""
    building, created = Building.objects.update_or_create(
        street=street,
        number=number.strip(),
        defaults={
            "city_id": street.city_id,
            "lat": lat,
            "lon": lon,
            "district": district,
            "postcode": postcode,
            "number_sort": house_number_sort_key(number),
        },
    )
    return building, created


@transaction.atomic
def set_calendar_day(
    *,
    actor: Any,
    city: City | None,
    day: date,
    is_working: bool,
    note: str = "",
) -> CalendarDay:
    """Mark a day working or not: for one city (its admin) or the republic (platform admin)."""
    if city is not None:
        require(actor, Action.EDIT_CALENDAR, city)
    elif not any(role.kind == "platform_admin" for role in actor.roles.all()):
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied(Action.EDIT_CALENDAR.value)
    previous = CalendarDay.objects.filter(city=city, date=day).first()
    before = {"is_working": previous.is_working, "note": previous.note} if previous else {}
    row, _created = CalendarDay.objects.update_or_create(
        city=city,
        date=day,
        defaults={"is_working": is_working, "note": note.strip()},
    )
    after = {"is_working": row.is_working, "note": row.note}
    if city is not None and before != after:
        record_change(
            actor=actor,
            city=city,
            action="calendar.day_set",
            subject=day.isoformat(),
            before=before,
            after=after,
        )
    return row


@transaction.atomic
def clear_calendar_day(*, actor: Any, city: City, day: date) -> bool:
    """Remove a city's own exception for a day; whether there was one."""
    require(actor, Action.EDIT_CALENDAR, city)
    row = CalendarDay.objects.filter(city=city, date=day).first()
    if row is None:
        return False
    row.delete()
    record_change(
        actor=actor,
        city=city,
        action="calendar.day_cleared",
        subject=day.isoformat(),
        before={"is_working": row.is_working, "note": row.note},
    )
    return True


@dataclass
class StreetKindGuess:
    kind: str
    bare_name: str


_KIND_PREFIXES: list[tuple[str, str]] = [
    (word, kind)
    for kind, words in {
        StreetKind.AVENUE: ("проспект", "праспект", "пр-т", "просп."),
        StreetKind.LANE: ("переулок", "завулак", "пер."),
        StreetKind.SQUARE: ("площадь", "плошча", "пл."),
        StreetKind.BOULEVARD: ("бульвар", "б-р"),
        StreetKind.EMBANKMENT: ("набережная", "набярэжная", "наб."),
        StreetKind.PASSAGE: ("проезд", "праезд"),
        StreetKind.HIGHWAY: ("шоссе", "шаша"),
        StreetKind.DRIVEWAY: ("тупик", "тупік"),
        StreetKind.STREET: ("улица", "вуліца", "ул.", "вул."),
    }.items()
    for word in words
]


def guess_street_kind(name: str) -> StreetKindGuess:
    """'улица Ленина' → street 'Ленина'; 'Ленина проспект' → avenue 'Ленина'."""
    stripped = " ".join(name.split())
    lowered = stripped.casefold()
    for word, kind in _KIND_PREFIXES:
        if lowered.startswith(word + " "):
            return StreetKindGuess(kind, stripped[len(word) + 1 :].strip())
        if lowered.endswith(" " + word):
            return StreetKindGuess(kind, stripped[: -len(word) - 1].strip())
    return StreetKindGuess(StreetKind.STREET, stripped)
