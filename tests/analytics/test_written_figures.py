"""The figures of written days are shared through the cache: a reader gets what the rows
give now, whoever read the period before, and a day written again (the backfill, the
nightly day that closes a period ending today) is read again.

The appeals are the hand-counted days of conftest.py (9–11 March 2026 in Polotsk)."""

from dataclasses import replace
from datetime import UTC, date, datetime

import pytest
from django.core.cache import cache

from mycity.analytics import figures as f
from mycity.analytics.aggregation import write_day, write_days
from mycity.analytics.dashboard import cities_period, city_period, step_for
from mycity.analytics.figures import Selection
from mycity.analytics.places import heat_map, hotspots, shared_heat_map
from mycity.analytics.written import written_stamp
from tests.analytics.conftest import TENTH, make_appeal, utc

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 4, 2, 12, 0, tzinfo=UTC)
MARCH = Selection(city_ids=(), start=date(2026, 3, 1), end=date(2026, 3, 31))


def of(days, selection: Selection = MARCH) -> Selection:
    return Selection(city_ids=(days.city.pk,), start=selection.start, end=selection.end)


def live_city_figures(selection: Selection):
    """What the page read before the cache: every figure from the rows, now."""
    groups = f.Rollup(
        selection, ("sector", "category_id", "district_id", "organisation_id", "channel")
    )
    return (
        groups.total(),
        {c: groups.by(c) for c in ("sector", "category_id", "district_id", "channel")},
        f.trend(selection, step_for(selection)),
        hotspots(selection),
    )


def shown(period):
    return (
        period.total,
        {
            "sector": period.breakdowns["sector"],
            "category_id": period.breakdowns["category"],
            "district_id": period.breakdowns["district"],
            "channel": period.breakdowns["channel"],
        },
        period.trend,
        period.hotspots,
    )


def test_a_closed_periods_shared_figures_equal_the_live_figures(days):
    write_days(city=days.city, first=date(2026, 3, 1), last=date(2026, 3, 31), now=NOW)
    selection = of(days)
    first = city_period(selection)
    assert first.total.received == 6
    assert shown(first) == live_city_figures(selection)
    # The second reader gets the same figures, from the cache.
    cache_reads = []
    original = cache.get
    cache.get = lambda key, *a, **kw: cache_reads.append(key) or original(key, *a, **kw)
    try:
        assert shown(city_period(selection)) == live_city_figures(selection)
    finally:
        cache.get = original
    assert cache_reads


def test_a_day_written_again_is_read_again(days):
    write_days(city=days.city, first=date(2026, 3, 1), last=date(2026, 3, 31), now=NOW)
    selection = of(days)
    before = city_period(selection)
    stamp = written_stamp(selection)
    # An appeal found late is counted by the backfill of its day.
    make_appeal(days.city, "2026-00099", days.roof, utc(10, 12), TENTH,
                organisation=days.zhes, district=days.d1)  # fmt: skip
    assert city_period(selection) == before  # the rows have not changed yet
    write_day(city=days.city, day=TENTH, now=NOW)
    assert written_stamp(selection) != stamp
    after = city_period(selection)
    assert after.total.received == before.total.received + 1
    assert shown(after) == live_city_figures(selection)


def test_a_period_ending_today_gains_its_last_day_once_it_is_written(days):
    selection = Selection(city_ids=(days.city.pk,), start=date(2026, 3, 1), end=date(2026, 3, 11))
    write_days(city=days.city, first=date(2026, 3, 1), last=date(2026, 3, 10), now=NOW)
    assert city_period(selection).total.received == 5
    write_day(city=days.city, day=date(2026, 3, 11), now=NOW)
    assert city_period(selection).total.received == 6


def test_the_filters_and_the_confinement_are_part_of_what_is_shared(days):
    write_days(city=days.city, first=date(2026, 3, 1), last=date(2026, 3, 31), now=NOW)
    selection = of(days)
    everything = city_period(selection)
    lights = city_period(replace(selection, category_ids=(days.lights.pk,)))
    head = city_period(replace(selection, confined_to_organisations=(days.gorsvet.pk,)))
    assert everything.total.received == 6
    assert lights.total.received == 1
    assert head.total.received == 1


def test_the_view_above_the_cities_and_the_heat_map_are_shared_the_same_way(days, other_city):
    for city in (days.city, other_city):
        write_days(city=city, first=date(2026, 3, 1), last=date(2026, 3, 31), now=NOW)
    both = Selection(city_ids=(days.city.pk, other_city.pk), start=MARCH.start, end=MARCH.end)
    period = cities_period(both)
    groups = f.Rollup(both, ("city_id", "sector"))
    assert period.by_city == groups.by("city_id")
    assert period.by_city_and_sector == groups.by("city_id", "sector")
    assert period.trend == f.trend(both, step_for(both))
    assert cities_period(both) == period
    selection = of(days)
    assert shared_heat_map(selection) == heat_map(selection)
    make_appeal(days.city, "2026-00098", days.lights, utc(10, 12), TENTH, district=days.d2)
    write_day(city=days.city, day=TENTH, now=NOW)
    assert shared_heat_map(selection) == heat_map(selection)
