"""The city administrator's API on organisations and their service areas (scope `staff`
or the session): what the console's organisation pages do (`organisation_views`),
through the same service, `setup.organisations.save_organisation`, and the same check
of gaps and overlaps. Streets and house ranges have their own endpoints (`setup_api`)."""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Annotated, Any, Literal, TypeAlias

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.responses import Status

from mycity.appeals.api import STAFF
from mycity.cities.coverage import lines_of
from mycity.cities.errors import InvalidSetup
from mycity.cities.geojson_input import area_from_geojson
from mycity.cities.models import Activity, City, Organisation
from mycity.console.api_access import admin_city, caller
from mycity.console.catalogue_api import SLUG_PATTERN
from mycity.console.coverage_report import proposed_coverage
from mycity.console.setup_api import CategoryCoverageOut, coverage_out
from mycity.core.api_formats import NOT_BOOL, JsonBool
from mycity.core.errors import NotFound
from mycity.setup.organisations import line_labels, save_organisation

router = Router(tags=["city setup"], auth=STAFF)

if TYPE_CHECKING:
    KindName: TypeAlias = str
    ActivityName: TypeAlias = str
else:
    # The models' choices, as enums of the document.
    KindName = Literal[tuple(Organisation.Kind.values)]
    ActivityName = Literal[tuple(Activity.values)]

# A GeoJSON position (RFC 7946): longitude, then latitude, in degrees.
Longitude = Annotated[float, Field(ge=-180, le=180), NOT_BOOL]
Latitude = Annotated[float, Field(ge=-90, le=90), NOT_BOOL]
Position = tuple[Longitude, Latitude]
# A closed ring: at least four positions, the last the first (checked by the service).
# The limits keep a body that breaks them within the 1 MB a body may have, so that it is
# refused as not valid (400) rather than as too large (413).
Ring = Annotated[list[Position], Field(min_length=4, max_length=5000)]
Rings = Annotated[list[Ring], Field(min_length=1, max_length=50)]


class GeoJsonPolygon(Schema):
    type: Literal["Polygon"]
    coordinates: Rings = Field(description="The outline, then any holes.")


class GeoJsonMultiPolygon(Schema):
    type: Literal["MultiPolygon"]
    coordinates: Annotated[list[Rings], Field(min_length=1, max_length=50)]


Area = Annotated[GeoJsonPolygon | GeoJsonMultiPolygon, Field(discriminator="type")]


class SetupOrganisationIn(Schema):
    slug: str = Field(max_length=80, pattern=SLUG_PATTERN)
    kind: KindName = "executor"
    name_ru: str = Field(min_length=1, max_length=200, pattern=r"\S")
    name_be: str = Field("", max_length=200, description="Empty: the Russian name.")
    name_en: str = Field("", max_length=200, description="Empty: the Russian name.")
    short_name_ru: str = Field("", max_length=100, description="Empty: the name.")
    short_name_be: str = Field("", max_length=100, description="Empty: the Russian one.")
    short_name_en: str = Field("", max_length=100, description="Empty: the Russian one.")
    activities: list[ActivityName] = Field(
        default_factory=list,
        max_length=len(Activity.values),
        description="What it does: routing gives it the categories of these activities.",
    )
    phone: str = Field("", max_length=50, description="The head's or reception's phone.")
    email: str = Field("", max_length=254, description="Checked as an e-mail address.")
    address: str = Field("", max_length=300, description="The postal address.")
    website: str = Field("", max_length=200, description="An http(s) address.")
    display_order: Annotated[int, Field(ge=0, le=32767), NOT_BOOL] = 100
    is_active: JsonBool = Field(True, description="Works; false retires the organisation.")
    area: Area | None = Field(
        None,
        description="The drawn service area, a GeoJSON Polygon or MultiPolygon (longitude "
        "first), within the city and overlapping no other executor's for a shared "
        "activity. Give it or `city_wide`; with neither, an organisation that serves "
        "streets and house ranges keeps them.",
    )
    city_wide: JsonBool = Field(False, description="Serves the whole city: no `area`.")


class SetupOrganisationOut(Schema):
    id: int
    slug: str
    kind: str
    name_ru: str
    name_be: str
    name_en: str
    short_name_ru: str
    short_name_be: str
    short_name_en: str
    activities: list[str]
    phone: str
    email: str
    address: str
    website: str
    display_order: int
    is_active: bool
    area: dict[str, Any] | None = Field(description="The drawn service area (GeoJSON).")
    city_wide: bool
    serves_addresses: bool = Field(
        description="Serves the streets and house ranges of `service_addresses` (see "
        "`/service-addresses`)."
    )
    service_addresses: list[str]


class CoverageCheckIn(SetupOrganisationIn):
    organisation: str | None = Field(
        None,
        max_length=80,
        pattern=SLUG_PATTERN,
        description="The organisation these values would change; null: a new one.",
    )


def organisation_out(organisation: Organisation) -> dict[str, Any]:
    fields = (
        "slug",
        "kind",
        *(f"{k}_{lang}" for k in ("name", "short_name") for lang in ("ru", "be", "en")),
        "phone",
        "email",
        "address",
        "website",
        "display_order",
        "is_active",
        "serves_addresses",
    )
    return {
        "id": organisation.pk,
        **{name: getattr(organisation, name) for name in fields},
        "activities": list(organisation.activities or []),
        "area": organisation.service_area,
        "city_wide": organisation.service_area is None and not organisation.serves_addresses,
        "service_addresses": line_labels(organisation.city_id, lines_of(organisation)),
    }


def _organisation(city: City, organisation_slug: str) -> Organisation:
    found = Organisation.objects.filter(city=city, slug=organisation_slug).first()
    if found is None:
        raise NotFound()
    return found


@contextmanager
def _area_named_area() -> Iterator[None]:
    """The service names the drawn area `service_area`; this API's body calls it `area`."""
    try:
        yield
    except InvalidSetup as error:
        for detail in error.details:
            if detail.get("field") == "service_area":
                detail["field"] = "area"
        raise


def _values(current: Organisation | None, payload: SetupOrganisationIn) -> dict[str, Any]:
    """The service's values from the body: the area checked as GeoJSON (rings that close,
    an outline that does not cross itself), the whole city, or the streets kept."""
    values = payload.dict(exclude={"area", "city_wide", "organisation"})
    if payload.area is not None and payload.city_wide:
        raise InvalidSetup(
            details=[{"field": "area", "message": _("Give the area or `city_wide`, not both.")}]
        )
    if payload.area is not None:
        try:
            area = area_from_geojson(payload.area.dict())
        except ValidationError as error:
            raise InvalidSetup(
                details=[{"field": "area", "message": message} for message in error.messages]
            ) from None
        values |= {"service_area": area, "serves_addresses": False}
    elif payload.city_wide:
        values |= {"service_area": None, "serves_addresses": False}
    elif current is None or not current.serves_addresses:
        raise InvalidSetup(
            details=[
                {
                    "field": "area",
                    "message": _("Give the service area, or `city_wide` for the whole city."),
                }
            ]
        )
    return values


@router.get(
    "/{slug}/staff/organisations",
    response=list[SetupOrganisationOut],
    summary="The city's organisations with their service areas (city administrators)",
)
def list_setup_organisations(request: HttpRequest, slug: str) -> list[dict[str, Any]]:
    city = admin_city(request, slug)
    rows = Organisation.objects.filter(city=city).order_by("kind", "display_order", "name_ru")
    return [organisation_out(organisation) for organisation in rows]


@router.post(
    "/{slug}/staff/organisations",
    response={201: SetupOrganisationOut},
    summary="Add an organisation with its service area (city administrators)",
    description="Refused with field details for a slug the city has, bad contacts, an "
    "`area` that is not a valid polygon, lies outside the city or overlaps another "
    "executor's for a shared activity, or neither an `area` nor `city_wide`. Nothing is "
    "saved then. Audited.",
)
def create_organisation(
    request: HttpRequest, slug: str, payload: SetupOrganisationIn
) -> Status[dict[str, Any]]:
    city = admin_city(request, slug)
    with _area_named_area():
        saved = save_organisation(
            actor=caller(request), city=city, organisation=None, values=_values(None, payload)
        )
    return Status(201, organisation_out(saved))


@router.get(
    "/{slug}/staff/organisations/{organisation_slug}",
    response=SetupOrganisationOut,
    summary="One organisation with its service area (city administrators)",
)
def get_setup_organisation(request: HttpRequest, slug: str, organisation_slug: str) -> dict:
    city = admin_city(request, slug)
    return organisation_out(_organisation(city, organisation_slug))


@router.put(
    "/{slug}/staff/organisations/{organisation_slug}",
    response=SetupOrganisationOut,
    summary="Change an organisation and its service area, or retire it (city administrators)",
    description="The whole organisation, as the page sends it; `is_active: false` retires "
    "it. Refused as a new one is, with nothing saved. Audited with before and after.",
)
def update_organisation(
    request: HttpRequest, slug: str, organisation_slug: str, payload: SetupOrganisationIn
) -> dict:
    city = admin_city(request, slug)
    current = _organisation(city, organisation_slug)
    with _area_named_area():
        saved = save_organisation(
            actor=caller(request),
            city=city,
            organisation=current,
            values=_values(current, payload),
        )
    return organisation_out(saved)


@router.post(
    "/{slug}/staff/coverage-checks",
    response=list[CategoryCoverageOut],
    summary="The gaps and overlaps per category if an organisation had these values",
    description="The page's “Check”: nothing is saved. `organisation` names the one that "
    "would change; null: a new one.",
)
def check_coverage(request: HttpRequest, slug: str, payload: CoverageCheckIn) -> list[dict]:
    city = admin_city(request, slug)
    current = None
    if payload.organisation:
        current = Organisation.objects.filter(city=city, slug=payload.organisation).first()
        if current is None:
            raise InvalidSetup(
                details=[
                    {
                        "field": "organisation",
                        "message": _("There is no such organisation in this city."),
                    }
                ]
            )
    with _area_named_area():
        values = _values(current, payload)
    return coverage_out(proposed_coverage(city, current, values))
