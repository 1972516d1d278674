"""The city's districts taken from an OpenStreetMap extract: the `boundary=administrative`
relations of the admin level the administrator chooses (in Belarus a city's districts
are usually level 9), each saved through `save_district`, all or none. A GeoJSON
FeatureCollection of named areas (overpass turbo's or QGIS's export) is taken the same
way. The console's districts page and the API's import call this."""

import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from mycity.accounts.models import User
from mycity.accounts.permissions import Action, require
from mycity.cities.errors import InvalidSetup, RegistryImportError
from mycity.cities.geojson_input import read_geojson_boundaries
from mycity.cities.models import City, District
from mycity.cities.osm_extract import OsmBoundary, read_boundaries
from mycity.core.geo import parse_area
from mycity.setup.city_settings import save_district

ADMIN_LEVELS = tuple(str(level) for level in range(4, 12))
MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_NAME = 200  # as long as a district's name may be
FILE_ENDINGS = (".pbf", ".geojson", ".json")
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
        # A GeoJSON file's own id may be any text (words, underscores): only its Latin
        # letters and digits make a slug, and "district" when none are left.
        tail = re.sub(r"[^a-z0-9]+", "-", slugify(boundary.osm_id.split()[-1].split("/")[-1]))
        base = "osm-" + (tail[:30].strip("-") or "district")
    slug, number = base, 2
    while slug in taken:
        slug, number = f"{base}-{number}", number + 1
    return slug


def _file_problem(message: str) -> InvalidSetup:
    return InvalidSetup(details=[{"field": "file", "message": message}])


def _read(upload: UploadedFile, admin_level: str) -> list[OsmBoundary]:
    name = (upload.name or "").lower()
    if not name.endswith(FILE_ENDINGS):
        raise _file_problem(_("Upload an .osm.pbf, .geojson or .json file."))
    if (upload.size or 0) > MAX_FILE_BYTES:
        raise _file_problem(_("The file is larger than 50 MB."))
    if not name.endswith(".pbf"):
        try:
            return read_geojson_boundaries(upload.read(), admin_level=admin_level)
        except ValidationError as error:
            raise _file_problem(str(error.messages[0])) from error
    with tempfile.NamedTemporaryFile(suffix=".osm.pbf") as copy:
        for chunk in upload.chunks():
            copy.write(chunk)
        copy.flush()
        try:
            return read_boundaries(Path(copy.name), admin_level=admin_level)
        except RegistryImportError as error:
            raise _file_problem(str(error.message)) from error


def import_districts(
    *, actor: User, city: City, upload: UploadedFile, admin_level: str
) -> DistrictImport:
    """Create or update (by Russian name) a district for each boundary of the level
    inside the city, from an `.osm.pbf` extract or a GeoJSON file; a single district's
    boundary is drawn or uploaded on its own page (`save_district`)."""
    require(actor, Action.EDIT_CITY, city)
    if admin_level not in ADMIN_LEVELS:
        raise InvalidSetup(
            details=[{"field": "admin_level", "message": _("Choose a level from 4 to 11.")}]
        )
    boundaries = _read(upload, admin_level)
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
                f"name_{lang}": boundary.names[lang][:MAX_NAME] for lang in ("ru", "be", "en")
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
