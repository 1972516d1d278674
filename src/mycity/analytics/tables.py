"""The figures laid out as tables: what the pages show, what the XLSX and CSV carry
and what the API returns, built once. A cell keeps its value (a number, or None when
it is not shown), the text a person reads, and the link to what is behind it."""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mycity.analytics.figures import MINIMUM, Figures, shown_count
from mycity.analytics.models import DURATION_BOUNDS_HOURS, Sector
from mycity.appeals.models import Category, Channel
from mycity.cities.models import City, District, Organisation

Link = Callable[[dict[str, str]], str]


@dataclass(frozen=True)
class Cell:
    value: Any
    text: str
    link: str = ""


@dataclass(frozen=True)
class Row:
    key: str
    label: str
    cells: list[Cell]


@dataclass(frozen=True)
class Table:
    key: str
    title: str
    columns: list[tuple[str, str]]  # (key, label), the first the rows' label
    rows: list[Row] = field(default_factory=list)


def count_text(n: int) -> str:
    shown = shown_count(n)
    if shown is None:
        return _("fewer than %(minimum)s") % {"minimum": MINIMUM}
    return number_format(shown, force_grouping=True)


def share_text(share: float | None) -> str:
    return "—" if share is None else f"{round(share * 100)} %"


def hours_text(hours: int | None, buckets: tuple[int, ...]) -> str:
    if sum(buckets) < MINIMUM:
        return "—"
    if hours is None:
        return _("over %(days)s days") % {"days": DURATION_BOUNDS_HOURS[-1] // 24}
    if hours < 24:
        return _("up to %(hours)s h") % {"hours": hours}
    return _("up to %(days)s days") % {"days": hours // 24}


FIGURE_COLUMNS = (
    ("received", gettext_lazy("Received")),
    ("first_action_median", gettext_lazy("To first action, median")),
    ("answer_median", gettext_lazy("To answer, median")),
    ("answer_p90", gettext_lazy("To answer, 90th percentile")),
    ("on_time", gettext_lazy("Finished on time")),
    ("reopened", gettext_lazy("Reopened")),
    ("rating", gettext_lazy("Mean rating")),
)
PER_10000 = ("per_10000", gettext_lazy("Per 10,000 residents"))


def figure_cells(figures: Figures, *, link: str = "", population: int | None = None) -> list[Cell]:
    rating = figures.rating_mean
    cells = [
        Cell(shown_count(figures.received), count_text(figures.received), link),
    ]
    if population is not None:
        rate = figures.per_residents(population)
        cells.append(
            Cell(
                None if rate is None else round(rate, 1),
                "—" if rate is None else number_format(rate, 1),
            )
        )
    cells += [
        Cell(
            figures.first_action_median,
            hours_text(figures.first_action_median, figures.first_action),
        ),
        Cell(figures.answer_median, hours_text(figures.answer_median, figures.answer)),
        Cell(figures.answer_p90, hours_text(figures.answer_p90, figures.answer)),
        Cell(
            None if figures.on_time_share is None else round(figures.on_time_share, 3),
            share_text(figures.on_time_share),
        ),
        Cell(
            None if figures.reopened_share is None else round(figures.reopened_share, 3),
            share_text(figures.reopened_share),
        ),
        Cell(
            None if rating is None else round(rating, 2),
            "—" if rating is None else number_format(rating, 1),
        ),
    ]
    return cells


def figure_columns(first: str, *, per_residents: bool = False) -> list[tuple[str, str]]:
    columns = [("label", first), *((k, str(v)) for k, v in FIGURE_COLUMNS[:1])]
    if per_residents:
        columns.append((PER_10000[0], str(PER_10000[1])))
    return columns + [(k, str(v)) for k, v in FIGURE_COLUMNS[1:]]


def dimension_labels(dimension: str, keys: list[Any]) -> dict[Any, tuple[str, str]]:
    """(slug, name) of each key of a breakdown; the key None is "none"."""
    names: dict[Any, tuple[str, str]] = {}
    if dimension == "sector":
        names = {key: (key, str(Sector(key).label)) for key in keys if key in Sector.values}
    elif dimension == "channel":
        names = {key: (key, str(Channel(key).label)) for key in keys if key in Channel.values}
    else:
        model: Any = {
            "category": Category,
            "district": District,
            "organisation": Organisation,
            "city": City,
        }[dimension]
        ids = [key for key in keys if key is not None]
        names = {
            o.pk: (o.slug, str(o.name))
            for o in model.objects.filter(pk__in=ids).only(
                "pk", "slug", "name_ru", "name_be", "name_en"
            )
        }
    for key in keys:
        names.setdefault(key, ("none", _("None") if key is None else str(key)))
    return names


def breakdown_table(
    key: str,
    title: str,
    first: str,
    dimension: str,
    figures: dict[Any, Figures],
    *,
    link: Link | None = None,
) -> Table:
    labels = dimension_labels(dimension, list(figures))
    rows = [
        Row(
            key=labels[k][0],
            label=labels[k][1],
            cells=figure_cells(f, link=link({dimension: labels[k][0]}) if link else ""),
        )
        # The most appeals first; those under the minimum after them in the order of
        # their names, so the order tells nothing a hidden count would.
        for k, f in sorted(
            figures.items(),
            key=lambda item: (
                -item[1].received if item[1].enough else 0,
                labels[item[0]][1],
            ),
        )
    ]
    return Table(key=key, title=title, columns=figure_columns(first), rows=rows)


def trend_table(trend: list[tuple[date, Figures]], step_label: str) -> Table:
    return Table(
        key="trend",
        title=_("Over time"),
        columns=figure_columns(step_label),
        rows=[
            Row(key=day.isoformat(), label=day.isoformat(), cells=figure_cells(figures))
            for day, figures in trend
        ],
    )
