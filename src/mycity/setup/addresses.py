"""The address registry imported or re-imported by the city's administrator, with what
it added, changed and no longer lists, and what becomes of the appeals that point at the
latter: each vanished address is mapped to its successor or kept as historical, never
deleted while an appeal points at it."""

import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, QuerySet
from django.utils.translation import gettext as _

from mycity.accounts.models import User
from mycity.accounts.permissions import Action, require
from mycity.appeals.models import CLOSED_STATUSES, Appeal
from mycity.cities.errors import InvalidSetup
from mycity.cities.models import Building, City
from mycity.cities.registry_import import ImportReport, format_of, import_registry
from mycity.cities.selectors import search_addresses
from mycity.core.audit import record_change


@dataclass(frozen=True)
class AddressImport:
    report: ImportReport
    # Open appeals at addresses the file no longer lists: they keep their address text
    # and point; the dispatcher checks them.
    appeals_at_vanished: list[Appeal]
    file_format: str = ""  # csv, geojson or osm, as the file's name says


MAX_UPLOAD = 50 * 1024 * 1024
FILE_ENDINGS = (".csv", ".geojson", ".json", ".pbf")
# The open appeals an import's report lists at the addresses it no longer finds.
SHOWN_APPEALS = 200


def _check_upload(upload: UploadedFile) -> None:
    """The file's kind and size, before a byte of it is read; the console's page and the
    API refuse the same files."""
    problem = ""
    if not (upload.name or "").lower().endswith(FILE_ENDINGS):
        problem = _("Upload a .csv, .geojson, .json or .osm.pbf file.")
    elif (upload.size or 0) > MAX_UPLOAD:
        problem = _("The file is larger than 50 MB.")
    if problem:
        raise InvalidSetup(details=[{"field": "file", "message": problem}])


def import_addresses(
    *, actor: User, city: City, upload: UploadedFile, strict: bool = False
) -> AddressImport:
    require(actor, Action.EDIT_CITY, city)
    _check_upload(upload)
    file_format = format_of(upload.name or "")
    # osmium reads the format from the name's ending.
    suffix = {"osm": ".osm.pbf", "geojson": ".geojson"}.get(file_format, ".csv")
    with tempfile.NamedTemporaryFile(suffix=suffix) as copy:
        for chunk in upload.chunks():
            copy.write(chunk)
        copy.flush()
        with transaction.atomic():
            report = import_registry(
                city=city, path=Path(copy.name), file_format=file_format, strict=strict
            )
            if report.applied:
                record_change(
                    actor=actor,
                    city=city,
                    action="addresses.imported",
                    subject=upload.name or "",
                    after={
                        "format": file_format,
                        "added": report.created,
                        "changed": report.changed,
                        "vanished": len(report.vanished),
                        "refused": len(report.refused),
                    },
                )
    appeals = list(
        Appeal.objects.filter(city=city, building_id__in=report.vanished_ids[:10000])
        .exclude(status__in=CLOSED_STATUSES)
        .only("pk", "number", "address", "status", "building_id")
        .order_by("pk")[:SHOWN_APPEALS]
    )
    return AddressImport(report=report, appeals_at_vanished=appeals, file_format=file_format)


def vanished_to_settle(city: City) -> QuerySet[Building]:
    """The city's addresses that the registry no longer lists and that appeals still
    point at, neither mapped nor kept yet, with how many appeals each has."""
    pointed_at = Appeal.objects.filter(building_id=OuterRef("pk"))
    return (
        Building.objects.filter(
            city=city, vanished_at__isnull=False, kept_as_historical=False, replaced_by=None
        )
        .filter(Exists(pointed_at))
        .select_related("street")
        .order_by("street__name_ru", "number_sort", "number")
    )


def appeal_counts(buildings: list[Building]) -> dict[int, int]:
    rows = (
        Appeal.objects.filter(building_id__in=[b.pk for b in buildings])
        .values("building_id")
        .annotate(n=Count("pk"))
    )
    return {row["building_id"]: row["n"] for row in rows}


def successor_named(city: City, text: str) -> Building:
    """The registry's address an administrator typed as a vanished one's successor."""
    text = text.strip()
    if not text:
        raise InvalidSetup(
            details=[
                {"field": "successor", "message": _("Give the new address, or keep the old one.")}
            ]
        )
    found = search_addresses(city, text, limit=1).buildings
    if not found:
        raise InvalidSetup(
            details=[
                {"field": "successor", "message": _("There is no such address in the registry.")}
            ]
        )
    return found[0]


def settle_vanished_address(
    *, actor: User, city: City, building_id: int, successor: Building | None
) -> Building:
    """Map a vanished address to its successor (the appeals that point at it point at
    the successor from now on; their address text, as filed, stays) or, with no
    successor, keep it as a historical address. Neither deletes it."""
    require(actor, Action.EDIT_CITY, city)
    with transaction.atomic():
        building = (
            Building.objects.select_for_update()
            .select_related("street")
            .filter(city=city, pk=building_id)
            .first()
        )
        if building is None:
            raise InvalidSetup(
                details=[{"field": "building", "message": _("There is no such address.")}]
            )
        if building.vanished_at is None:
            raise InvalidSetup(
                details=[
                    {"field": "building", "message": _("The registry still lists this address.")}
                ]
            )
        label = f"{building.street.name_ru}, {building.number}"
        if successor is None:
            building.kept_as_historical = True
            building.save(update_fields=["kept_as_historical"])
            record_change(
                actor=actor,
                city=city,
                action="address.kept_historical",
                subject=label,
                before={"kept_as_historical": False},
                after={"kept_as_historical": True},
            )
            return building
        if successor.city_id != city.pk or successor.vanished_at is not None:
            raise InvalidSetup(
                details=[
                    {
                        "field": "successor",
                        "message": _("Choose an address the registry lists in this city."),
                    }
                ]
            )
        moved = list(
            Appeal.objects.filter(building=building).order_by("pk").values_list("number", flat=True)
        )
        # Only the registry link moves: the address as filed, its district and its
        # history stay as they were.
        Appeal.objects.filter(building=building).update(building=successor)
        building.replaced_by = successor
        building.save(update_fields=["replaced_by"])
        record_change(
            actor=actor,
            city=city,
            action="address.mapped",
            subject=label,
            before={"building": label, "appeals": moved},
            after={"building": f"{successor.street.name_ru}, {successor.number}"},
        )
    return building
