"""An appeal's term, from its category or the law, counted by the city's calendar.

All date arithmetic goes through `mycity.cities.calendar`; this module only chooses
which of its answers applies and turns a last day into a moment.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum

from mycity.appeals.models import CLOSED_STATUSES, Appeal, AppealKind, Category, Status, TimeUnit
from mycity.cities.calendar import WorkingCalendar

E_APPEAL_TERM_DAYS = 15  # art. 17: fifteen days, one month when more study is needed
# Redirection and its notice (300-З, art. 10), the notice of leaving without
# consideration (art. 15): within 5 working days of registration.
NOTICE_TERM_WORKING_DAYS = 5


def end_of_day(calendar: WorkingCalendar, day: date) -> datetime:
    """The last moment of `day` in the city's time zone."""
    return datetime.combine(day, time.max, tzinfo=calendar.timezone)


@dataclass(frozen=True)
class Term:
    registered_on: date
    deadline: datetime


def initial_term(calendar: WorkingCalendar, category: Category, submitted_at: datetime) -> Term:
    registered_on = calendar.registration_date(submitted_at)
    if category.kind == AppealKind.E_APPEAL:
        last_day = calendar.add_calendar_days(registered_on, E_APPEAL_TERM_DAYS)
        return Term(registered_on, end_of_day(calendar, last_day))
    value = category.service_time_value
    if category.service_time_unit == TimeUnit.HOURS:
        return Term(registered_on, submitted_at + timedelta(hours=value))
    if category.service_time_unit == TimeUnit.CALENDAR_DAYS:
        last_day = calendar.add_calendar_days(registered_on, value)
    else:
        last_day = calendar.add_working_days(registered_on, value)
    return Term(registered_on, end_of_day(calendar, last_day))


def extended_deadline(
    calendar: WorkingCalendar, appeal: Appeal, *, working_days: int | None = None
) -> datetime:
    """An e-appeal's term of one month; a problem report's term plus `working_days`."""
    if appeal.kind == AppealKind.E_APPEAL:
        return end_of_day(calendar, calendar.add_months(appeal.term_start, 1))
    base = calendar.local_date(appeal.deadline)
    return end_of_day(calendar, calendar.add_working_days(base, working_days or 0))


def notice_due(calendar: WorkingCalendar, appeal: Appeal) -> date:
    """The last day to redirect the appeal or tell the applicant it is left without
    consideration."""
    return calendar.add_working_days(appeal.registered_on, NOTICE_TERM_WORKING_DAYS)


class DeadlineState(StrEnum):
    ON_TIME = "on_time"
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"
    MET = "met"  # answered within the term
    LATE = "late"  # answered after the term


FINISHED = CLOSED_STATUSES
DUE_SOON = timedelta(hours=24)


def deadline_state(appeal: Appeal, now: datetime) -> DeadlineState:
    if appeal.answered_at is not None and appeal.status in (Status.ANSWERED, Status.CLOSED):
        return DeadlineState.MET if appeal.answered_at <= appeal.deadline else DeadlineState.LATE
    if appeal.status in FINISHED:
        return DeadlineState.MET
    if now > appeal.deadline:
        return DeadlineState.OVERDUE
    if appeal.deadline - now <= DUE_SOON:
        return DeadlineState.DUE_SOON
    return DeadlineState.ON_TIME
