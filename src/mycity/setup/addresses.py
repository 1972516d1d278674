"""The address registry imported or re-imported by the city's administrator, with what
it added, changed and no longer lists, and which open appeals point at the latter."""

import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from mycity.accounts.models import User
from mycity.accounts.permissions import Action, require
from mycity.appeals.models import CLOSED_STATUSES, Appeal
from mycity.cities.models import City
from mycity.cities.registry_import import ImportReport, import_registry
from mycity.core.audit import record_change


@dataclass(frozen=True)
class AddressImport:
    report: ImportReport
    # Open appeals at addresses the file no longer lists: they keep their address text
    # and point; the dispatcher checks them.
    appeals_at_vanished: list[Appeal]


def import_addresses(
    *, actor: User, city: City, upload: UploadedFile, strict: bool = False
) -> AddressImport:
    require(actor, Action.EDIT_CITY, city)
    suffix = Path(upload.name or "").suffix.lower()
    file_format = "geojson" if suffix in (".geojson", ".json") else "csv"
    with tempfile.NamedTemporaryFile(suffix=suffix or ".csv") as copy:
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
                        "added": report.created,
                        "changed": report.changed,
                        "vanished": len(report.vanished),
                        "refused": len(report.refused),
                    },
                )
    appeals = list(
        Appeal.objects.filter(city=city, building_id__in=report.vanished_ids[:10000])
        .exclude(status__in=CLOSED_STATUSES)
        .only("pk", "number", "address", "status")
        .order_by("pk")[:200]
    )
    return AddressImport(report=report, appeals_at_vanished=appeals)
