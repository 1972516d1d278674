"""Writing the daily figures: one closed day of one city at a time, idempotently (the
day's rows are replaced in one transaction), by the nightly task for the days that
have closed since, and by `mycity aggregate_figures --from --to` for any past days."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone
from django_tasks import task

from mycity.analytics.daily import DayCounts, count_days
from mycity.analytics.figures import month_end
from mycity.analytics.models import (
    SUMMED_COLUMNS,
    AggregatedDay,
    DailyCell,
    DailyFigures,
    MonthlyFigures,
)
from mycity.analytics.warming import warm_standard_periods
from mycity.cities.calendar import calendar_for
from mycity.cities.models import City
from mycity.core.bulk import insert_rows

# The first run (or a city added later) writes this many closed days; older ones are
# for the backfill command.
FIRST_RUN_DAYS = 1


class DayNotClosed(ValueError):
    """Today (or a later day) has no final figures yet."""


def today_in(city: City, now: datetime | None = None) -> date:
    return calendar_for(city).local_date(now or timezone.now())


def write_day(*, city: City, day: date, now: datetime | None = None) -> int:
    """Replace the city's rows of `day` with what the appeals say now; the number of
    rows written. Only a day that has ended in the city's time zone."""
    return write_days(city=city, first=day, last=day, now=now).rows


FIGURE_FIELDS = (
    "city", "day", "category", "sector", "district", "organisation", "channel", *SUMMED_COLUMNS,
)  # fmt: skip
CELL_FIELDS = (
    "city", "day", "category", "sector", "district", "organisation", "channel", "row", "col",
    "reports",
)  # fmt: skip


def _rows(counts: DayCounts) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """The day's rows as values in the order of FIGURE_FIELDS and CELL_FIELDS."""
    city, day = counts.city.pk, counts.day
    figures = [
        (
            city,
            day,
            category_id,
            counts.sectors.get(category_id, "other"),
            district_id,
            organisation_id,
            channel,
            *tally.columns().values(),
        )
        for (category_id, district_id, organisation_id, channel), tally in counts.groups.items()
    ]
    cells = [
        (
            city,
            day,
            category_id,
            counts.sectors.get(category_id, "other"),
            district_id,
            organisation_id,
            channel,
            row,
            col,
            n,
        )
        for (category_id, district_id, organisation_id, channel, row, col), n in (
            counts.cells.items()
        )
    ]
    return figures, cells


@dataclass(frozen=True)
class Written:
    days: int
    rows: int


_GROUP_COLUMNS = ("category_id", "sector", "district_id", "organisation_id", "channel")


def _write_month(city: City, month: date) -> None:
    """Replace the city's monthly rows of `month` with the sums of its daily rows (one
    INSERT … SELECT … GROUP BY: the sums are the database's, so they are exact)."""
    MonthlyFigures.objects.filter(city=city, month=month).delete()
    quote = connection.ops.quote_name
    sums = ", ".join(f"SUM({quote(c)})" for c in SUMMED_COLUMNS)
    group = ", ".join(quote(c) for c in _GROUP_COLUMNS)
    target = ", ".join(quote(c) for c in ("city_id", "month", *_GROUP_COLUMNS, *SUMMED_COLUMNS))
    sql = (
        f"INSERT INTO {quote(MonthlyFigures._meta.db_table)} ({target}) "  # noqa: S608
        f"SELECT %s, %s, {group}, {sums} FROM {quote(DailyFigures._meta.db_table)} "
        f"WHERE city_id = %s AND day >= %s AND day <= %s GROUP BY {group}"
    )
    adapt = connection.ops.adapt_datefield_value
    with connection.cursor() as cursor:
        cursor.execute(sql, [city.pk, adapt(month), city.pk, adapt(month), adapt(month_end(month))])


# Months counted together by the backfill: each query walks the city's appeals once
# for a quarter rather than once a month.
COUNTED_MONTHS = 3


def write_days(*, city: City, first: date, last: date, now: datetime | None = None) -> Written:
    """Every day from `first` to `last`, both included, each replaced whole, and the
    months they fall in summed again; the days of one calendar month per transaction
    (counted a quarter at a time: the same seven queries for a quarter as for a day)."""
    now = now or timezone.now()
    if last >= today_in(city, now):
        raise DayNotClosed(f"{last} has not ended in {city.slug} yet")
    days = rows = 0
    counted_from = first
    while counted_from <= last:
        counted_to = counted_from
        for _ in range(COUNTED_MONTHS):
            counted_to = month_end(counted_to) + timedelta(days=1)
        counted_to = min(last, counted_to - timedelta(days=1))
        counted = count_days(city, counted_from, counted_to)
        month_start = counted_from
        while month_start <= counted_to:
            month_last = min(counted_to, month_end(month_start))
            figures: list[tuple[Any, ...]] = []
            cells: list[tuple[Any, ...]] = []
            month_days = [d for d in counted if month_start <= d <= month_last]
            for day in month_days:
                more_figures, more_cells = _rows(counted[day])
                figures += more_figures
                cells += more_cells
            with transaction.atomic():
                period = {"city": city, "day__gte": month_start, "day__lte": month_last}
                DailyFigures.objects.filter(**period).delete()
                DailyCell.objects.filter(**period).delete()
                # Plain rows written at once: `bulk_create` of the models spent most of
                # a backfill preparing 38 values per row.
                insert_rows(DailyFigures, FIGURE_FIELDS, figures)
                insert_rows(DailyCell, CELL_FIELDS, cells)
                _write_month(city, month_start.replace(day=1))
                AggregatedDay.objects.filter(**period).delete()
                AggregatedDay.objects.bulk_create(
                    AggregatedDay(city=city, day=day, written_at=now) for day in month_days
                )
            days += len(month_days)
            rows += len(figures)
            month_start = month_last + timedelta(days=1)
        counted_from = counted_to + timedelta(days=1)
    return Written(days=days, rows=rows)


def write_closed_days(*, now: datetime | None = None) -> Written:
    """The nightly run: for every active city, the days that have closed in its time
    zone since its last written day. Run twice, it writes nothing the second time."""
    now = now or timezone.now()
    last_written = dict(
        AggregatedDay.objects.values_list("city_id").annotate(last=Max("day")).order_by()
    )
    days = rows = 0
    for city in City.objects.filter(is_active=True).order_by("pk"):
        yesterday = today_in(city, now) - timedelta(days=1)
        last = last_written.get(city.pk)
        first = last + timedelta(days=1) if last else yesterday - timedelta(days=FIRST_RUN_DAYS - 1)
        if first > yesterday:
            continue
        written = write_days(city=city, first=first, last=yesterday, now=now)
        days += written.days
        rows += written.rows
    return Written(days=days, rows=rows)


@task()
def write_closed_days_task() -> dict[str, int]:
    """The nightly task (run after midnight in the cities' time zone): write the days
    that ended, then compute the periods the morning's readers open first."""
    written = write_closed_days()
    return {"days": written.days, "rows": written.rows, "warmed": warm_standard_periods()}
