"""Reads of cities, districts, organisations and the address registry."""

from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.utils import translation

from mycity.cities.errors import CityNotFound, UnknownCity
from mycity.cities.models import Building, City, District, Organisation, Street
from mycity.cities.text import house_number_key, house_number_sort_key, parse_address
from mycity.core.geo import area_contains, box_around, distance_m

MAX_STREETS_IN_SEARCH = 20
NEAREST_SEARCH_RADII_M = (100, 400, 1500, 5000)


def active_cities() -> QuerySet[City]:
    return City.objects.filter(is_active=True)


def city_by_slug(slug: str) -> City:
    city = active_cities().filter(slug=slug).first()
    if city is None:
        raise CityNotFound(field="slug")
    return city


def city_named(slug: str, *, field: str) -> City:
    """An active city named by a value of a request's body or query (400 when none)."""
    city = active_cities().filter(slug=slug).first()
    if city is None:
        raise UnknownCity(field=field)
    return city


def districts_of(city: City) -> QuerySet[District]:
    return city.districts.order_by(f"name_{_language()}", "slug")


def organisations_of(city: City, *, kind: str | None = None) -> QuerySet[Organisation]:
    organisations = city.organisations.filter(is_active=True)
    if kind:
        organisations = organisations.filter(kind=kind)
    return organisations.order_by("kind", "display_order", f"name_{_language()}")


def city_summary(city: City) -> dict[str, int]:
    """What a city has so far, for its home page (one query per table)."""
    return {
        "districts": city.districts.count(),
        "organisations": city.organisations.filter(is_active=True).count(),
        "streets": city.streets.count(),
        "buildings": city.buildings.count(),
    }


@dataclass
class AddressSearch:
    streets: Sequence[Street]
    buildings: list[Building]


def search_addresses(city: City, query: str, *, limit: int = 10) -> AddressSearch:
    """Streets whose words start with the query's words (Russian or Belarusian);
    with a house number, the matching buildings on those streets. The query is read as
    residents write addresses (`parse_address`: "ул. Ленина, д. 11, корп. 2")."""
    words, number = parse_address(query)
    if not words:
        return AddressSearch(streets=[], buildings=[])
    streets_q = Q()
    for word in words:
        streets_q &= Q(search_words__contains=f" {word}")
    streets = list(
        city.streets.filter(streets_q)
        .annotate(building_count=Count("buildings", filter=Q(buildings__vanished_at__isnull=True)))
        .order_by(f"name_{_language()}")[:MAX_STREETS_IN_SEARCH]
    )
    if number is None:
        return AddressSearch(streets=streets[:limit], buildings=[])
    candidates = (
        _current_buildings()
        .filter(street__in=streets, number_sort=house_number_sort_key(number))
        .order_by("street__name_ru", "number")
    )
    wanted = house_number_key(number)
    buildings = [b for b in candidates if house_number_key(b.number).startswith(wanted)]
    buildings.sort(
        key=lambda b: (house_number_key(b.number) != wanted, b.street.name, len(b.number))
    )
    return AddressSearch(streets=[], buildings=buildings[:limit])


def nearest_buildings(
    city: City, *, lat: float, lon: float, limit: int = 5, within_m: float | None = None
) -> list[Building]:
    """The buildings closest to a point, searching growing boxes on the (city, lat, lon) index;
    with `within_m`, only those that close, from the one box of that reach (a submission's
    150 m box holds a few dozen houses: one query, where a smaller box first was two
    whenever the point is not at a house).

    Distances are computed on bare (id, lat, lon) rows; only the winners are loaded
    as objects."""
    radii: tuple[float, ...] = NEAREST_SEARCH_RADII_M if within_m is None else (within_m,)
    for radius in radii:
        box = box_around(lat, lon, radius)
        rows = Building.objects.filter(
            city=city,
            lat__range=(box.min_lat, box.max_lat),
            lon__range=(box.min_lon, box.max_lon),
            vanished_at__isnull=True,
        ).values_list("pk", "lat", "lon")
        in_reach = sorted(
            (distance, pk)
            for pk, b_lat, b_lon in rows
            if (distance := distance_m(lat, lon, b_lat, b_lon)) <= radius
        )
        if len(in_reach) >= limit or radius == radii[-1]:
            ids = [pk for _distance, pk in in_reach[:limit]]
            loaded = _buildings_with_streets().in_bulk(ids)
            return [loaded[pk] for pk in ids]
    return []


def _buildings_with_streets() -> QuerySet[Building]:
    # A district's boundary is a large JSON document that no address needs.
    return Building.objects.select_related("street", "district").defer("district__boundary")


def _current_buildings() -> QuerySet[Building]:
    # An address the registry's last import no longer lists is kept for the appeals that
    # point at it (setup.addresses settles them), but nobody is offered it again.
    return _buildings_with_streets().filter(vanished_at__isnull=True)


def point_in_city(city: City, *, lat: float, lon: float) -> bool:
    if not (city.min_lat <= lat <= city.max_lat and city.min_lon <= lon <= city.max_lon):
        return False
    return area_contains(city.boundary, lat=lat, lon=lon)


def district_at(city: City, *, lat: float, lon: float) -> District | None:
    boxed = city.districts.filter(
        min_lat__lte=lat, max_lat__gte=lat, min_lon__lte=lon, max_lon__gte=lon
    )
    for district in boxed:
        if area_contains(district.boundary, lat=lat, lon=lon):
            return district
    return None


def _language() -> str:
    language = (translation.get_language() or "ru")[:2]
    return language if language in ("ru", "be", "en") else "ru"
