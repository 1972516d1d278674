"""The terms of sub-tasks. Which of the calendar's rules applies lives here; the
arithmetic (and moving a last day off a holiday) lives in the calendar service."""

from datetime import date

from mycity.cities.calendar import WorkingCalendar
from mycity.control.models import SubtaskKind

REQUEST_TERM_DAYS = 15  # calendar days the asked organisation has to answer
ORDER_TERM_MONTHS = 1  # an order of a higher body is done within a month
ORDER_REPORT_WORKING_DAYS = 3  # and the body is told within three working days
# Reminders go this many working days before a term.
REMIND_BEFORE = (3, 1)


def subtask_due(calendar: WorkingCalendar, kind: str, started_on: date) -> date:
    if kind == SubtaskKind.REQUEST:
        return calendar.add_calendar_days(started_on, REQUEST_TERM_DAYS)
    return calendar.add_months(started_on, ORDER_TERM_MONTHS)


def report_due(calendar: WorkingCalendar, done_on: date) -> date:
    return calendar.add_working_days(done_on, ORDER_REPORT_WORKING_DAYS)
