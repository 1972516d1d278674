"""The city administrator's API on the city's districts: each drawn or pasted as GeoJSON,
or many imported from an OpenStreetMap extract or a GeoJSON file. The same services as
the console's district pages (`settings_views.districts`, `settings_views.district`)."""

from typing import Any

from django.http import HttpRequest
from ninja import Field, File, Form, Router, Schema, UploadedFile
from ninja.responses import Status

from mycity.appeals.api import STAFF
from mycity.cities.models import District
from mycity.cities.schemas import Names
from mycity.console.api_access import admin_city, caller
from mycity.core.api_formats import RowId
from mycity.core.errors import NotFound
from mycity.setup.city_settings import save_district
from mycity.setup.osm_districts import ADMIN_LEVELS, import_districts

router = Router(tags=["city setup"], auth=STAFF)

SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
ADMIN_LEVEL_PATTERN = "^(" + "|".join(ADMIN_LEVELS) + ")$"


class DistrictIn(Schema):
    slug: str = Field(max_length=50, pattern=SLUG_PATTERN, description="Unique in the city.")
    name_ru: str = Field(max_length=200, pattern=r"\S", description="The Russian name.")
    name_be: str = Field("", max_length=200, description="Empty: the Russian name.")
    name_en: str = Field("", max_length=200, description="Empty: the Russian name.")
    boundary: dict[str, Any] = Field(
        description="GeoJSON (lon, lat): a Polygon or MultiPolygon, or a Feature or "
        "FeatureCollection of them as QGIS, geojson.io or OpenStreetMap export it (the "
        "polygons are merged). Refused (400, field `boundary`) when it is not a valid "
        "area or lies mostly outside the city."
    )


class DistrictAdminOut(Schema):
    id: int
    slug: str
    name: str = Field(description="The name in the request's language.")
    names: Names
    boundary: dict[str, Any] = Field(description="GeoJSON Polygon or MultiPolygon (lon, lat).")


class DistrictImportForm(Schema):
    admin_level: str = Field(
        "9",
        pattern=ADMIN_LEVEL_PATTERN,
        description="The `admin_level` of the boundaries that are the districts (in Belarus "
        "a city's districts are usually 9). A GeoJSON feature without the property is taken "
        "at any level.",
    )


class DistrictImportOut(Schema):
    created: int = Field(description="Districts that are new.")
    updated: int = Field(description="Districts of the same Russian name, changed.")
    outside: int = Field(description="Boundaries of the level mostly outside the city: left.")
    districts: list[DistrictAdminOut] = Field(description="Every district saved.")


def _district_out(district: District) -> dict:
    return {
        "id": district.pk,
        "slug": district.slug,
        "name": district.name,
        "names": district.names,
        "boundary": district.boundary,
    }


def _district(city_id: int, district_id: int) -> District:
    found = District.objects.filter(city_id=city_id, pk=district_id).first()
    if found is None:
        raise NotFound()
    return found


@router.get(
    "/{slug}/staff/districts",
    response=list[DistrictAdminOut],
    summary="The city's districts with their boundaries (city administrators)",
)
def list_districts(request: HttpRequest, slug: str) -> list[dict]:
    city = admin_city(request, slug)
    return [_district_out(d) for d in District.objects.filter(city=city).order_by("name_ru")]


@router.post(
    "/{slug}/staff/districts/import",
    response=DistrictImportOut,
    summary="Import districts from an OpenStreetMap extract (.osm.pbf) or a GeoJSON file "
    "(multipart: `file`, `admin_level`)",
    description="Each `boundary=administrative` area of the level mostly inside the city "
    "becomes a district; one with the same Russian name is updated, so importing the same "
    "file again changes nothing. All or none. Up to 50 MB; a file of another kind, a "
    "damaged one or one with no boundary of the level inside the city is refused (400, "
    "field `file` or `admin_level`). Each district saved is audited as `district.saved`.",
)
def import_districts_file(
    request: HttpRequest,
    slug: str,
    form: Form[DistrictImportForm],
    file: File[UploadedFile],
) -> dict:
    city = admin_city(request, slug)
    result = import_districts(
        actor=caller(request), city=city, upload=file, admin_level=form.admin_level
    )
    return {
        "created": result.created,
        "updated": len(result.saved) - result.created,
        "outside": result.outside,
        "districts": [_district_out(d) for d in result.saved],
    }


@router.get(
    "/{slug}/staff/districts/{district_id}",
    response=DistrictAdminOut,
    summary="A district of the city (city administrators)",
)
def get_district(request: HttpRequest, slug: str, district_id: RowId) -> dict:
    city = admin_city(request, slug)
    return _district_out(_district(city.pk, district_id))


@router.post(
    "/{slug}/staff/districts",
    response={201: DistrictAdminOut},
    summary="Add a district drawn or exported as GeoJSON",
    description="Refused with field details: a slug another district has, no Russian "
    "name, a boundary that is not a valid area or lies mostly outside the city. Audited "
    "as `district.saved`.",
)
def create_district(request: HttpRequest, slug: str, payload: DistrictIn) -> Status[dict]:
    city = admin_city(request, slug)
    saved = save_district(actor=caller(request), city=city, district=None, values=payload.dict())
    return Status(201, _district_out(saved))


@router.put(
    "/{slug}/staff/districts/{district_id}",
    response=DistrictAdminOut,
    summary="Change a district's names, slug and boundary",
    description="The same checks as adding one; audited with what changed, before and after.",
)
def change_district(
    request: HttpRequest, slug: str, district_id: RowId, payload: DistrictIn
) -> dict:
    city = admin_city(request, slug)
    saved = save_district(
        actor=caller(request),
        city=city,
        district=_district(city.pk, district_id),
        values=payload.dict(),
    )
    return _district_out(saved)
