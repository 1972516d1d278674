"""Geometry on WGS84 coordinates: GeoJSON polygons checked and tested with shapely."""

import math
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from shapely.errors import ShapelyError
from shapely.geometry import Point, shape
from shapely.geometry.base import BaseGeometry

EARTH_RADIUS_M = 6_371_000.0


@dataclass(frozen=True)
class BoundingBox:
    min_lat: float
    min_lon: float
    max_lat: float
    max_lon: float


def parse_area(geojson: dict[str, Any]) -> BaseGeometry:
    """A valid Polygon or MultiPolygon from GeoJSON, or ValidationError."""
    if not isinstance(geojson, dict) or geojson.get("type") not in ("Polygon", "MultiPolygon"):
        raise ValidationError(_("The area must be a GeoJSON Polygon or MultiPolygon."))
    try:
        geometry = shape(geojson)
    except (ValueError, TypeError, KeyError, IndexError, AttributeError, ShapelyError) as exc:
        raise ValidationError(_("The area is not valid GeoJSON.")) from exc
    if geometry.is_empty or not geometry.is_valid:
        raise ValidationError(_("The area's outline crosses itself or is empty."))
    min_lon, min_lat, max_lon, max_lat = geometry.bounds
    if not (-90 <= min_lat <= max_lat <= 90 and -180 <= min_lon <= max_lon <= 180):
        raise ValidationError(_("The area's coordinates are outside the Earth's ranges."))
    return geometry


def bounding_box(geojson: dict[str, Any]) -> BoundingBox:
    min_lon, min_lat, max_lon, max_lat = parse_area(geojson).bounds
    return BoundingBox(min_lat=min_lat, min_lon=min_lon, max_lat=max_lat, max_lon=max_lon)


def area_contains(geojson: dict[str, Any], *, lat: float, lon: float) -> bool:
    return bool(shape(geojson).covers(Point(lon, lat)))


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in metres (haversine)."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi = phi2 - phi1
    dlmb = math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlmb / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(a))


def box_around(lat: float, lon: float, radius_m: float) -> BoundingBox:
    """The lat/lon box that holds every point within radius_m of (lat, lon)."""
    dlat = math.degrees(radius_m / EARTH_RADIUS_M)
    dlon = math.degrees(radius_m / (EARTH_RADIUS_M * max(math.cos(math.radians(lat)), 1e-6)))
    return BoundingBox(
        min_lat=lat - dlat, min_lon=lon - dlon, max_lat=lat + dlat, max_lon=lon + dlon
    )
