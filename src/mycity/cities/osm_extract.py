"""Read a city's addresses and administrative boundaries from an OpenStreetMap extract
(`.osm.pbf`) with pyosmium.

Extracts are cut by rectangles or by region, so they hold much more than the city: only
what lies inside the city's boundary (and, where OSM names the place in `addr:city`,
names this city) is kept. A building drawn as a way or a multipolygon gives its centroid
(its representative point when the centroid falls outside, as for an L-shaped block).
Street names in Russian and Belarusian come from the address's own `addr:street:ru|be`
tags, else from the street's way (`highway=*` with the same `name`) and its `name:ru`,
`name:be`, `name:en`.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import osmium
import shapely
from django.utils.translation import gettext as _
from osmium.filter import KeyFilter
from shapely.geometry import mapping
from shapely.geometry.base import BaseGeometry

from mycity.cities.errors import RegistryImportError
from mycity.cities.models import City
from mycity.core.geo import parse_area

# A PBF file starts with a 4-byte length and a BlobHeader whose type is "OSMHeader".
PBF_MAGIC = b"OSMHeader"


@dataclass
class AddressExtract:
    rows: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    outside: int = 0  # addresses of the extract outside the city (not imported)


@dataclass(frozen=True)
class OsmBoundary:
    osm_id: str  # "relation 123"
    names: dict[str, str]
    admin_level: str
    area: dict[str, Any]  # GeoJSON MultiPolygon


def check_pbf(path: Path) -> None:
    """Refuse, in words, a file that is not an OpenStreetMap PBF at all."""
    try:
        with path.open("rb") as handle:
            head = handle.read(64)
    except OSError as exc:
        raise RegistryImportError(_("The file cannot be read."), field="file") from exc
    if PBF_MAGIC not in head:
        raise RegistryImportError(
            _("The file is not an OpenStreetMap extract in .osm.pbf format."), field="file"
        )


def _objects(path: Path, *keys: str) -> Iterable[Any]:
    check_pbf(path)
    processor = (
        osmium.FileProcessor(osmium.io.File(str(path), "pbf"))
        .with_locations()
        .with_areas(KeyFilter(*keys))
        .with_filter(KeyFilter(*keys))
    )
    try:
        yield from processor
    except RuntimeError as exc:
        # libosmium reports a truncated or damaged file as a RuntimeError ("PBF error").
        raise RegistryImportError(
            _("The .osm.pbf file is damaged: %(reason)s") % {"reason": str(exc)[:200]},
            field="file",
        ) from exc


def _shape(area: Any, factory: osmium.geom.WKBFactory) -> BaseGeometry | None:
    try:
        return shapely.from_wkb(factory.create_multipolygon(area))
    except (RuntimeError, shapely.errors.ShapelyError):
        return None  # an outline OSM could not close: left out, as osmium leaves it


def _point_of(outline: BaseGeometry) -> tuple[float, float]:
    point = outline.centroid
    if not outline.covers(point):
        point = outline.representative_point()
    return point.y, point.x


def _city_names(city: City) -> set[str]:
    return {
        name.casefold().replace("ё", "е")
        for name in (city.name_ru, city.name_be, city.name_en)
        if name
    }


def read_addresses(path: Path, city: City) -> AddressExtract:
    """The extract's addresses inside the city, as rows for `registry_import`: every
    node or building outline with `addr:street` and `addr:housenumber`."""
    boundary = parse_area(city.boundary)
    shapely.prepare(boundary)
    names_of_city = _city_names(city)
    factory = osmium.geom.WKBFactory()
    street_names: dict[str, dict[str, str]] = {}
    found: list[tuple[str, dict[str, str], float, float]] = []
    extract = AddressExtract()
    for obj in _objects(path, "addr:housenumber", "highway"):
        tags = dict(obj.tags)
        if "highway" in tags and obj.is_way() and tags.get("name"):
            street_names.setdefault(tags["name"], tags)
            continue
        if not tags.get("addr:housenumber") or obj.is_relation():
            continue
        if obj.is_way():
            continue  # its area (below) carries the same tags and the outline
        if obj.is_node():
            if not obj.location.valid():
                continue
            lat, lon = obj.location.lat, obj.location.lon
            source = f"node {obj.id}"
        else:  # an area: a closed way or a multipolygon relation
            outline = _shape(obj, factory)
            if outline is None or outline.is_empty:
                continue
            lat, lon = _point_of(outline)
            source = f"{'way' if obj.from_way() else 'relation'} {obj.orig_id()}"
        place = (tags.get("addr:city") or tags.get("addr:place") or "").casefold()
        if not boundary.covers(shapely.Point(lon, lat)) or (
            tags.get("addr:city") and place.replace("ё", "е") not in names_of_city
        ):
            extract.outside += 1
            continue
        found.append((source, tags, lat, lon))
    for index, (source, tags, lat, lon) in enumerate(found, start=1):
        street = tags.get("addr:street") or ""
        way = street_names.get(street, {})
        extract.rows.append(
            (
                index,
                {
                    "street_ru": tags.get("addr:street:ru") or way.get("name:ru") or street,
                    "street_be": tags.get("addr:street:be") or way.get("name:be") or street,
                    "street_en": tags.get("addr:street:en") or way.get("name:en") or "",
                    "number": tags.get("addr:housenumber") or "",
                    "postcode": tags.get("addr:postcode") or "",
                    "lat": lat,
                    "lon": lon,
                    "source": source,
                },
            )
        )
    return extract


def names_of(tags: dict[str, str]) -> dict[str, str]:
    """An OSM feature's names by language: Russian and Belarusian fall back to the local
    `name`; English stays empty without `name:en`."""
    name = tags.get("name") or ""
    return {
        "ru": tags.get("name:ru") or name,
        "be": tags.get("name:be") or name,
        "en": tags.get("name:en") or "",
    }


def read_boundaries(path: Path, *, admin_level: str) -> list[OsmBoundary]:
    """The extract's `boundary=administrative` areas of one admin level."""
    factory = osmium.geom.WKBFactory()
    found = []
    for obj in _objects(path, "boundary"):
        if not obj.is_area():
            continue
        tags = dict(obj.tags)
        if tags.get("boundary") != "administrative" or tags.get("admin_level") != admin_level:
            continue
        outline = _shape(obj, factory)
        if outline is None or outline.is_empty:
            continue
        names = names_of(tags)
        found.append(
            OsmBoundary(
                osm_id=f"{'way' if obj.from_way() else 'relation'} {obj.orig_id()}",
                names=names,
                admin_level=admin_level,
                area=shapely_to_geojson(outline),
            )
        )
    return found


def shapely_to_geojson(outline: BaseGeometry) -> dict[str, Any]:
    # Lists, not tuples: as the JSON column gives them back, so before/after compare.
    def listed(value: Any) -> Any:
        if isinstance(value, tuple | list):
            return [listed(item) for item in value]
        return value

    geometry = mapping(outline)
    return {"type": geometry["type"], "coordinates": listed(geometry["coordinates"])}
