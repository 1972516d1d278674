"""Which days a reception rule falls on.

Sessions are held on working days of the city's calendar: a weekday rule skips public
holidays and transferred days off (Monday 20 April 2026 gives no Monday session). A
Saturday rule is a duty reception, held on a day off by design: it skips only the
public holidays. The rule only walks the weeks; whether a day works is the calendar
service's answer. A rule holds between its own dates, and a day the administrator has
cancelled for the official gives no session.
"""

from collections.abc import Collection, Iterator
from datetime import date, timedelta

from mycity.cities.calendar import WorkingCalendar
from mycity.reception.models import ReceptionRule, Repeat

DAYS_IN_WEEK = 7
SATURDAY = 5


def _occurrences(rule: ReceptionRule, first: date, last: date) -> Iterator[date]:
    # The first day on or after `first` that is the rule's weekday, then week by week.
    day = first + timedelta(days=(rule.weekday - first.weekday()) % DAYS_IN_WEEK)
    while day <= last:
        if rule.repeat == Repeat.WEEKLY or _is_nth_of_month(day, rule.week):
            yield day
        day += timedelta(days=DAYS_IN_WEEK)


def _is_nth_of_month(day: date, week: int | None) -> bool:
    if week == -1:
        return (day + timedelta(days=DAYS_IN_WEEK)).month != day.month
    return week is not None and (day.day - 1) // DAYS_IN_WEEK + 1 == week


def receives_on(calendar: WorkingCalendar, day: date) -> bool:
    """Whether a reception may be held on `day`: a working day, or a Saturday (the duty
    reception) that is not a public holiday."""
    if day.weekday() == SATURDAY:
        return calendar.holiday_name(day) is None and calendar.exceptions.get(day) is not False
    return calendar.is_working_day(day)


def reception_days(
    rule: ReceptionRule,
    calendar: WorkingCalendar,
    *,
    first: date,
    last: date,
    cancelled: Collection[date] = (),
) -> list[date]:
    """The days from `first` to `last` (both included) the rule falls on."""
    return [
        day
        for day in _occurrences(rule, first, last)
        if rule.holds_on(day) and day not in cancelled and receives_on(calendar, day)
    ]
