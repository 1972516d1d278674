"""The terms of sub-tasks, around the holidays and transfers of 2025–2026. Each expected
day is first checked against the calendar itself, so the rule (a term ending on a
non-working day ends on the next working day) is what is asserted."""

from datetime import date

import pytest

from mycity.cities.calendar import calendar_for
from mycity.control.models import SubtaskKind
from mycity.control.terms import report_due, subtask_due

pytestmark = pytest.mark.django_db


@pytest.fixture
def calendar(city):
    return calendar_for(city)


def test_a_request_due_on_a_saturday_after_may_day_moves_to_monday(calendar):
    # 17 April 2026 + 15 days = Saturday 2 May; 1 May is a holiday, 3 May a Sunday.
    assert date(2026, 5, 2).weekday() == 5
    assert not calendar.is_working_day(date(2026, 5, 2))
    assert not calendar.is_working_day(date(2026, 5, 3))
    assert calendar.is_working_day(date(2026, 5, 4))
    assert subtask_due(calendar, SubtaskKind.REQUEST, date(2026, 4, 17)) == date(2026, 5, 4)


def test_a_request_due_on_the_november_holiday_moves_to_the_next_working_day(calendar):
    # 23 October 2025 + 15 days = Friday 7 November 2025, October Revolution Day.
    assert not calendar.is_working_day(date(2025, 11, 7))
    assert calendar.is_working_day(date(2025, 11, 10))
    assert subtask_due(calendar, SubtaskKind.REQUEST, date(2025, 10, 23)) == date(2025, 11, 10)


def test_a_request_due_on_orthodox_christmas_moves_to_the_next_day(calendar):
    # 23 December 2025 + 15 days = 7 January 2026, a holiday; 8 January is working.
    assert not calendar.is_working_day(date(2026, 1, 7))
    assert calendar.is_working_day(date(2026, 1, 8))
    assert subtask_due(calendar, SubtaskKind.REQUEST, date(2025, 12, 23)) == date(2026, 1, 8)


def test_a_request_due_on_a_working_day_stays(calendar):
    # 2 April 2026 + 15 days = Friday 17 April.
    assert calendar.is_working_day(date(2026, 4, 17))
    assert subtask_due(calendar, SubtaskKind.REQUEST, date(2026, 4, 2)) == date(2026, 4, 17)


def test_an_order_of_31_january_ends_on_the_last_of_february_moved_off_the_weekend(calendar):
    # February 2026 has no 31st: its last day, Saturday 28th; then Sunday 1 March.
    assert date(2026, 2, 28).weekday() == 5
    assert calendar.is_working_day(date(2026, 3, 2))
    assert subtask_due(calendar, SubtaskKind.ORDER, date(2026, 1, 31)) == date(2026, 3, 2)


def test_an_order_due_on_womens_day_sunday_ends_on_monday(calendar):
    # 8 March 2026 is a Sunday holiday, not moved: the next working day is 9 March.
    assert not calendar.is_working_day(date(2026, 3, 8))
    assert calendar.is_working_day(date(2026, 3, 9))
    assert subtask_due(calendar, SubtaskKind.ORDER, date(2026, 2, 8)) == date(2026, 3, 9)


def test_the_report_on_an_order_is_due_three_working_days_over_radunitsa(calendar):
    # Done on Friday 17 April 2026: 18–19 weekend, 20 April off by transfer,
    # 21 April Radunitsa; the working days after are 22, 23 and 24 April.
    for day in (18, 19, 20, 21):
        assert not calendar.is_working_day(date(2026, 4, day))
    assert report_due(calendar, date(2026, 4, 17)) == date(2026, 4, 24)


def test_the_worked_saturday_counts_towards_the_report(calendar):
    # Done on Thursday 23 April 2026: 24 (Fri), 25 (Saturday, worked by transfer), 27.
    assert calendar.is_working_day(date(2026, 4, 25))
    assert report_due(calendar, date(2026, 4, 23)) == date(2026, 4, 27)
