"""The city's districts taken from an OpenStreetMap extract: the `boundary=administrative`
relations of the admin level the administrator chooses (in Belarus a city's districts
are usually level 9), each saved through `save_district`, all or none."""

import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from mycity.accounts.models import User
from mycity.accounts.permissions import Action, require
from mycity.cities.errors import InvalidSetup, RegistryImportError
from mycity.cities.models import City, District
from mycity.cities.osm_extract import OsmBoundary, read_boundaries
from mycity.core.geo import parse_area
from mycity.setup.city_settings import save_district

ADMIN_LEVELS = tuple(str(level) for level in range(4, 12))
# A relation mostly outside the city (the region, a neighbouring town) is not its district.
MOSTLY_INSIDE = 0.5


@dataclass
class DistrictImport:
    saved: list[District] = field(default_factory=list)
    created: int = 0
    outside: int = 0  # relations of the level that lie mostly outside the city


def _slug_for(boundary: OsmBoundary, taken: set[str]) -> str:
    base = slugify(boundary.names["en"])[:40].strip("-") if boundary.names["en"] else ""
    if not base or not re.match(r"^[a-z0-9-]+$", base):
        base = "osm-" + boundary.osm_id.split()[-1]
    slug, number = base, 2
    while slug in taken:
        slug, number = f"{base}-{number}", number + 1
    return slug


def import_osm_districts(
    *, actor: User, city: City, upload: UploadedFile, admin_level: str
) -> DistrictImport:
    """Create or update (by Russian name) a district for each boundary relation of the
    level inside the city; the existing GeoJSON upload stays for single districts."""
    require(actor, Action.EDIT_CITY, city)
    if admin_level not in ADMIN_LEVELS:
        raise InvalidSetup(
            details=[{"field": "admin_level", "message": _("Choose a level from 4 to 11.")}]
        )
    with tempfile.NamedTemporaryFile(suffix=".osm.pbf") as copy:
        for chunk in upload.chunks():
            copy.write(chunk)
        copy.flush()
        try:
            boundaries = read_boundaries(Path(copy.name), admin_level=admin_level)
        except RegistryImportError as error:
            problem = {"field": "file", "message": str(error.message)}
            raise InvalidSetup(details=[problem]) from error
    city_area = parse_area(city.boundary)
    result = DistrictImport()
    inside = []
    for boundary in boundaries:
        shape = parse_area(boundary.area)
        if shape.intersection(city_area).area < shape.area * MOSTLY_INSIDE:
            result.outside += 1
        else:
            inside.append(boundary)
    if not inside:
        raise InvalidSetup(
            details=[
                {
                    "field": "admin_level",
                    "message": _(
                        "The extract has no administrative boundary of level %(level)s"
                        " inside the city."
                    )
                    % {"level": admin_level},
                }
            ]
        )
    existing = {d.name_ru.casefold(): d for d in District.objects.filter(city=city)}
    taken = set(District.objects.filter(city=city).values_list("slug", flat=True))
    with transaction.atomic():
        for boundary in inside:
            if not boundary.names["ru"]:
                continue
            current = existing.get(boundary.names["ru"].casefold())
            values: dict[str, Any] = {
                f"name_{lang}": boundary.names[lang] for lang in ("ru", "be", "en")
            }
            values["boundary"] = boundary.area
            if current is None:
                values["slug"] = _slug_for(boundary, taken)
                taken.add(values["slug"])
                result.created += 1
            result.saved.append(
                save_district(actor=actor, city=city, district=current, values=values)
            )
    return result
