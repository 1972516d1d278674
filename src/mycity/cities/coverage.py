"""Which part of the city each activity's executors cover: the gaps where a report would
reach nobody, and the overlaps where two organisations would both claim it. The console
shows them before a service area is saved; the onboarding checklist asks for no gaps.

Drawn areas are compared as areas. Once an organisation serves streets and house ranges
from the registry, the registry's addresses are counted instead: an address nobody
serves is a gap, one two organisations serve (the city-wide fallback apart) an overlap."""

import json
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from shapely import contains_xy
from shapely.geometry import Polygon, mapping
from shapely.geometry.base import BaseGeometry
from shapely.ops import unary_union

from mycity.cities.house_ranges import HouseRange
from mycity.cities.models import Building, City, Organisation, ServiceAddress
from mycity.core.geo import parse_area

# Shares of the city's area below these are drawing slack, not a gap or an overlap.
GAP_TOLERANCE = 0.005
OVERLAP_TOLERANCE = 0.001


@dataclass(frozen=True)
class Overlap:
    first: Organisation
    second: Organisation
    share: float  # of the city's area


@dataclass(frozen=True)
class AddressOverlap:
    first: Organisation
    second: Organisation
    addresses: int  # of the registry's, that both would serve


@dataclass
class Coverage:
    """One activity's (or category's) cover of the city."""

    organisations: list[Organisation] = field(default_factory=list)
    gap_share: float = 1.0
    gap: dict[str, Any] | None = None  # GeoJSON of what nobody covers
    overlaps: list[Overlap] = field(default_factory=list)
    # Counted on the registry's addresses when an organisation serves listed houses.
    by_addresses: bool = False
    address_gaps: int = 0
    address_gap_examples: list[str] = field(default_factory=list)  # "street, number"
    address_overlaps: list[AddressOverlap] = field(default_factory=list)

    @property
    def has_gap(self) -> bool:
        if self.by_addresses:
            return self.address_gaps > 0
        return self.gap_share > GAP_TOLERANCE

    @property
    def complete(self) -> bool:
        return not self.has_gap and not self.overlaps and not self.address_overlaps


def lines_of(organisation: Organisation) -> list[HouseRange]:
    """The streets and ranges an organisation serves: the proposed ones of an
    organisation being edited (`proposed_lines`), else the saved ones."""
    proposed = getattr(organisation, "proposed_lines", None)
    if proposed is not None:
        return list(proposed)
    if organisation.pk is None:
        return []
    return [
        HouseRange(
            street_id=line.street_id,
            number_from=line.number_from,
            number_to=line.number_to,
            parity=line.parity,
        )
        for line in ServiceAddress.objects.filter(organisation=organisation)
    ]


def _area_of(organisation: Organisation, boundary: BaseGeometry) -> BaseGeometry:
    if organisation.serves_addresses:
        return Polygon()
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
    if any(org.serves_addresses for org in organisations):
        _count_addresses(city, areas, result)
    return result


def _count_addresses(
    city: City, areas: list[tuple[Organisation, BaseGeometry]], result: Coverage
) -> None:
    """Which of the city's addresses each organisation serves, and so the gaps and
    overlaps counted in addresses."""
    rows = list(
        Building.objects.filter(city=city).values_list(
            "pk", "street_id", "number_sort", "lat", "lon"
        )
    )
    result.by_addresses = True
    if not rows:
        return
    lats = [row[3] for row in rows]
    lons = [row[4] for row in rows]
    served: list[tuple[Organisation, set[int]]] = []
    anywhere: set[int] = set()
    for org, area in areas:
        if org.serves_addresses:
            by_street: dict[int, list[HouseRange]] = {}
            for line in lines_of(org):
                by_street.setdefault(line.street_id, []).append(line)
            ids = {
                pk
                for pk, street_id, number_sort, _lat, _lon in rows
                if any(
                    line.covers(street_id=street_id, number_sort=number_sort)
                    for line in by_street.get(street_id, ())
                )
            }
        elif org.service_area is None:
            anywhere = {row[0] for row in rows}
            continue  # the city-wide fallback competes with nobody
        else:
            inside = contains_xy(area, lons, lats) if not area.is_empty else []
            ids = {row[0] for row, yes in zip(rows, inside, strict=False) if yes}
        served.append((org, ids))
    covered = set(anywhere)
    for _org, ids in served:
        covered |= ids
    missing = [row for row in rows if row[0] not in covered]
    result.address_gaps = len(missing)
    if missing:
        examples = (
            Building.objects.filter(pk__in=[row[0] for row in missing[:5]])
            .select_related("street")
            .order_by("street__name_ru", "number_sort")
        )
        result.address_gap_examples = [f"{b.street.name}, {b.number}" for b in examples]
    for index, (first, first_ids) in enumerate(served):
        for second, second_ids in served[index + 1 :]:
            both = len(first_ids & second_ids)
            if both:
                result.address_overlaps.append(
                    AddressOverlap(first=first, second=second, addresses=both)
                )


def area_km2(geojson: dict[str, Any], latitude: float) -> float:
    """The rough area of a small lat/lon polygon in square kilometres."""
    degree = 111.32
    return parse_area(geojson).area * degree * degree * math.cos(math.radians(latitude))
