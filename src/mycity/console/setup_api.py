"""The city administrator's API on service areas given as streets and house ranges, and
the gaps and overlaps per category: the same services as the console's organisation page
(`organisation_views`)."""

from typing import Annotated, Any, Literal

from django.http import HttpRequest
from ninja import Field, Router, Schema

from mycity.appeals.api import STAFF
from mycity.cities.coverage import lines_of
from mycity.cities.house_ranges import HouseRange
from mycity.cities.models import City, Organisation, Street
from mycity.console.api_access import admin_city, caller
from mycity.console.coverage_report import CategoryCoverage, category_coverage
from mycity.core.errors import NotFound
from mycity.setup.organisations import MAX_LINES, save_organisation

router = Router(tags=["city setup"])


class ServiceLineIn(Schema):
    street_id: int = Field(ge=1, le=2**31 - 1, description="A street of the city's registry.")
    number_from: Annotated[int, Field(ge=0, le=100000)] | None = Field(
        None, description="The first house number (by its leading integer); empty: from the start."
    )
    number_to: Annotated[int, Field(ge=0, le=100000)] | None = Field(
        None, description="The last house number; empty: to the end. Not before `number_from`."
    )
    parity: Literal["all", "odd", "even"] = "all"


class ServiceLineOut(ServiceLineIn):
    street: str = Field(description="The street's name in the request's language.")


class ServiceAddressesIn(Schema):
    lines: list[ServiceLineIn] = Field(
        max_length=MAX_LINES, description="At least one; replaces the service area."
    )


class ServiceAddressesOut(Schema):
    organisation: str = Field(description="The organisation's slug.")
    serves_addresses: bool = Field(
        description="Whether the organisation serves these lines (else a drawn area or the "
        "whole city)."
    )
    lines: list[ServiceLineOut]


class OverlapOut(Schema):
    first: str
    second: str
    addresses: int | None = Field(description="Addresses both serve; null for drawn areas.")
    share: float | None = Field(description="Share of the city's area; null for addresses.")


class CategoryCoverageOut(Schema):
    category: str = Field(description="The category's slug.")
    organisations: list[str] = Field(description="Slugs of the executors that could get it.")
    by_addresses: bool = Field(description="Counted on the registry's addresses.")
    gap_share: float = Field(description="Share of the city's area nobody covers.")
    address_gaps: int = Field(description="The city's addresses nobody serves.")
    address_gap_examples: list[str]
    overlaps: list[OverlapOut]
    complete: bool


def _organisation(city: City, organisation_slug: str) -> Organisation:
    found = Organisation.objects.filter(city=city, slug=organisation_slug).first()
    if found is None:
        raise NotFound()
    return found


def _addresses_out(organisation: Organisation) -> dict:
    lines = lines_of(organisation)
    streets = Street.objects.in_bulk({line.street_id for line in lines})
    return {
        "organisation": organisation.slug,
        "serves_addresses": organisation.serves_addresses,
        "lines": [
            {
                "street_id": line.street_id,
                "street": streets[line.street_id].name if line.street_id in streets else "",
                "number_from": line.number_from,
                "number_to": line.number_to,
                "parity": line.parity,
            }
            for line in lines
        ],
    }


@router.get(
    "/{slug}/staff/organisations/{organisation_slug}/service-addresses",
    response=ServiceAddressesOut,
    auth=STAFF,
    summary="The streets and house ranges an organisation serves (city administrators)",
)
def get_service_addresses(request: HttpRequest, slug: str, organisation_slug: str) -> dict:
    city = admin_city(request, slug)
    return _addresses_out(_organisation(city, organisation_slug))


@router.put(
    "/{slug}/staff/organisations/{organisation_slug}/service-addresses",
    response=ServiceAddressesOut,
    auth=STAFF,
    summary="Make an organisation serve these streets and house ranges instead of an area",
    description="Refused with field details (`lines[0]`, `lines[0].number_to`) for a street "
    "that is not the city's, a range that ends before it starts, or houses that another "
    "executor serves for an activity both do. Audited with before and after.",
)
def put_service_addresses(
    request: HttpRequest, slug: str, organisation_slug: str, payload: ServiceAddressesIn
) -> dict:
    city = admin_city(request, slug)
    organisation = _organisation(city, organisation_slug)
    lines = [HouseRange(**line.dict()) for line in payload.lines]
    saved = save_organisation(
        actor=caller(request),
        city=city,
        organisation=organisation,
        values={"serves_addresses": True, "service_area": None, "service_addresses": lines},
    )
    return _addresses_out(saved)


@router.get(
    "/{slug}/staff/coverage",
    response=list[CategoryCoverageOut],
    auth=STAFF,
    summary="Gaps and overlaps of the service areas for each category (city administrators)",
)
def get_coverage(request: HttpRequest, slug: str) -> list[dict]:
    city = admin_city(request, slug)
    return coverage_out(category_coverage(city))


def coverage_out(rows: list[CategoryCoverage]) -> list[dict[str, Any]]:
    """Gaps and overlaps per category, as the API states them (`CategoryCoverageOut`)."""
    found = []
    for row in rows:
        cover = row.coverage
        overlaps = [
            {"first": o.first.slug, "second": o.second.slug, "addresses": None, "share": o.share}
            for o in cover.overlaps
        ] + [
            {
                "first": o.first.slug,
                "second": o.second.slug,
                "addresses": o.addresses,
                "share": None,
            }
            for o in cover.address_overlaps
        ]
        found.append(
            {
                "category": row.category.slug,
                "organisations": [org.slug for org in cover.organisations],
                "by_addresses": cover.by_addresses,
                "gap_share": round(cover.gap_share, 4),
                "address_gaps": cover.address_gaps,
                "address_gap_examples": cover.address_gap_examples,
                "overlaps": overlaps,
                "complete": cover.complete,
            }
        )
    return found
