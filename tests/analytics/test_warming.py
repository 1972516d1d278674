"""After the night's figures are written, the periods the morning's readers open first
are already shared: the first reader sums nothing.

The appeals are the hand-counted days of conftest.py (9–11 March 2026 in Polotsk)."""

from datetime import UTC, date, datetime

import pytest

from mycity.analytics import dashboard
from mycity.analytics.aggregation import write_days
from mycity.analytics.figures import Selection
from mycity.analytics.warming import standard_periods, warm_standard_periods
from mycity.cities.models import City

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 4, 2, 12, 0, tzinfo=UTC)
YESTERDAY = date(2026, 4, 1)


def test_the_standard_periods_are_the_dashboards_default_and_the_year():
    assert standard_periods(YESTERDAY) == [
        (date(2026, 1, 2), YESTERDAY),
        (date(2025, 4, 2), YESTERDAY),
    ]


def test_after_warming_the_first_reader_of_each_standard_period_computes_nothing(
    days, other_city, monkeypatch
):
    write_days(city=days.city, first=date(2026, 3, 1), last=YESTERDAY, now=NOW)
    write_days(city=other_city, first=date(2026, 3, 1), last=YESTERDAY, now=NOW)
    cities = list(City.objects.filter(is_active=True))
    assert warm_standard_periods(now=NOW) == 2 * (len(cities) + 1 + len({c.region for c in cities}))
    expected = {
        (start, end): dashboard.city_period(
            Selection(city_ids=(days.city.pk,), start=start, end=end)
        )
        for start, end in standard_periods(YESTERDAY)
    }

    def computed(*args, **kwargs):
        raise AssertionError("the figures were computed, not read from the cache")

    monkeypatch.setattr(dashboard.f, "Rollup", computed)
    monkeypatch.setattr(dashboard, "hotspots", computed)
    for (start, end), period in expected.items():
        assert (
            dashboard.city_period(Selection(city_ids=(days.city.pk,), start=start, end=end))
            == period
        )
        assert (
            dashboard.cities_period(
                Selection(city_ids=tuple(c.pk for c in cities), start=start, end=end)
            ).by_city[days.city.pk]
            == period.total
        )
