"""Notices as GeoJSON: a drawn area as its polygon, listed addresses as the points of
the buildings they resolved to (RFC 7946; longitude first)."""

import json
from typing import Any

from django.db.models import Prefetch

from mycity.cities.models import Building, City
from mycity.content import selectors
from mycity.content.models import AffectedBuilding, Notice


def notices_geojson(city: City) -> str:
    queryset = selectors.notices_of(city).prefetch_related(
        Prefetch(
            "affected",
            queryset=AffectedBuilding.objects.select_related(None).only("notice_id", "building_id"),
        )
    )
    notices = list(queryset)
    building_ids = {a.building_id for n in notices for a in n.affected.all()}
    rows = Building.objects.filter(pk__in=building_ids).values_list("pk", "lat", "lon")
    points = {pk: (lon, lat) for pk, lat, lon in rows}
    features = [_feature(city, notice, points) for notice in notices]
    return json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False)


def _feature(city: City, notice: Notice, points: dict[int, tuple[float, float]]) -> dict[str, Any]:
    geometries: list[dict[str, Any]] = []
    if notice.area:
        geometries.append(notice.area)
    affected = [a.building_id for a in notice.affected.all()]
    coordinates = [list(points[pk]) for pk in affected if pk in points]
    if coordinates:
        geometries.append({"type": "MultiPoint", "coordinates": coordinates})
    geometry: dict[str, Any] | None = None
    if len(geometries) == 1:
        geometry = geometries[0]
    elif geometries:
        geometry = {"type": "GeometryCollection", "geometries": geometries}
    return {
        "type": "Feature",
        "id": notice.pk,
        "geometry": geometry,
        "properties": {
            "kind": notice.kind,
            "kind_label": str(notice.get_kind_display()),
            "is_emergency": notice.is_emergency,
            "title": notice.title,
            "reason": notice.reason,
            "starts_at": notice.starts_at.isoformat(),
            "ends_at": notice.ends_at.isoformat() if notice.ends_at else None,
            "url": f"/{city.slug}/notices/{notice.pk}/",
        },
    }
