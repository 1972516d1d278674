"""An area typed, pasted, uploaded or drawn as GeoJSON: a geometry, a Feature or a
FeatureCollection (what QGIS, geojson.io and OpenStreetMap exports give) becomes one
Polygon or MultiPolygon."""

import json
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from shapely.errors import ShapelyError
from shapely.geometry import mapping, shape
from shapely.ops import unary_union

from mycity.cities.osm_extract import OsmBoundary, names_of
from mycity.core.geo import parse_area

MAX_NAME = 200
MAX_GEOJSON = 2_000_000  # characters: a city's boundary with every bend of its river


def _geometries(data: Any) -> list[dict[str, Any]]:
    if not isinstance(data, dict):
        return []
    kind = data.get("type")
    if kind == "FeatureCollection":
        return [g for f in data.get("features") or [] for g in _geometries(f)]
    if kind == "Feature":
        return _geometries(data.get("geometry"))
    if kind == "GeometryCollection":
        return [g for part in data.get("geometries") or [] for g in _geometries(part)]
    if kind in ("Polygon", "MultiPolygon"):
        return [data]
    return []


def area_from_text(text: str) -> dict[str, Any]:
    """One Polygon or MultiPolygon from GeoJSON text, or ValidationError in words."""
    if len(text) > MAX_GEOJSON:
        raise ValidationError(_("The GeoJSON is too large."))
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):  # nested deeper than any GeoJSON is
        raise ValidationError(_("This is not GeoJSON.")) from None
    return area_from_geojson(data)


def area_from_geojson(data: Any) -> dict[str, Any]:
    """One valid Polygon or MultiPolygon from parsed GeoJSON (the console's pasted text,
    the API's body: a geometry, a Feature or a FeatureCollection), or ValidationError in
    words: rings that do not close, too few points, an outline that crosses itself,
    coordinates off the Earth."""
    try:
        parts = _geometries(data)
    except RecursionError:  # collections nested in collections without end
        raise ValidationError(_("The area is not valid GeoJSON.")) from None
    if not parts:
        raise ValidationError(_("The GeoJSON holds no polygon."))
    shapes = []
    for part in parts:
        try:
            shapes.append(shape(part))
        except (ValueError, TypeError, KeyError, IndexError, AttributeError, ShapelyError):
            raise ValidationError(_("The area is not valid GeoJSON.")) from None
        if shapes[-1].is_empty or not shapes[-1].is_valid:
            # Checked before the union, which does not take a crossing outline.
            raise ValidationError(_("The area's outline crosses itself or is empty."))
    try:
        merged = shapes[0] if len(shapes) == 1 else unary_union(shapes)
        area = dict(mapping(merged))
    except (ValueError, TypeError, ShapelyError):
        raise ValidationError(_("The area's outline crosses itself or is empty.")) from None
    area = json.loads(json.dumps(area))  # tuples to lists, as the JSON column keeps them
    parse_area(area)
    return area


def read_geojson_boundaries(data: bytes, *, admin_level: str) -> list[OsmBoundary]:
    """The named areas of a GeoJSON FeatureCollection (what overpass turbo, QGIS or
    geojson.io export), as an extract's boundaries: a feature's `name`, `name:ru`,
    `name:be` and `name:en` are its names; one that states another `admin_level` is
    left out."""
    try:
        parsed = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise ValidationError(_("This is not GeoJSON.")) from None
    if not isinstance(parsed, dict):
        raise ValidationError(_("The GeoJSON holds no polygon."))
    features = [parsed] if parsed.get("type") == "Feature" else parsed.get("features")
    if not isinstance(features, list):
        raise ValidationError(_("The GeoJSON holds no polygon."))
    found = []
    for number, feature in enumerate(features, start=1):
        if not isinstance(feature, dict):
            continue
        tags = feature.get("properties")
        tags = {str(k): str(v) for k, v in tags.items()} if isinstance(tags, dict) else {}
        if tags.get("admin_level", admin_level) != admin_level:
            continue
        try:
            has_area = bool(_geometries(feature))
        except RecursionError:
            raise ValidationError(_("The area is not valid GeoJSON.")) from None
        if not has_area:
            continue  # a point or a line: no district
        area = area_from_geojson(feature)
        names = names_of(tags)
        found.append(
            OsmBoundary(
                osm_id=tags.get("@id") or tags.get("id") or f"feature {number}",
                # As long as a district's name may be.
                names={language: text.strip()[:MAX_NAME] for language, text in names.items()},
                admin_level=admin_level,
                area=area,
            )
        )
    return found
