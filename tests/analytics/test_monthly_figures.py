"""The monthly figures: each month's rows are the exact sums of its days' rows, and a
period read through them gives the same figures as the days (and as the appeals).

Besides the two hand-counted days of conftest.py (9–11 March 2026), two appeals cross
the midnight between February and March in Polotsk (UTC+3):
 #7 roof, registered 28 February, sent 28 Feb 20:00 UTC (23:00 local), answered
    28 Feb 21:30 UTC = 1 March 00:30 local: received in February, answered in March
 #8 roof, registered 28 February, sent 28 Feb 19:00 UTC, answered 28 Feb 20:30 UTC
    (23:30 local): received and answered in February
"""

from collections import defaultdict
from datetime import UTC, date, datetime

import pytest
from django.db.models import Sum

from mycity.analytics.aggregation import write_day, write_days
from mycity.analytics.daily import count_days
from mycity.analytics.figures import (
    Figures,
    Selection,
    selected_parts,
    selected_rows,
    totals,
    trend,
    whole_months,
)
from mycity.analytics.models import SUMMED_COLUMNS, DailyFigures, MonthlyFigures
from tests.analytics.conftest import make_appeal

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 5, 2, 12, 0, tzinfo=UTC)
FEBRUARY, MARCH, APRIL = date(2026, 2, 1), date(2026, 3, 1), date(2026, 4, 1)
GROUP = ("category_id", "sector", "district_id", "organisation_id", "channel")


@pytest.fixture
def months(days):
    late = datetime(2026, 2, 28, 20, 0, tzinfo=UTC)
    make_appeal(days.city, "2026-00007", days.roof, late, date(2026, 2, 28),
                organisation=days.zhes, district=days.d1, status="answered",
                answered_at=datetime(2026, 2, 28, 21, 30, tzinfo=UTC))  # fmt: skip
    make_appeal(days.city, "2026-00008", days.roof, datetime(2026, 2, 28, 19, 0, tzinfo=UTC),
                date(2026, 2, 28), organisation=days.zhes, district=days.d1, status="answered",
                answered_at=datetime(2026, 2, 28, 20, 30, tzinfo=UTC))  # fmt: skip
    write_days(city=days.city, first=date(2026, 1, 20), last=date(2026, 4, 30), now=NOW)
    return days


def live(days, first: date, last: date) -> Figures:
    total = Figures()
    for counts in count_days(days.city, first, last).values():
        for tally in counts.groups.values():
            total = total + Figures.of_tally(tally)
    return total


def sums_by_group(rows) -> dict[tuple, tuple[int, ...]]:
    found = rows.values_list(*GROUP).annotate(*(Sum(c) for c in SUMMED_COLUMNS)).order_by()
    return {tuple(row[: len(GROUP)]): tuple(row[len(GROUP) :]) for row in found}


def test_each_months_rows_are_the_sums_of_its_days_rows(months):
    for first, last in ((FEBRUARY, date(2026, 2, 28)), (MARCH, date(2026, 3, 31))):
        daily = sums_by_group(
            DailyFigures.objects.filter(city=months.city, day__gte=first, day__lte=last)
        )
        monthly = sums_by_group(MonthlyFigures.objects.filter(city=months.city, month=first))
        assert daily
        assert monthly == daily
    # One row per group and month: the month's rows are not the days' rows copied.
    assert MonthlyFigures.objects.filter(city=months.city, month=MARCH).count() < (
        DailyFigures.objects.filter(city=months.city, day__gte=MARCH, day__lt=APRIL).count()
    )


def test_a_period_of_whole_months_reads_the_months_and_equals_the_live_figures(months):
    selection = Selection(city_ids=(months.city.pk,), start=FEBRUARY, end=date(2026, 3, 31))
    parts = selected_parts(selection)
    assert parts.days == [] and parts.months is not None
    assert totals(selection) == live(months, FEBRUARY, date(2026, 3, 31))


def test_the_month_boundary_is_midnight_in_the_citys_time_zone(months):
    city = (months.city.pk,)
    february = totals(Selection(city_ids=city, start=FEBRUARY, end=date(2026, 2, 28)))
    march = totals(Selection(city_ids=city, start=MARCH, end=date(2026, 3, 31)))
    # #7 and #8 received on the 28th; #8 answered at 23:30 local, #7 at 00:30 on 1 March.
    assert (february.received, february.answered) == (2, 1)
    assert february.answer[1] == 1  # #8: 1.5 h, within 4 h
    assert march.answered == 4  # #7, and #1, #2 and #5 of the hand-counted days
    assert march.answer == live(months, MARCH, date(2026, 3, 31)).answer


def test_partial_months_at_both_ends_are_read_from_the_days(months):
    selection = Selection(city_ids=(months.city.pk,), start=date(2026, 2, 28), end=date(2026, 4, 3))
    parts = selected_parts(selection)
    assert len(parts.days) == 2 and parts.months is not None
    assert totals(selection) == live(months, date(2026, 2, 28), date(2026, 4, 3))
    # Within one month nothing is read from the monthly rows.
    inside = Selection(city_ids=(months.city.pk,), start=date(2026, 3, 2), end=date(2026, 3, 30))
    assert selected_parts(inside).months is None
    assert totals(inside) == live(months, date(2026, 3, 2), date(2026, 3, 30))


def test_whole_months_of_a_period():
    assert whole_months(date(2026, 1, 1), date(2026, 12, 31)) == (
        date(2026, 1, 1),
        date(2026, 12, 1),
    )
    assert whole_months(date(2025, 12, 8), date(2026, 12, 7)) == (
        date(2026, 1, 1),
        date(2026, 11, 1),
    )
    assert whole_months(date(2026, 2, 2), date(2026, 2, 28)) is None
    assert whole_months(date(2024, 2, 1), date(2024, 2, 29)) == (date(2024, 2, 1), date(2024, 2, 1))


def test_the_monthly_trend_equals_the_days_summed_by_month(months):
    selection = Selection(
        city_ids=(months.city.pk,), start=date(2026, 1, 20), end=date(2026, 4, 30)
    )
    by_month = dict(trend(selection, "month"))
    by_day: dict[date, Figures] = defaultdict(Figures)
    for day, counts in count_days(months.city, date(2026, 1, 20), date(2026, 4, 30)).items():
        for tally in counts.groups.values():
            by_day[day.replace(day=1)] = by_day[day.replace(day=1)] + Figures.of_tally(tally)
    assert list(by_month) == [date(2026, 1, 1), FEBRUARY, MARCH, APRIL]
    assert by_month == {month: by_day.get(month, Figures()) for month in by_month}


def test_filters_narrow_the_monthly_rows_as_they_narrow_the_daily_ones(months):
    for filters in (
        {"sectors": ("housing",)},
        {"organisation_ids": (months.gorsvet.pk,)},
        {"confined_to_organisations": (months.zhes.pk,)},
        {"channels": ("post",)},
    ):
        whole = Selection(
            city_ids=(months.city.pk,), start=FEBRUARY, end=date(2026, 3, 31), **filters
        )
        daily = Figures.of(selected_rows(whole).aggregate(**{c: Sum(c) for c in SUMMED_COLUMNS}))
        assert totals(whole) == daily, filters


def test_rewriting_a_day_rewrites_its_month_and_twice_changes_nothing(months):
    before = sums_by_group(MonthlyFigures.objects.filter(city=months.city, month=MARCH))
    write_day(city=months.city, day=date(2026, 3, 10), now=NOW)
    write_day(city=months.city, day=date(2026, 3, 10), now=NOW)
    assert sums_by_group(MonthlyFigures.objects.filter(city=months.city, month=MARCH)) == before
    # A report moved to another executor shows in the month once its day is rewritten.
    months.appeals[1].organisation = months.gorsvet
    months.appeals[1].save(update_fields=["organisation"])
    write_day(city=months.city, day=date(2026, 3, 10), now=NOW)
    gorsvet = Selection(city_ids=(months.city.pk,), start=MARCH, end=date(2026, 3, 31),
                        organisation_ids=(months.gorsvet.pk,))  # fmt: skip
    assert totals(gorsvet).received == 2  # #3 and now #1
    assert totals(Selection(city_ids=(months.city.pk,), start=MARCH, end=date(2026, 3, 31))) == (
        live(months, MARCH, date(2026, 3, 31))
    )


def test_another_citys_months_are_its_own(months, other_city):
    write_days(city=other_city, first=MARCH, last=date(2026, 3, 31), now=NOW)
    polotsk = Selection(city_ids=(months.city.pk,), start=MARCH, end=date(2026, 3, 31))
    orsha = Selection(city_ids=(other_city.pk,), start=MARCH, end=date(2026, 3, 31))
    assert totals(polotsk).received == 6  # 1 to 6 (#5 on the 9th)
    assert totals(orsha).received == 1
