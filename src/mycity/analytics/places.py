"""Where reports concentrate, from the daily cells: the heat map (cells summed over
the period, merged into blocks so a city is a few hundred rectangles, never 100,000
markers) and the hotspots (a cell with at least `HOTSPOT_MINIMUM` reports of one
category in the period)."""

from dataclasses import dataclass

from django.db.models import QuerySet, Sum

from mycity.analytics.figures import Selection, selected_groups
from mycity.analytics.grid import cell_bounds
from mycity.analytics.models import DailyCell

HOTSPOT_MINIMUM = 5
HOTSPOTS_SHOWN = 20


def selected_cells(selection: Selection) -> QuerySet[DailyCell]:
    """The cells of the selection, narrowed by every filter the figures are (a cell
    carries its reports' group): a head of department's map holds only their
    organisations' reports."""
    cells = DailyCell.objects.filter(
        city_id__in=selection.city_ids, day__gte=selection.start, day__lte=selection.end
    )
    return selected_groups(cells, selection)


@dataclass(frozen=True)
class HeatCell:
    south: float
    west: float
    north: float
    east: float
    reports: int


def heat_map(selection: Selection, *, block: int = 1) -> list[HeatCell]:
    """Reports per block of `block` × `block` cells. A cell under the minimum of a
    figure is left out before the blocks are summed (a single report is a person's
    doorstep), so that comparing two block sizes cannot reveal it."""
    from mycity.analytics.figures import MINIMUM

    blocks: dict[tuple[int, int], int] = {}
    for row, col, n in (
        selected_cells(selection).values_list("row", "col").annotate(n=Sum("reports"))
    ):
        if n < MINIMUM:
            continue
        key = (row // block * block, col // block * block)
        blocks[key] = blocks.get(key, 0) + n
    return [
        HeatCell(*cell_bounds(row, col, block), reports=n)
        for (row, col), n in sorted(blocks.items())
        if n >= MINIMUM
    ]


def shared_heat_map(selection: Selection, *, block: int = 1) -> list[HeatCell]:
    """`heat_map`, shared through the cache until a day of the period is written again."""
    from mycity.analytics.written import shared

    return shared(f"heat:{block}", selection, lambda: heat_map(selection, block=block))


@dataclass(frozen=True)
class Hotspot:
    city_id: int
    category_id: int
    south: float
    west: float
    north: float
    east: float
    reports: int

    @property
    def centre(self) -> tuple[float, float]:
        return (round((self.south + self.north) / 2, 6), round((self.west + self.east) / 2, 6))


def hotspots(selection: Selection, *, limit: int = HOTSPOTS_SHOWN) -> list[Hotspot]:
    rows = (
        selected_cells(selection)
        .values_list("city_id", "category_id", "row", "col")
        .annotate(n=Sum("reports"))
        .filter(n__gte=HOTSPOT_MINIMUM)
        .order_by("-n", "city_id", "category_id", "row", "col")[:limit]
    )
    return [
        Hotspot(city_id, category_id, *cell_bounds(row, col), reports=n)
        for city_id, category_id, row, col, n in rows
    ]
