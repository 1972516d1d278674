"""The working-day calendar against the real Belarusian calendars of 2025 and 2026."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied

from mycity.cities.calendar import WorkingCalendar, calendar_for
from mycity.cities.models import CalendarDay
from mycity.cities.services import set_calendar_day

MINSK = ZoneInfo("Europe/Minsk")


@pytest.fixture
def cal() -> WorkingCalendar:
    return WorkingCalendar(timezone=MINSK)


@pytest.mark.parametrize(
    ("day", "working"),
    [
        # 2025: holidays and the Council of Ministers' transfers
        (date(2025, 1, 1), False),
        (date(2025, 1, 2), False),
        (date(2025, 1, 7), False),
        (date(2025, 1, 6), False),  # Monday off ...
        (date(2025, 1, 11), True),  # ... worked on Saturday 11 January
        (date(2025, 4, 26), True),
        (date(2025, 4, 28), False),
        (date(2025, 4, 29), False),
        (date(2025, 5, 1), False),
        (date(2025, 5, 9), False),
        (date(2025, 7, 3), False),
        (date(2025, 7, 4), False),
        (date(2025, 7, 12), True),
        (date(2025, 11, 7), False),
        (date(2025, 12, 20), True),
        (date(2025, 12, 25), False),
        (date(2025, 12, 26), False),
        # 2026
        (date(2026, 1, 1), False),
        (date(2026, 1, 2), False),
        (date(2026, 1, 5), True),
        (date(2026, 1, 7), False),
        (date(2026, 4, 20), False),
        (date(2026, 4, 21), False),
        (date(2026, 4, 25), True),
        (date(2026, 5, 1), False),
        (date(2026, 7, 3), False),
        (date(2026, 12, 25), False),
        # a holiday on a weekend is not moved: the Monday after is an ordinary working day
        (date(2026, 3, 8), False),
        (date(2026, 3, 9), True),
        (date(2026, 5, 9), False),
        (date(2026, 5, 11), True),
        (date(2026, 11, 7), False),
        (date(2026, 11, 9), True),
        # ordinary weeks
        (date(2026, 1, 10), False),
        (date(2026, 1, 11), False),
        (date(2026, 1, 14), True),
    ],
)
def test_working_days_follow_the_belarusian_calendar(cal, day, working):
    assert cal.is_working_day(day) is working


@pytest.mark.parametrize(
    ("registered", "days", "term_ends"),
    [
        (date(2025, 12, 19), 15, date(2026, 1, 5)),  # 3 Jan is a Saturday
        (date(2025, 12, 17), 15, date(2026, 1, 5)),  # 1 Jan, 2 Jan, then the weekend
        (date(2026, 4, 5), 15, date(2026, 4, 22)),  # 20 Apr transferred off, 21 Apr Radunitsa
        (date(2026, 4, 10), 15, date(2026, 4, 25)),  # a worked Saturday ends the term
        (date(2026, 11, 2), 15, date(2026, 11, 17)),
    ],
)
def test_fifteen_days_end_on_a_working_day(cal, registered, days, term_ends):
    assert cal.add_calendar_days(registered, days) == term_ends


@pytest.mark.parametrize(
    ("registered", "term_ends"),
    [
        (date(2026, 1, 15), date(2026, 2, 16)),  # 15 Feb is a Sunday
        (date(2026, 1, 31), date(2026, 3, 2)),  # no 31 Feb; 28 Feb is a Saturday
        (date(2024, 1, 30), date(2024, 2, 29)),  # leap year
        (date(2026, 3, 21), date(2026, 4, 22)),  # 21 Apr 2026 is Radunitsa
        (date(2025, 10, 7), date(2025, 11, 10)),  # 7 Nov, then the weekend
        (date(2025, 12, 2), date(2026, 1, 5)),
    ],
)
def test_one_month_ends_on_the_same_day_number_or_the_months_last(cal, registered, term_ends):
    assert cal.add_months(registered, 1) == term_ends


@pytest.mark.parametrize(
    ("start", "days", "expected"),
    [
        (date(2025, 12, 31), 1, date(2026, 1, 5)),
        (date(2025, 12, 31), 2, date(2026, 1, 6)),
        (date(2025, 12, 31), 3, date(2026, 1, 8)),  # 7 Jan is Christmas
        (date(2026, 4, 17), 5, date(2026, 4, 27)),  # counts the worked Saturday 25 Apr
        (date(2026, 4, 17), 0, date(2026, 4, 17)),
    ],
)
def test_working_days_are_counted_across_holidays_and_transfers(cal, start, days, expected):
    assert cal.add_working_days(start, days) == expected


def test_working_days_between_counts_the_end_not_the_start(cal):
    assert cal.working_days_between(date(2026, 4, 17), date(2026, 4, 27)) == 5
    assert cal.working_days_between(date(2026, 4, 27), date(2026, 4, 17)) == -5
    assert cal.working_days_between(date(2026, 4, 17), date(2026, 4, 17)) == 0


@pytest.mark.parametrize(
    ("arrived", "registered"),
    [
        (datetime(2026, 4, 25, 10, 0, tzinfo=MINSK), date(2026, 4, 25)),  # a worked Saturday
        (datetime(2026, 4, 26, 10, 0, tzinfo=MINSK), date(2026, 4, 27)),  # Sunday → Monday
        (datetime(2026, 1, 7, 12, 0, tzinfo=MINSK), date(2026, 1, 8)),  # Christmas
        (datetime(2026, 1, 14, 23, 59, tzinfo=MINSK), date(2026, 1, 14)),
    ],
)
def test_an_appeal_is_registered_on_its_day_of_arrival_or_the_next_working_day(
    cal, arrived, registered
):
    assert cal.registration_date(arrived) == registered


def test_registration_counts_the_day_in_the_citys_time_zone(cal):
    # 23:30 UTC on Friday 9 January is 02:30 on Saturday in Minsk.
    arrived = datetime(2026, 1, 9, 23, 30, tzinfo=ZoneInfo("UTC"))
    assert cal.registration_date(arrived) == date(2026, 1, 12)


@pytest.mark.parametrize(
    "call",
    [
        lambda c: c.add_working_days(date(2026, 1, 1), -1),
        lambda c: c.add_calendar_days(date(2026, 1, 1), -1),
        lambda c: c.add_months(date(2026, 1, 1), -1),
    ],
)
def test_negative_terms_are_refused(cal, call):
    with pytest.raises(ValueError):
        call(cal)


@pytest.mark.django_db
def test_a_national_exception_applies_to_every_city(city, other_city):
    CalendarDay.objects.create(
        city=None, date=date(2026, 12, 31), is_working=False, note="Decree (hypothetical)"
    )
    assert calendar_for(city).is_working_day(date(2026, 12, 31)) is False
    assert calendar_for(other_city).is_working_day(date(2026, 12, 31)) is False


@pytest.mark.django_db
def test_a_city_exception_overrides_the_national_one_only_in_that_city(city, other_city):
    CalendarDay.objects.create(city=None, date=date(2026, 12, 31), is_working=False)
    CalendarDay.objects.create(city=city, date=date(2026, 12, 31), is_working=True)
    assert calendar_for(city).is_working_day(date(2026, 12, 31)) is True
    assert calendar_for(other_city).is_working_day(date(2026, 12, 31)) is False


@pytest.mark.django_db
def test_an_exception_moves_a_term(city):
    CalendarDay.objects.create(city=city, date=date(2026, 1, 5), is_working=False)
    assert calendar_for(city).add_calendar_days(date(2025, 12, 19), 15) == date(2026, 1, 6)


@pytest.mark.django_db
def test_the_calendar_reads_its_exceptions_in_one_query(city, django_assert_num_queries):
    CalendarDay.objects.create(city=city, date=date(2026, 6, 1), is_working=False)
    with django_assert_num_queries(1):
        calendar = calendar_for(city)
    assert calendar.is_working_day(date(2026, 6, 1)) is False


@pytest.mark.django_db
def test_a_city_admin_sets_a_day_for_their_city(city, city_admin):
    row = set_calendar_day(
        actor=city_admin, city=city, day=date(2026, 6, 1), is_working=False, note="City Day"
    )
    assert (row.city, row.is_working, row.note) == (city, False, "City Day")
    set_calendar_day(actor=city_admin, city=city, day=date(2026, 6, 1), is_working=True)
    assert CalendarDay.objects.get(city=city, date=date(2026, 6, 1)).is_working is True


@pytest.mark.django_db
def test_a_city_admin_of_another_city_or_a_dispatcher_may_not(city, other_city, dispatcher):
    from mycity.accounts.models import RoleKind
    from mycity.accounts.services import grant_role
    from tests.factories import UserFactory

    admin_of_orsha = UserFactory()
    grant_role(actor=None, user=admin_of_orsha, kind=RoleKind.CITY_ADMIN, city=other_city)
    for actor in (admin_of_orsha, dispatcher):
        with pytest.raises(PermissionDenied):
            set_calendar_day(actor=actor, city=city, day=date(2026, 6, 1), is_working=False)
    assert not CalendarDay.objects.exists()


@pytest.mark.django_db
def test_only_a_platform_admin_sets_a_national_day(city_admin, platform_admin):
    with pytest.raises(PermissionDenied):
        set_calendar_day(actor=city_admin, city=None, day=date(2026, 6, 1), is_working=False)
    row = set_calendar_day(actor=platform_admin, city=None, day=date(2026, 6, 1), is_working=False)
    assert row.city is None
