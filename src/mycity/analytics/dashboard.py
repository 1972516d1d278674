"""A city's dashboard and the view above the cities, assembled from the figures:
what the pages render and the exports and the API return."""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from mycity.analytics import figures as f
from mycity.analytics.backlog import backlog
from mycity.analytics.charts import Bar, bar_chart
from mycity.analytics.daily import count_today
from mycity.analytics.figures import Figures, Selection
from mycity.analytics.models import Sector
from mycity.analytics.places import Hotspot, hotspots
from mycity.analytics.sectors import sectors_of
from mycity.analytics.tables import (
    Cell,
    Row,
    Table,
    breakdown_table,
    count_text,
    dimension_labels,
    figure_cells,
    figure_columns,
    share_text,
    trend_table,
)
from mycity.analytics.written import shared
from mycity.cities.models import City

Link = Callable[[dict[str, str]], str]


@dataclass
class Dashboard:
    selection: Selection
    tables: list[Table]
    chart: SafeString
    hotspots: list[Hotspot] = field(default_factory=list)

    def table(self, key: str) -> Table:
        return next(t for t in self.tables if t.key == key)


def step_for(selection: Selection) -> str:
    days = (selection.end - selection.start).days + 1
    return "day" if days <= 31 else "week" if days <= 190 else "month"


def _trend(selection: Selection, trend: list[tuple[date, Figures]]) -> tuple[Table, SafeString]:
    step = step_for(selection)
    label = {"day": _("Day"), "week": _("Week from"), "month": _("Month")}[step]
    chart = bar_chart(
        _("Appeals received, per %(step)s")
        % {"step": {"day": _("day"), "week": _("week"), "month": _("month")}[step]},
        [Bar(day.isoformat(), figures.received) for day, figures in trend],
    )
    return trend_table(trend, label), chart


# The breakdowns of a city's dashboard, and the columns of the groups they fold.
CITY_BREAKDOWNS = {
    "sector": "sector",
    "category": "category_id",
    "district": "district_id",
    "organisation": "organisation_id",
    "channel": "channel",
}


@dataclass(frozen=True)
class CityPeriod:
    """What a city's dashboard reads from the written days: the same for everyone who
    opens the period with the same filters, until one of its days is written again."""

    total: Figures
    breakdowns: dict[str, dict[Any, Figures]]
    trend: list[tuple[date, Figures]]
    hotspots: list[Hotspot]


def city_period(selection: Selection) -> CityPeriod:
    """The period's figures of one city, from one grouped read of its rows (monthly and
    daily), its trend and its hotspots; shared through the cache (`written`)."""

    def compute() -> CityPeriod:
        groups = f.Rollup(selection, tuple(CITY_BREAKDOWNS.values()))
        return CityPeriod(
            total=groups.total(),
            breakdowns={name: groups.by(column) for name, column in CITY_BREAKDOWNS.items()},
            trend=f.trend(selection, step_for(selection)),
            hotspots=hotspots(selection),
        )

    return shared("city", selection, compute)


def city_dashboard(
    city: City,
    selection: Selection,
    *,
    now: datetime,
    today: date,
    link: Link | None = None,
) -> Dashboard:
    """Totals (the period's and today's, live), the trend, the breakdowns, the backlog
    and the hotspots of one city. `link(filters)` is the address of the appeals (or
    the public reports) behind a figure."""
    period = city_period(selection)
    total = period.total
    today_live = f.today_figures([count_today(city, today, now=now)], selection)
    summary = Table(
        key="summary",
        title=_("Summary"),
        columns=figure_columns(_("Period"), per_residents=True),
        rows=[
            Row(
                "period",
                f"{selection.start.isoformat()} – {selection.end.isoformat()}",
                figure_cells(total, link=link({}) if link else "", population=city.population),
            ),
            Row(
                "today",
                _("Today so far"),
                figure_cells(today_live, population=city.population),
            ),
        ],
    )
    trend, chart = _trend(selection, period.trend)
    tables = [summary, trend]
    for key, title, first, dimension in (
        ("sectors", _("By sector"), _("Sector"), "sector"),
        ("categories", _("By category"), _("Category"), "category"),
        ("districts", _("By district"), _("District"), "district"),
        ("organisations", _("By executor"), _("Executor"), "organisation"),
        ("channels", _("By channel"), _("Channel"), "channel"),
    ):
        tables.append(
            breakdown_table(
                key,
                title,
                first,
                dimension,
                period.breakdowns[dimension],
                link=link,
            )
        )
    ages = backlog(selection, sectors_of(city), now=now)
    tables.append(
        Table(
            key="backlog",
            title=_("Open now, by age"),
            columns=[("label", _("Days since submission")), ("open", _("Open"))],
            rows=[
                Row(
                    band,
                    _("overdue") if band == "overdue" else band,
                    [Cell(f.shown_count(n), count_text(n))],
                )
                for band, n in ages.items()
            ],
        )
    )
    spots = period.hotspots
    names = dimension_labels("category", [s.category_id for s in spots])
    tables.append(
        Table(
            key="hotspots",
            title=_("Hotspots"),
            columns=[
                ("label", _("Category")),
                ("place", _("Place (latitude, longitude)")),
                ("reports", _("Reports")),
            ],
            rows=[
                Row(
                    f"{s.category_id}:{s.centre[0]},{s.centre[1]}",
                    names[s.category_id][1],
                    [
                        Cell(f"{s.centre[0]},{s.centre[1]}", f"{s.centre[0]}, {s.centre[1]}"),
                        Cell(
                            s.reports,
                            count_text(s.reports),
                            link(
                                {
                                    "category": names[s.category_id][0],
                                    "bbox": f"{s.west},{s.south},{s.east},{s.north}",
                                }
                            )
                            if link
                            else "",
                        ),
                    ],
                )
                for s in spots
            ],
        )
    )
    return Dashboard(selection=selection, tables=tables, chart=chart, hotspots=spots)


@dataclass(frozen=True)
class CitiesPeriod:
    """What the view above the cities reads from the written days (see `CityPeriod`)."""

    by_city: dict[Any, Figures]
    by_city_and_sector: dict[Any, Figures]
    trend: list[tuple[date, Figures]]


def cities_period(selection: Selection) -> CitiesPeriod:
    def compute() -> CitiesPeriod:
        groups = f.Rollup(selection, ("city_id", "sector"))
        return CitiesPeriod(
            by_city=groups.by("city_id"),
            by_city_and_sector=groups.by("city_id", "sector"),
            trend=f.trend(selection, step_for(selection)),
        )

    return shared("cities", selection, compute)


def cities_dashboard(cities: list[City], selection: Selection) -> Dashboard:
    """Every city side by side (with the rate per 10,000 residents), the cities by
    sector, and the ranking, which leaves out the cities with too few appeals."""
    period = cities_period(selection)
    by_city = period.by_city
    ordered = sorted(cities, key=lambda c: (-c.population, c.slug))
    side_by_side = Table(
        key="cities",
        title=_("Cities side by side"),
        columns=figure_columns(_("City"), per_residents=True),
        rows=[
            Row(
                c.slug,
                str(c.name),
                figure_cells(by_city.get(c.pk, Figures()), population=c.population),
            )
            for c in ordered
        ],
    )
    sectors = period.by_city_and_sector
    by_sector = Table(
        key="sectors",
        title=_("Received, by city and sector"),
        columns=[("label", _("City")), *((s.value, str(s.label)) for s in Sector)],
        rows=[
            Row(
                c.slug,
                str(c.name),
                [
                    Cell(
                        f.shown_count(sectors.get((c.pk, s.value), Figures()).received),
                        count_text(sectors.get((c.pk, s.value), Figures()).received),
                    )
                    for s in Sector
                ],
            )
            for c in ordered
        ],
    )
    ranked = f.ranking(
        {c.pk: by_city.get(c.pk, Figures()) for c in cities}, {c.pk: c.population for c in cities}
    )
    names = {c.pk: c for c in cities}
    ranking = Table(
        key="ranking",
        title=_("Ranking: fewest appeals per 10,000 residents"),
        columns=[
            ("label", _("City")),
            ("rank", _("Place")),
            ("per_10000", _("Per 10,000 residents")),
            ("on_time", _("Finished on time")),
        ],
        rows=[
            Row(
                names[place.city_id].slug,
                str(names[place.city_id].name),
                [
                    Cell(
                        place.rank,
                        str(place.rank) if place.rank else _("not ranked: too few appeals"),
                    ),
                    Cell(
                        None if place.rate is None else round(place.rate, 1),
                        "—" if place.rate is None else f"{place.rate:.1f}",
                    ),
                    Cell(
                        None
                        if place.figures.on_time_share is None
                        else round(place.figures.on_time_share, 3),
                        share_text(place.figures.on_time_share),
                    ),
                ],
            )
            for place in ranked
        ],
    )
    trend, chart = _trend(selection, period.trend)
    return Dashboard(
        selection=selection, tables=[side_by_side, by_sector, ranking, trend], chart=chart
    )


def as_data(dashboard: Dashboard) -> list[dict[str, Any]]:
    """The tables as plain values, for the API and the JSON export."""
    return [
        {
            "key": table.key,
            "title": table.title,
            "columns": [{"key": k, "label": label} for k, label in table.columns],
            "rows": [
                {
                    "key": row.key,
                    "label": row.label,
                    "values": {
                        k: cell.value
                        for (k, _label), cell in zip(table.columns[1:], row.cells, strict=True)
                    },
                }
                for row in table.rows
            ],
        }
        for table in dashboard.tables
    ]
