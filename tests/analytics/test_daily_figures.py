"""The daily figures against the two days counted by hand in conftest.py."""

from datetime import timedelta

import pytest

from mycity.analytics.aggregation import DayNotClosed, write_closed_days, write_day, write_days
from mycity.analytics.daily import count_day
from mycity.analytics.figures import Figures, Selection, breakdown, percentile_hours, totals
from mycity.analytics.models import AggregatedDay, DailyCell, DailyFigures
from tests.analytics.conftest import AFTER, ELEVENTH, TENTH

pytestmark = pytest.mark.django_db


def live(days, day) -> Figures:
    counts = count_day(days.city, day)
    total = Figures()
    for tally in counts.groups.values():
        total = total + Figures.of_tally(tally)
    return total


def stored(days, first, last=None) -> Figures:
    return totals(Selection(city_ids=(days.city.pk,), start=first, end=last or first))


def test_the_tenth_counted_by_hand(days):
    tenth = live(days, TENTH)
    assert tenth.received == 4
    assert tenth.first_actions == 1
    assert tenth.first_action[1] == 1  # two hours: within 4 h
    assert tenth.answered == 1
    assert tenth.answer[3] == 1  # twelve and a half hours: within 24 h
    assert (tenth.finished, tenth.finished_on_time) == (2, 1)
    assert tenth.reopened == 1
    assert (tenth.ratings, tenth.rating_sum) == (1, 4)


def test_the_day_ends_at_midnight_in_the_citys_time_zone(days):
    eleventh = live(days, ELEVENTH)
    # #3 was sent at 21:30 UTC on the 10th, 00:30 on the 11th in Polotsk.
    assert eleventh.received == 1
    # #2 was received on the 10th and answered after midnight: answered on the 11th.
    assert eleventh.answered == 1
    assert eleventh.answer[1] == 1
    assert (eleventh.finished, eleventh.finished_on_time) == (1, 1)
    assert eleventh.first_actions == 0


def test_another_citys_appeals_are_not_counted(days):
    assert live(days, TENTH).received == 4


def test_groups_are_category_district_executor_and_channel(days):
    groups = count_day(days.city, TENTH).groups
    roof = groups[(days.roof.pk, days.d1.pk, days.zhes.pk, "app")]
    assert (roof.received, roof.answered, roof.reopened, roof.ratings) == (2, 1, 1, 1)
    letter = groups[(days.letter.pk, None, None, "post")]
    assert (letter.received, letter.finished, letter.finished_on_time) == (1, 1, 0)


def test_reports_are_counted_in_cells_and_letters_are_not(days):
    cells = count_day(days.city, TENTH).cells
    assert sum(cells.values()) == 3  # 1, 2 and 6; 4 is a letter without a point


def test_the_aggregates_equal_the_live_figures_for_a_closed_day(days):
    for day in (TENTH, ELEVENTH):
        write_day(city=days.city, day=day, now=AFTER)
        assert stored(days, day) == live(days, day)
    assert stored(days, TENTH, ELEVENTH) == live(days, TENTH) + live(days, ELEVENTH)


def test_sectors_come_from_the_categories_activity(days):
    write_day(city=days.city, day=TENTH, now=AFTER)
    sectors = breakdown(Selection(city_ids=(days.city.pk,), start=TENTH, end=TENTH), "sector")
    assert {s: f.received for s, f in sectors.items()} == {"housing": 2, "utilities": 1, "other": 1}


def test_the_citys_own_sector_of_a_group_covers_its_leaves(days):
    from mycity.analytics.models import CategorySector

    CategorySector.objects.create(category=days.roof.parent, sector="utilities")
    write_day(city=days.city, day=TENTH, now=AFTER)
    sectors = breakdown(Selection(city_ids=(days.city.pk,), start=TENTH, end=TENTH), "sector")
    assert {s: f.received for s, f in sectors.items()} == {"utilities": 3, "other": 1}


def test_writing_a_day_twice_changes_nothing(days):
    write_day(city=days.city, day=TENTH, now=AFTER)
    first = list(DailyFigures.objects.order_by("pk").values_list("category", "received"))
    cells = DailyCell.objects.count()
    write_day(city=days.city, day=TENTH, now=AFTER)
    assert list(DailyFigures.objects.order_by("pk").values_list("category", "received")) == first
    assert DailyCell.objects.count() == cells
    assert stored(days, TENTH).received == 4


def test_today_is_never_written(days):
    with pytest.raises(DayNotClosed):
        write_day(city=days.city, day=AFTER.date(), now=AFTER)


def test_the_nightly_run_writes_each_closed_day_once(days):
    write_days(city=days.city, first=TENTH, last=ELEVENTH, now=AFTER)
    written = write_closed_days(now=AFTER)
    # Polotsk: the 12th to the 19th; Orsha, never written: only yesterday (the 19th).
    assert written.days == 8 + 1
    assert write_closed_days(now=AFTER).days == 0
    assert write_closed_days(now=AFTER + timedelta(days=1)).days == 2
    assert AggregatedDay.objects.filter(city=days.city).count() == 11


def test_median_and_90th_percentile_are_the_bounds_of_their_buckets():
    # 2 h, 3 h, 10 h, 30 h, 100 h
    buckets = [0, 2, 0, 1, 1, 0, 1, 0, 0, 0, 0]
    assert percentile_hours(buckets, 0.5) == 24
    assert percentile_hours(buckets, 0.9) == 120
    assert percentile_hours([0] * 10 + [5], 0.5) is None  # over 30 days
    assert percentile_hours([0] * 11, 0.5) is None


def test_figures_of_fewer_than_five_are_not_derived():
    few = Figures(received=4, finished=4, finished_on_time=4, ratings=4, rating_sum=20)
    assert not few.enough
    assert few.on_time_share is None
    assert few.rating_mean is None
    assert few.per_residents(80000) is None
    enough = Figures(received=8, finished=5, finished_on_time=4, reopened=1)
    assert enough.on_time_share == 0.8
    assert enough.reopened_share == 0.2
    assert enough.per_residents(80000) == 1.0


def test_the_backfill_command_rewrites_the_days_given(days):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command(
        "aggregate_figures",
        "--from",
        "2026-03-09",
        "--to",
        "2026-03-11",
        "--city",
        "polotsk",
        stdout=out,
    )
    assert "polotsk: wrote 3 days" in out.getvalue()
    assert stored(days, TENTH).received == 4


def test_the_backfill_command_refuses_today_and_unknown_cities(days):
    from django.core.management import CommandError, call_command
    from django.utils import timezone

    today = timezone.localdate().isoformat()
    with pytest.raises(CommandError):
        call_command("aggregate_figures", "--from", today, "--to", today)
    with pytest.raises(CommandError, match="nowhere"):
        call_command(
            "aggregate_figures", "--from", "2026-03-09", "--to", "2026-03-09", "--city", "nowhere"
        )


def test_todays_live_counts_are_shared_for_a_minute_then_counted_again(days, monkeypatch):
    from django.core.cache.backends import db as db_cache
    from django.utils import timezone

    from mycity.analytics.aggregation import today_in
    from mycity.analytics.daily import TODAY_SHARED_S, count_today
    from tests.analytics.conftest import make_appeal

    city, now = days.city, timezone.now()
    today = today_in(city)

    def received() -> int:
        counts = count_today(city, today, now=timezone.now())
        return sum(tally.received for tally in counts.groups.values())

    before = received()
    make_appeal(city, "today-1", days.roof, now - timedelta(minutes=1), today)
    assert received() == before  # the first reader's count, shared
    later = now + timedelta(seconds=TODAY_SHARED_S + 1)
    monkeypatch.setattr(db_cache, "tz_now", lambda: later)
    assert received() == before + 1
