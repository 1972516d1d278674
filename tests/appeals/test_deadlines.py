"""Terms of appeals against the real Belarusian calendars of 2026 (Law 300-З, art. 17)."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from mycity.appeals.deadlines import (
    DeadlineState,
    deadline_state,
    extended_deadline,
    initial_term,
    notice_due,
)
from mycity.appeals.models import Appeal, Status
from mycity.cities.calendar import calendar_for
from tests.factories import CategoryFactory

pytestmark = pytest.mark.django_db
MINSK = ZoneInfo("Europe/Minsk")


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=MINSK)


@pytest.fixture
def calendar(city):
    return calendar_for(city)


@pytest.fixture
def e_appeals(city):
    return CategoryFactory(city=city, slug="e", kind="e_appeal")


def test_fifteen_days_ending_on_a_weekend_end_on_the_next_working_day(calendar, e_appeals):
    # Friday 17 April 2026 + 15 days = Saturday 2 May; Monday 4 May is the next working day.
    term = initial_term(calendar, e_appeals, at(2026, 4, 17, 10))
    assert term.registered_on == date(2026, 4, 17)
    assert term.deadline == at(2026, 5, 4, 23, 59, 59, 999999)


def test_an_appeal_arriving_on_a_holiday_is_registered_on_the_next_working_day(calendar, e_appeals):
    # Sunday 8 March 2026 (Women's Day) → registered Monday 9 March; +15 = Tuesday 24 March.
    term = initial_term(calendar, e_appeals, at(2026, 3, 8, 12))
    assert term.registered_on == date(2026, 3, 9)
    assert term.deadline.date() == date(2026, 3, 24)


def test_the_evening_in_minsk_is_the_same_day_even_when_utc_says_otherwise(calendar, e_appeals):
    # 23:30 on Thursday 15 January 2026 in Minsk is 20:30 UTC: registered that Thursday.
    utc = datetime(2026, 1, 15, 20, 30, tzinfo=ZoneInfo("UTC"))
    assert initial_term(calendar, e_appeals, utc).registered_on == date(2026, 1, 15)
    # 23:30 on Friday 2 January is a public holiday in Belarus: registered Monday 5 January.
    utc = datetime(2026, 1, 2, 20, 30, tzinfo=ZoneInfo("UTC"))
    assert initial_term(calendar, e_appeals, utc).registered_on == date(2026, 1, 5)


def test_working_days_skip_the_transferred_monday(calendar, city):
    # 3 working days after Friday 17 April 2026: Monday 20 April is off by transfer and
    # Tuesday 21 April is Radunitsa, so Wednesday to Friday count.
    category = CategoryFactory(city=city, slug="w", service_time_value=3)
    term = initial_term(calendar, category, at(2026, 4, 17, 9))
    assert term.deadline.date() == date(2026, 4, 24)


def test_hours_run_on_the_clock(calendar, city):
    category = CategoryFactory(city=city, slug="h", service_time_value=4, service_time_unit="hours")
    submitted = at(2026, 4, 18, 22)  # a Saturday night: an open manhole does not wait
    assert initial_term(calendar, category, submitted).deadline == submitted + timedelta(hours=4)


def test_calendar_days_of_a_category_move_off_a_holiday(calendar, city):
    category = CategoryFactory(
        city=city, slug="c", service_time_value=4, service_time_unit="calendar_days"
    )
    # 4 days after Monday 29 June = Friday 3 July, a holiday → Monday 6 July.
    assert initial_term(calendar, category, at(2026, 6, 29, 9)).deadline.date() == date(2026, 7, 6)


def appeal_with(city, category, **values) -> Appeal:
    return Appeal(city=city, category=category, kind=category.kind, **values)


def test_one_month_ends_on_the_same_day_number_or_the_months_last_day(calendar, city, e_appeals):
    # From Saturday 31 January 2026: 28 February is a Saturday → Monday 2 March.
    appeal = appeal_with(city, e_appeals, term_start=date(2026, 1, 31))
    assert extended_deadline(calendar, appeal).date() == date(2026, 3, 2)


def test_redirection_is_due_within_five_working_days(calendar, city, e_appeals):
    # Registered Thursday 30 April 2026: 1 May holiday, weekend, then 4–8 May.
    appeal = appeal_with(city, e_appeals, registered_on=date(2026, 4, 30))
    assert notice_due(calendar, appeal) == date(2026, 5, 8)


@pytest.mark.parametrize(
    ("status", "deadline_in", "answered_in", "state"),
    [
        (Status.ASSIGNED, timedelta(days=3), None, DeadlineState.ON_TIME),
        (Status.ASSIGNED, timedelta(hours=5), None, DeadlineState.DUE_SOON),
        (Status.IN_PROGRESS, -timedelta(hours=1), None, DeadlineState.OVERDUE),
        (Status.ANSWERED, timedelta(days=1), timedelta(0), DeadlineState.MET),
        (Status.CLOSED, -timedelta(days=2), timedelta(0), DeadlineState.LATE),
        (Status.REJECTED, -timedelta(days=2), None, DeadlineState.MET),
    ],
)
def test_an_appeal_says_whether_it_is_due_soon_or_overdue(
    city, e_appeals, status, deadline_in, answered_in, state
):
    now = at(2026, 5, 12, 12)
    appeal = appeal_with(
        city,
        e_appeals,
        status=status,
        deadline=now + deadline_in,
        answered_at=now + answered_in if answered_in is not None else None,
    )
    assert deadline_state(appeal, now) == state
