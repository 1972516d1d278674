from typing import Any

from ninja import Field, Schema

from mycity.core.api_formats import JsonBool


class Names(Schema):
    ru: str
    be: str
    en: str


class Point(Schema):
    lat: float
    lon: float


class CityOut(Schema):
    slug: str
    name: str = Field(description="The name in the request's language.")
    names: Names
    region: str
    region_name: str
    population: int
    centre: Point
    timezone: str


class DistrictOut(Schema):
    slug: str
    name: str
    names: Names
    boundary: dict[str, Any] = Field(description="GeoJSON Polygon or MultiPolygon (lon, lat).")


class CommitteeOut(Schema):
    """The executive committee's contacts, as the city's administrator set them."""

    address: str
    phone: str
    email: str
    hours: str = Field(description="Opening hours, as the city wrote them.")


class CityDetailOut(CityOut):
    boundary: dict[str, Any] = Field(description="GeoJSON Polygon or MultiPolygon (lon, lat).")
    districts: list[DistrictOut]
    committee: CommitteeOut


class OrganisationOut(Schema):
    slug: str
    kind: str
    name: str
    names: Names
    short_name: str
    activities: list[str]
    phone: str
    email: str
    address: str
    website: str
    working_hours: dict[str, Any] = Field(
        description='Opening intervals per weekday, e.g. {"mon": [["08:00", "17:00"]]}.'
    )
    service_area: dict[str, Any] | None = Field(
        description="GeoJSON area served; null means the whole city."
    )


class StreetRef(Schema):
    id: int
    kind: str
    name: str
    names: Names


class AddressOut(Schema):
    kind: str = Field(description='"street" or "building".')
    label: str = Field(description="The address written out in the request's language.")
    street: StreetRef
    building_id: int | None = None
    number: str | None = None
    lat: float | None = None
    lon: float | None = None
    district: str | None = Field(None, description="The district's slug.")
    distance_m: float | None = Field(None, description="Metres from the `near` point.")
    building_count: int | None = None


class AddressList(Schema):
    items: list[AddressOut]


class SpecialDayOut(Schema):
    date: str
    is_working: bool
    name: str


class CalendarYearOut(Schema):
    year: int
    timezone: str
    days: list[SpecialDayOut] = Field(
        description="Weekdays that are not working days and weekend days that are, with names."
    )


class CalendarDayIn(Schema):
    is_working: JsonBool
    note: str = Field("", max_length=200)


class CalendarDayOut(Schema):
    date: str
    is_working: bool
    note: str
