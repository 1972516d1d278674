from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field as QueryField
from ninja import Path, Query, Router, Schema
from ninja.decorators import decorate_view
from ninja.responses import Status
from ninja.security import django_auth

from mycity.cities import selectors, services
from mycity.cities.addresses import building_label, street_label
from mycity.cities.calendar import calendar_for
from mycity.cities.models import Building, City, District, Organisation, Region, Street
from mycity.cities.schemas import (
    AddressList,
    AddressOut,
    CalendarDayIn,
    CalendarDayOut,
    CalendarYearOut,
    CityDetailOut,
    CityOut,
    DistrictOut,
    OrganisationOut,
    StreetRef,
)
from mycity.core.api_contract import exactly_one_of
from mycity.core.api_formats import POINT_PATTERN, IsoDate
from mycity.core.errors import DomainError, NotFound
from mycity.core.geo import distance_m
from mycity.core.public_reads import by_roster, public_read
from mycity.core.translated import pick_translation

router = Router(tags=["cities"])


class InvalidQuery(DomainError):
    code = "invalid"


class OutsideCity(DomainError):
    code = "outside_city"


def _city_out(city: City) -> dict:
    return {
        "slug": city.slug,
        "name": city.name,
        "names": city.names,
        "region": city.region,
        "region_name": str(Region(city.region).label),
        "population": city.population,
        "centre": {"lat": city.centre_lat, "lon": city.centre_lon},
        "timezone": city.timezone,
    }


def _district_out(district: District) -> dict:
    return {
        "slug": district.slug,
        "name": district.name,
        "names": district.names,
        "boundary": district.boundary,
    }


def _organisation_out(organisation: Organisation) -> dict:
    return {
        "slug": organisation.slug,
        "kind": organisation.kind,
        "name": organisation.name,
        "names": organisation.names,
        "short_name": pick_translation(
            {
                "ru": organisation.short_name_ru,
                "be": organisation.short_name_be,
                "en": organisation.short_name_en,
            }
        ),
        "activities": organisation.activities,
        "phone": organisation.phone,
        "email": organisation.email,
        "address": organisation.address,
        "website": organisation.website,
        "working_hours": organisation.working_hours,
        "service_area": organisation.service_area,
    }


def _street_ref(street: Street) -> dict:
    return {"id": street.pk, "kind": street.kind, "name": street.name, "names": street.names}


def _building_out(building: Building, *, near: tuple[float, float] | None = None) -> dict:
    return {
        "kind": "building",
        "label": building_label(building),
        "street": _street_ref(building.street),
        "building_id": building.pk,
        "number": building.number,
        "lat": building.lat,
        "lon": building.lon,
        "district": building.district.slug if building.district else None,
        "distance_m": round(distance_m(near[0], near[1], building.lat, building.lon), 1)
        if near
        else None,
    }


@router.get("", response=list[CityOut], summary="Cities served by this deployment")
@decorate_view(public_read(scope=by_roster))
def list_cities(request: HttpRequest) -> list[dict]:
    return [_city_out(city) for city in selectors.active_cities()]


@router.get("/{slug}", response=CityDetailOut, summary="A city with its boundary and districts")
@decorate_view(public_read)
def get_city(request: HttpRequest, slug: str) -> dict:
    city = selectors.city_by_slug(slug)
    return {
        **_city_out(city),
        "boundary": city.boundary,
        "districts": [_district_out(d) for d in selectors.districts_of(city)],
        "committee": {
            "address": city.committee_address,
            "phone": city.committee_phone,
            "email": city.committee_email,
            "hours": city.committee_hours,
        },
    }


class OrganisationFilter(Schema):
    kind: Organisation.Kind | None = QueryField(None, description="department or executor")


@router.get(
    "/{slug}/organisations",
    response=list[OrganisationOut],
    summary="Departments of the executive committee and executor organisations",
)
def list_organisations(
    request: HttpRequest, slug: str, filters: Query[OrganisationFilter]
) -> list[dict]:
    city = selectors.city_by_slug(slug)
    return [_organisation_out(o) for o in selectors.organisations_of(city, kind=filters.kind)]


ADDRESS_WORDS = (
    "Words of a street name, then optionally a house number (Russian or Belarusian): "
    "«Ниж», «Ніжне-Пакроўская 5»."
)


class AddressQuery(Schema):
    q: str | None = QueryField(None, min_length=1, max_length=100, description=ADDRESS_WORDS)
    near: str | None = QueryField(
        None, max_length=60, pattern=POINT_PATTERN, description="lat,lon: nearest buildings."
    )
    limit: int = QueryField(10, ge=1, le=50)


def _parse_point(raw: str) -> tuple[float, float]:
    parts = raw.split(",")
    try:
        if len(parts) != 2:
            raise ValueError
        lat, lon = float(parts[0]), float(parts[1])
    except ValueError:
        raise InvalidQuery(
            _("Give the point as latitude,longitude, e.g. 55.4856,28.7683."), field="near"
        ) from None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180) or lat != lat or lon != lon:
        raise InvalidQuery(
            _("Latitude must be within ±90 and longitude within ±180."), field="near"
        )
    return lat, lon


@router.get(
    "/{slug}/addresses",
    response=AddressList,
    summary="Search the address registry by words, or find the buildings nearest a point",
    description="Give exactly one of `q` and `near`. A point outside the city is refused "
    "(400, `outside_city`). Kept for existing clients: client generators cannot send an "
    "object parameter, so new clients call `addresses/search` or `addresses/nearest`.",
    openapi_extra=exactly_one_of("where", "q", "near"),
    deprecated=True,
)
def search_addresses(request: HttpRequest, slug: str, params: Query[AddressQuery]) -> dict:
    city = selectors.city_by_slug(slug)
    if (params.q is None) == (params.near is None):
        raise InvalidQuery(
            _("Give either q (words of an address) or near (latitude,longitude)."), field="q"
        )
    if params.near is not None:
        return _nearest(city, params.near, params.limit)
    assert params.q is not None
    return _by_words(city, params.q, params.limit)


class WordsQuery(Schema):
    q: str = QueryField(..., min_length=1, max_length=100, description=ADDRESS_WORDS)
    limit: int = QueryField(10, ge=1, le=50)


class NearQuery(Schema):
    near: str = QueryField(..., max_length=60, pattern=POINT_PATTERN, description="lat,lon.")
    limit: int = QueryField(10, ge=1, le=50)


@router.get(
    "/{slug}/addresses/search",
    response=AddressList,
    summary="Search the address registry by words: streets, then buildings",
)
def search_addresses_by_words(request: HttpRequest, slug: str, params: Query[WordsQuery]) -> dict:
    return _by_words(selectors.city_by_slug(slug), params.q, params.limit)


@router.get(
    "/{slug}/addresses/nearest",
    response=AddressList,
    summary="The buildings nearest a point",
    description="A point outside the city is refused (400, `outside_city`).",
)
def nearest_addresses(request: HttpRequest, slug: str, params: Query[NearQuery]) -> dict:
    return _nearest(selectors.city_by_slug(slug), params.near, params.limit)


def _nearest(city: City, near: str, limit: int) -> dict:
    lat, lon = _parse_point(near)
    if not selectors.point_in_city(city, lat=lat, lon=lon):
        raise OutsideCity(_("The point is outside the city."), field="near")
    buildings = selectors.nearest_buildings(city, lat=lat, lon=lon, limit=limit)
    return {"items": [_building_out(b, near=(lat, lon)) for b in buildings]}


def _by_words(city: City, q: str, limit: int) -> dict:
    found = selectors.search_addresses(city, q, limit=limit)
    items: list[dict] = [
        {
            "kind": "street",
            "label": street_label(s),
            "street": _street_ref(s),
            "building_count": getattr(s, "building_count", None),
        }
        for s in found.streets
    ]
    items += [_building_out(b) for b in found.buildings]
    return {"items": items}


class CalendarYear(Schema):
    year: int = QueryField(..., ge=2000, le=2100)


@router.get(
    "/{slug}/calendar/{year}",
    response=CalendarYearOut,
    summary="The city's working-day calendar for a year: holidays and transfers",
)
def get_calendar(request: HttpRequest, slug: str, path: Path[CalendarYear]) -> dict:
    city = selectors.city_by_slug(slug)
    language = (getattr(request, "LANGUAGE_CODE", "ru") or "ru")[:2]
    days = calendar_for(city).special_days(path.year, language)
    return {
        "year": path.year,
        "timezone": city.timezone,
        "days": [
            {"date": d.day.isoformat(), "is_working": d.is_working, "name": d.name} for d in days
        ],
    }


@router.put(
    "/{slug}/calendar/days/{day}",
    response=CalendarDayOut,
    auth=django_auth,
    summary="Mark a day as working or not in this city (city administrators)",
)
def put_calendar_day(request: HttpRequest, slug: str, day: IsoDate, payload: CalendarDayIn) -> dict:
    city = selectors.city_by_slug(slug)
    row = services.set_calendar_day(
        actor=request.user, city=city, day=day, is_working=payload.is_working, note=payload.note
    )
    return {"date": row.date.isoformat(), "is_working": row.is_working, "note": row.note}


@router.delete(
    "/{slug}/calendar/days/{day}",
    response={204: None},
    auth=django_auth,
    summary="Remove the city's own exception for a day (city administrators)",
)
def delete_calendar_day(request: HttpRequest, slug: str, day: IsoDate) -> Status[None]:
    city = selectors.city_by_slug(slug)
    if not services.clear_calendar_day(actor=request.user, city=city, day=day):
        raise NotFound(_("This city has no exception for that day."), field="day")
    return Status(204, None)


__all__ = ["AddressOut", "CityOut", "DistrictOut", "OrganisationOut", "StreetRef", "router"]
