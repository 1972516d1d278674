"""The figures the dashboards, the exports and the API show, read from the daily
figures (never from the appeals), with one definition each (docs/analytics.md).

A count under `MINIMUM` is shown as "fewer than 5": the figures derived from it (a
share, a median, a rate per 10,000) are not shown, and it is never ranked.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db.models import QuerySet, Sum

from mycity.analytics.daily import DayCounts, Tally
from mycity.analytics.models import (
    DURATION_BOUNDS_HOURS,
    DURATION_BUCKETS,
    SUMMED_COLUMNS,
    DailyFigures,
    MonthlyFigures,
    duration_columns,
)
from mycity.appeals.models import Appeal

MINIMUM = 5
PER_RESIDENTS = 10_000

COUNTS = (
    "received",
    "first_actions",
    "answered",
    "finished",
    "finished_on_time",
    "reopened",
    "ratings",
    "rating_sum",
)
COLUMNS = SUMMED_COLUMNS

DIMENSIONS = ("sector", "category", "district", "organisation", "channel", "city")


def percentile_hours(buckets: Sequence[int], share: float) -> int | None:
    """The bound, in hours, of the bucket the `share` percentile falls in; None when it
    falls in the last bucket (more than the longest bound: shown as "> 30 days")."""
    total = sum(buckets)
    if total == 0:
        return None
    rank = share * total
    seen = 0
    for i, n in enumerate(buckets):
        seen += n
        if seen >= rank:
            return DURATION_BOUNDS_HOURS[i] if i < len(DURATION_BOUNDS_HOURS) else None
    return None


@dataclass(frozen=True)
class Figures:
    """The sums of a set of daily rows and the figures derived from them."""

    received: int = 0
    first_actions: int = 0
    answered: int = 0
    finished: int = 0
    finished_on_time: int = 0
    reopened: int = 0
    ratings: int = 0
    rating_sum: int = 0
    first_action: tuple[int, ...] = (0,) * DURATION_BUCKETS
    answer: tuple[int, ...] = (0,) * DURATION_BUCKETS

    @classmethod
    def of(cls, row: dict[str, Any]) -> "Figures":
        return cls(
            **{name: row.get(name) or 0 for name in COUNTS},
            first_action=tuple(row.get(c) or 0 for c in duration_columns("first_action")),
            answer=tuple(row.get(c) or 0 for c in duration_columns("answer")),
        )

    @classmethod
    def of_values(cls, values: Sequence[int]) -> "Figures":
        """From sums in the order of COLUMNS."""
        counts = len(COUNTS)
        buckets = len(duration_columns("first_action"))
        named: dict[str, Any] = dict(zip(COUNTS, values[:counts], strict=True))
        named["first_action"] = tuple(values[counts : counts + buckets])
        named["answer"] = tuple(values[counts + buckets :])
        return cls(**named)

    @classmethod
    def of_tally(cls, tally: Tally) -> "Figures":
        return cls.of(tally.columns())

    def __add__(self, other: "Figures") -> "Figures":
        values: dict[str, Any] = {n: getattr(self, n) + getattr(other, n) for n in COUNTS}
        for measure in ("first_action", "answer"):
            values[measure] = tuple(
                a + b for a, b in zip(getattr(self, measure), getattr(other, measure), strict=True)
            )
        return Figures(**values)

    @property
    def enough(self) -> bool:
        return self.received >= MINIMUM

    @property
    def on_time_share(self) -> float | None:
        """Finished by the deadline, of those finished."""
        if self.finished < MINIMUM:
            return None
        return self.finished_on_time / self.finished

    @property
    def reopened_share(self) -> float | None:
        """Reopened after the applicant disagreed, per appeal finished."""
        if self.finished < MINIMUM:
            return None
        return self.reopened / self.finished

    @property
    def rating_mean(self) -> float | None:
        if self.ratings < MINIMUM:
            return None
        return self.rating_sum / self.ratings

    def _hours(self, buckets: tuple[int, ...], share: float) -> int | None:
        return percentile_hours(buckets, share) if sum(buckets) >= MINIMUM else None

    @property
    def first_action_median(self) -> int | None:
        return self._hours(self.first_action, 0.5)

    @property
    def first_action_p90(self) -> int | None:
        return self._hours(self.first_action, 0.9)

    @property
    def answer_median(self) -> int | None:
        return self._hours(self.answer, 0.5)

    @property
    def answer_p90(self) -> int | None:
        return self._hours(self.answer, 0.9)

    def per_residents(self, population: int) -> float | None:
        """Appeals received per 10,000 residents."""
        if not self.enough or population <= 0:
            return None
        return self.received * PER_RESIDENTS / population


def shown_count(n: int) -> int | None:
    """A count as it may be shown: None (shown as "fewer than 5") under the minimum;
    zero is shown as zero."""
    return n if n == 0 or n >= MINIMUM else None


@dataclass(frozen=True)
class Selection:
    """Which daily rows a figure is of. Empty filters: all of them."""

    city_ids: tuple[int, ...]
    start: date
    end: date
    sectors: tuple[str, ...] = ()
    category_ids: tuple[int, ...] = ()
    district_ids: tuple[int, ...] = ()
    organisation_ids: tuple[int, ...] = ()
    channels: tuple[str, ...] = ()
    # A head of department reads only their organisations' appeals.
    confined_to_organisations: tuple[int, ...] | None = None


def selected_appeals(
    appeals: QuerySet[Appeal], selection: Selection, sectors: dict[int, str]
) -> QuerySet[Appeal]:
    """`appeals` narrowed by the selection's filters, as the daily rows are (`sectors`:
    each category's sector, since an appeal row does not carry one)."""
    if selection.sectors:
        appeals = appeals.filter(
            category_id__in=[pk for pk, s in sectors.items() if s in selection.sectors]
        )
    for name, values in (
        ("category_id", selection.category_ids),
        ("district_id", selection.district_ids),
        ("organisation_id", selection.organisation_ids),
        ("channel", selection.channels),
    ):
        if values:
            appeals = appeals.filter(**{f"{name}__in": values})
    if selection.confined_to_organisations is not None:
        appeals = appeals.filter(organisation_id__in=selection.confined_to_organisations)
    return appeals


def month_end(day: date) -> date:
    """The last day of `day`'s month."""
    following = (day.replace(day=28) + timedelta(days=4)).replace(day=1)
    return following - timedelta(days=1)


def whole_months(start: date, end: date) -> tuple[date, date] | None:
    """The first days of the first and the last calendar month that lie wholly in
    `start`…`end`; None when no month does."""
    first = start if start.day == 1 else month_end(start) + timedelta(days=1)
    last_end = end if end == month_end(end) else end.replace(day=1) - timedelta(days=1)
    if first > last_end:
        return None
    return first, last_end.replace(day=1)


def selected_groups(rows: QuerySet[Any], selection: Selection) -> QuerySet[Any]:
    """`rows` (daily or monthly figures, cells) narrowed by the selection's filters."""
    for name, values in (
        ("sector", selection.sectors),
        ("category_id", selection.category_ids),
        ("district_id", selection.district_ids),
        ("organisation_id", selection.organisation_ids),
        ("channel", selection.channels),
    ):
        if values:
            rows = rows.filter(**{f"{name}__in": values})
    if selection.confined_to_organisations is not None:
        rows = rows.filter(organisation_id__in=selection.confined_to_organisations)
    return rows.order_by()


def selected_rows(selection: Selection) -> QuerySet[DailyFigures]:
    """The selection's daily rows, every day of the period."""
    return selected_groups(
        DailyFigures.objects.filter(
            city_id__in=selection.city_ids, day__gte=selection.start, day__lte=selection.end
        ),
        selection,
    )


@dataclass(frozen=True)
class Parts:
    """The rows that sum to a selection: monthly rows for the calendar months that lie
    wholly in the period, daily rows for the days before and after them."""

    days: list[QuerySet[DailyFigures]]
    months: QuerySet[MonthlyFigures] | None

    def all(self) -> list[QuerySet[Any]]:
        return [*self.days, *([self.months] if self.months is not None else [])]


def selected_parts(selection: Selection) -> Parts:
    months = whole_months(selection.start, selection.end)
    if months is None:
        return Parts(days=[selected_rows(selection)], months=None)
    first, last = months
    days = []
    for start, end in (
        (selection.start, first - timedelta(days=1)),
        (month_end(last) + timedelta(days=1), selection.end),
    ):
        if start <= end:
            days.append(
                selected_groups(
                    DailyFigures.objects.filter(
                        city_id__in=selection.city_ids, day__gte=start, day__lte=end
                    ),
                    selection,
                )
            )
    monthly = MonthlyFigures.objects.filter(
        city_id__in=selection.city_ids, month__gte=first, month__lte=last
    )
    return Parts(days=days, months=selected_groups(monthly, selection))


SUMS = {name: Sum(name) for name in COLUMNS}


def totals(selection: Selection) -> Figures:
    return Rollup(selection, ()).total()


def breakdown(selection: Selection, dimension: str) -> dict[Any, Figures]:
    """The figures per sector, category, district, organisation, channel or city (key
    None: the appeals without a district or an executor)."""
    if dimension not in DIMENSIONS:
        raise ValueError(dimension)
    column = dimension if dimension in ("sector", "channel") else f"{dimension}_id"
    return dict(sorted(Rollup(selection, (column,)).by(column).items(), key=_none_first))


def _none_first(item: tuple[Any, Figures]) -> tuple[bool, Any]:
    return (item[0] is not None, item[0] if item[0] is not None else 0)


def daily_trend(selection: Selection) -> dict[date, Figures]:
    rows = selected_rows(selection).values("day").annotate(**SUMS).order_by("day")
    return {row["day"]: Figures.of(dict(row)) for row in rows}


def _sum_by(rows: QuerySet[Any], column: str) -> dict[date, Figures]:
    return {
        row[column]: Figures.of(dict(row))
        for row in rows.values(column).annotate(**SUMS).order_by(column)
    }


def trend(selection: Selection, step: str) -> list[tuple[date, Figures]]:
    """Per day, ISO week (its Monday) or month (its first day), every period of the
    selection listed, the empty ones too. By month, the whole months are read from the
    monthly rows (a month's row is the sum of its days: the same figures)."""
    if step == "month":
        parts = selected_parts(selection)
        by_day: dict[date, Figures] = {}
        for rows in parts.days:
            by_day |= _sum_by(rows, "day")
        if parts.months is not None:
            by_day |= _sum_by(parts.months, "month")  # a month's first day stands for it
    else:
        by_day = daily_trend(selection)

    def period_of(day: date) -> date:
        if step == "week":
            return day - timedelta(days=day.weekday())
        if step == "month":
            return day.replace(day=1)
        return day

    periods: dict[date, Figures] = {}
    day = selection.start
    while day <= selection.end:
        key = period_of(day)
        periods[key] = periods.get(key, Figures()) + by_day.get(day, Figures())
        day += timedelta(days=1)
    return list(periods.items())


def today_figures(counts: Iterable[DayCounts], selection: Selection) -> Figures:
    """Today's figures from the live counts (`daily.count_day` up to now), filtered the
    way `selected_rows` filters the rows."""
    total = Figures()
    for day in counts:
        for (category_id, district_id, organisation_id, channel), tally in day.groups.items():
            sector = day.sectors.get(category_id, "other")
            if (
                (selection.sectors and sector not in selection.sectors)
                or (selection.category_ids and category_id not in selection.category_ids)
                or (selection.district_ids and district_id not in selection.district_ids)
                or (
                    selection.organisation_ids and organisation_id not in selection.organisation_ids
                )
                or (selection.channels and channel not in selection.channels)
                or (
                    selection.confined_to_organisations is not None
                    and organisation_id not in selection.confined_to_organisations
                )
            ):
                continue
            total = total + Figures.of_tally(tally)
    return total


def breakdown_by_city_and_sector(selection: Selection) -> dict[tuple[int, str], Figures]:
    rows = (
        selected_rows(selection)
        .values("city_id", "sector")
        .annotate(**SUMS)
        .order_by("city_id", "sector")
    )
    return {(row["city_id"], row["sector"]): Figures.of(dict(row)) for row in rows}


class Rollup:
    """The selection's sums per group, from one scan of the rows; every total and
    breakdown of a page is folded from them in Python (a group is a few thousand rows
    a year where a breakdown would scan the year's rows again)."""

    def __init__(self, selection: Selection, key: Sequence[str]) -> None:
        self.key = tuple(key)
        width = len(self.key)
        self.groups: list[tuple[tuple[Any, ...], tuple[int, ...]]] = []
        # One grouped scan of the monthly rows of the whole months and one of the
        # daily rows of each partial month at the ends (a group may come from several).
        for rows in selected_parts(selection).all():
            if width:
                found = rows.values_list(*self.key).annotate(*(Sum(n) for n in COLUMNS))
            else:
                found = [tuple(rows.aggregate(*(Sum(n) for n in COLUMNS)).values())]
            self.groups += [(row[:width], row[width:]) for row in found]

    def by(self, *names: str) -> dict[Any, Figures]:
        """Folded to `names` (a single name: keyed by its value; none: the total under
        the key None)."""
        positions = [self.key.index(name) for name in names]
        sums: dict[Any, list[int]] = {}
        for key, values in self.groups:
            folded = (
                None
                if not positions
                else key[positions[0]]
                if len(positions) == 1
                else tuple(key[p] for p in positions)
            )
            found = sums.get(folded)
            if found is None:
                sums[folded] = [v or 0 for v in values]
            else:
                for i, v in enumerate(values):
                    found[i] += v or 0
        return {k: Figures.of_values(v) for k, v in sums.items()}

    def total(self) -> Figures:
        return self.by().get(None, Figures())


@dataclass(frozen=True)
class Place:
    city_id: int
    figures: Figures
    rate: float | None  # received per 10,000 residents
    rank: int | None  # None: too few appeals (or no population) to be ranked


def ranking(by_city: dict[int, Figures], populations: dict[int, int]) -> list[Place]:
    """Fewest appeals per 10,000 residents first; the cities under the minimum count
    (or without a population) last, unranked, by name order of their ids."""
    places = [
        Place(city_id, figures, figures.per_residents(populations.get(city_id, 0)), None)
        for city_id, figures in by_city.items()
    ]
    ranked = sorted((p for p in places if p.rate is not None), key=lambda p: (p.rate, p.city_id))
    unranked = sorted((p for p in places if p.rate is None), key=lambda p: p.city_id)
    return [
        Place(p.city_id, p.figures, p.rate, rank) for rank, p in enumerate(ranked, start=1)
    ] + unranked
