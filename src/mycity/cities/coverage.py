"""Which part of the city each activity's executors cover: the gaps where a report would
reach nobody, and the overlaps where two organisations would both claim it. The console
shows them before a service area is saved; the onboarding checklist asks for no gaps."""

import json
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from shapely.geometry import mapping
from shapely.geometry.base import BaseGeometry
from shapely.ops import unary_union

from mycity.cities.models import City, Organisation
from mycity.core.geo import parse_area

# Shares of the city's area below these are drawing slack, not a gap or an overlap.
GAP_TOLERANCE = 0.005
OVERLAP_TOLERANCE = 0.001


@dataclass(frozen=True)
class Overlap:
    first: Organisation
    second: Organisation
    share: float  # of the city's area


@dataclass
class Coverage:
    """One activity's (or category's) cover of the city."""

    organisations: list[Organisation] = field(default_factory=list)
    gap_share: float = 1.0
    gap: dict[str, Any] | None = None  # GeoJSON of what nobody covers
    overlaps: list[Overlap] = field(default_factory=list)

    @property
    def has_gap(self) -> bool:
        return self.gap_share > GAP_TOLERANCE

    @property
    def complete(self) -> bool:
        return not self.has_gap and not self.overlaps


def _area_of(organisation: Organisation, boundary: BaseGeometry) -> BaseGeometry:
    if organisation.service_area is None:
        return boundary
    return parse_area(organisation.service_area)


def serving(
    city: City, activity: str, *, replacing: Organisation | None = None
) -> list[Organisation]:
    """The city's active executors that do `activity`; `replacing` (an organisation being
    edited, with its proposed values) stands in for its saved row."""
    found = [
        org
        for org in Organisation.objects.filter(
            city=city, kind=Organisation.Kind.EXECUTOR, is_active=True
        ).order_by("display_order", "slug")
        if replacing is None or replacing.pk is None or org.pk != replacing.pk
    ]
    if replacing is not None and replacing.is_active and replacing.kind == "executor":
        found.append(replacing)
    return [org for org in found if activity in (org.activities or [])]


def coverage(city: City, organisations: Iterable[Organisation]) -> Coverage:
    """How these organisations together cover the city."""
    boundary = parse_area(city.boundary)
    total = boundary.area or 1.0
    organisations = list(organisations)
    areas = [(org, _area_of(org, boundary).intersection(boundary)) for org in organisations]
    result = Coverage(organisations=organisations)
    covered = unary_union([area for _org, area in areas]) if areas else None
    gap = boundary.difference(covered) if covered is not None else boundary
    result.gap_share = gap.area / total
    result.gap = json.loads(json.dumps(mapping(gap))) if not gap.is_empty else None
    # A city-wide organisation is the fallback behind the ones with their own area
    # (routing prefers the more specific one), not a competitor of theirs.
    bounded = [(org, area) for org, area in areas if org.service_area is not None]
    for index, (first, first_area) in enumerate(bounded):
        for second, second_area in bounded[index + 1 :]:
            share = first_area.intersection(second_area).area / total
            if share > OVERLAP_TOLERANCE:
                result.overlaps.append(Overlap(first=first, second=second, share=share))
    return result


def area_km2(geojson: dict[str, Any], latitude: float) -> float:
    """The rough area of a small lat/lon polygon in square kilometres."""
    degree = 111.32
    return parse_area(geojson).area * degree * degree * math.cos(math.radians(latitude))
