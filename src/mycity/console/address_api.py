"""The city administrator's API on the address registry: its import and re-import from
CSV, GeoJSON or an OpenStreetMap extract with the report of what it added, changed and
no longer lists, and the settling of a vanished address that appeals point at. The same
services as the console's addresses page (`address_views`)."""

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Query, Router, Schema, UploadedFile

from mycity.appeals.api import STAFF
from mycity.appeals.models import Appeal
from mycity.cities.errors import InvalidSetup
from mycity.cities.models import Building
from mycity.console.api_access import admin_city, caller
from mycity.core.api_formats import JsonBool, ObjectId, RowId
from mycity.core.errors import NotFound
from mycity.setup.addresses import (
    appeal_counts,
    import_addresses,
    settle_vanished_address,
    successor_named,
    vanished_to_settle,
)

router = Router(tags=["city setup"], auth=STAFF)

# The vanished addresses one report lists by name; the count says how many there are.
REPORTED_VANISHED = 1000


class AddressImportForm(Schema):
    strict: bool = Field(
        False, description="Import nothing if any row is refused (the report says why)."
    )


class RefusedRowOut(Schema):
    row: int = Field(description="The row (a CSV line, a GeoJSON feature) counted from 1.")
    field: str
    message: str = Field(description="In the request's language.")
    source: str = Field(description="The OpenStreetMap object of an extract's row, e.g. `way 1`.")


class AppealAtAddressOut(Schema):
    id: int
    number: str
    status: str


class VanishedAddressOut(Schema):
    id: int = Field(description="The building's id, to settle it by.")
    address: str = Field(description="Street (Russian) and house number.")
    open_appeals: list[AppealAtAddressOut] = Field(
        description="Open appeals that point at it (the first 200 of the whole import)."
    )


class AddressImportOut(Schema):
    applied: bool = Field(description="False: strict, and some row was refused; nothing saved.")
    format: str = Field(description="`csv`, `geojson` or `osm`, from the file's name.")
    added: int
    updated: int = Field(description="Addresses the file lists again (changed or not).")
    changed: int = Field(description="Of those, addresses whose point, postcode or district moved.")
    streets_added: int
    outside: int = Field(description="An extract's addresses outside the city: skipped.")
    refused: list[RefusedRowOut]
    vanished_count: int = Field(
        description="The city's addresses the file no longer lists; kept, as appeals may "
        "point at them."
    )
    vanished: list[VanishedAddressOut] = Field(description="The first 1,000 of them.")


class VanishedQuery(Schema):
    limit: int = Field(100, ge=1, le=500, description="How many to list.")


class VanishedToSettleOut(Schema):
    id: int
    address: str = Field(description="Street (Russian) and house number.")
    appeals: int = Field(description="Appeals that point at it, open or closed.")


class VanishedListOut(Schema):
    count: int = Field(description="How many addresses await settling.")
    addresses: list[VanishedToSettleOut]


class SettlementIn(Schema):
    keep: JsonBool = Field(
        False, description="True: keep it as a historical address; its appeals stay on it."
    )
    successor_id: ObjectId | None = Field(
        None, description="The registry's address its appeals point at from now on."
    )
    successor: str = Field(
        "",
        max_length=200,
        description="The successor as typed (`Ленина, 4`), found as the address search "
        "finds it, when `successor_id` is not given.",
    )


class AddressRefOut(Schema):
    id: int
    address: str


class SettledOut(Schema):
    id: int
    address: str
    kept_as_historical: bool
    successor: AddressRefOut | None = Field(description="Where its appeals point now.")


def _label(building: Building) -> str:
    return f"{building.street.name_ru}, {building.number}"


@router.post(
    "/{slug}/staff/addresses/import",
    response=AddressImportOut,
    summary="Import or re-import the address registry (multipart: `file`, `strict`)",
    description="CSV, GeoJSON or an OpenStreetMap extract (`.osm.pbf`), as "
    "docs/address-registry.md says, up to 50 MB. Addresses are keyed by street and house "
    "number: importing the same file again adds and changes nothing. A refused row is "
    "reported and the others imported, unless `strict`. A file of another kind or a "
    "damaged one is refused (400, field `file`). Audited as `addresses.imported` with the "
    "counts.",
)
def import_registry_file(
    request: HttpRequest,
    slug: str,
    form: Form[AddressImportForm],
    file: File[UploadedFile],
) -> dict:
    city = admin_city(request, slug)
    result = import_addresses(actor=caller(request), city=city, upload=file, strict=form.strict)
    report = result.report
    appeals: dict[int, list[Appeal]] = {}
    for appeal in result.appeals_at_vanished:
        appeals.setdefault(appeal.building_id or 0, []).append(appeal)
    shown = zip(report.vanished[:REPORTED_VANISHED], report.vanished_ids, strict=False)
    return {
        "applied": report.applied,
        "format": result.file_format,
        "added": report.created,
        "updated": report.updated,
        "changed": report.changed,
        "streets_added": report.streets_created,
        "outside": report.outside,
        "refused": [
            {"row": r.row, "field": r.field, "message": r.message, "source": r.source}
            for r in report.refused
        ],
        "vanished_count": len(report.vanished),
        "vanished": [
            {
                "id": building_id,
                "address": address,
                "open_appeals": [
                    {"id": a.pk, "number": a.number, "status": a.status}
                    for a in appeals.get(building_id, [])
                ],
            }
            for address, building_id in shown
        ],
    }


@router.get(
    "/{slug}/staff/addresses/vanished",
    response=VanishedListOut,
    summary="Addresses the registry no longer lists that appeals point at, to settle",
)
def list_vanished(request: HttpRequest, slug: str, params: Query[VanishedQuery]) -> dict:
    city = admin_city(request, slug)
    waiting = vanished_to_settle(city)
    buildings = list(waiting[: params.limit])
    counts = appeal_counts(buildings)
    return {
        "count": waiting.count(),
        "addresses": [
            {"id": b.pk, "address": _label(b), "appeals": counts.get(b.pk, 0)} for b in buildings
        ],
    }


@router.post(
    "/{slug}/staff/addresses/vanished/{building_id}/settlement",
    response=SettledOut,
    summary="Settle a vanished address: map it to its successor or keep it as historical",
    description="With a successor (`successor_id`, or `successor` as typed) the appeals "
    "that point at it point at the successor from now on (their address as filed stays); "
    "with `keep` it stays as a historical address. Neither deletes it. Refused (400) when "
    "the registry still lists it, or the successor is not a listed address of the city. "
    "Audited as `address.mapped` or `address.kept_historical`.",
)
def settle_address(
    request: HttpRequest, slug: str, building_id: RowId, payload: SettlementIn
) -> dict:
    city = admin_city(request, slug)
    if not Building.objects.filter(city=city, pk=building_id).exists():
        raise NotFound()
    successor = None
    if payload.keep:
        pass
    elif payload.successor_id is not None:
        successor = (
            Building.objects.select_related("street")
            .filter(city=city, pk=payload.successor_id)
            .first()
        )
        if successor is None:
            raise InvalidSetup(
                details=[
                    {
                        "field": "successor_id",
                        "message": _("There is no such address in the registry."),
                    }
                ]
            )
    else:
        successor = successor_named(city, payload.successor)
    building = settle_vanished_address(
        actor=caller(request), city=city, building_id=building_id, successor=successor
    )
    return {
        "id": building.pk,
        "address": _label(building),
        "kept_as_historical": building.kept_as_historical,
        "successor": {"id": successor.pk, "address": _label(successor)} if successor else None,
    }
