"""The working-day calendar: the only place in mycity that does date arithmetic for terms.

Working days follow the Belarusian calendar of the `holidays` package (public
holidays, weekends, and the Council of Ministers' transfers of working days),
corrected by `CalendarDay` rows for the whole republic or for one city.
Holidays that fall on a weekend are not moved, as in Belarus.
"""

import calendar as std_calendar
import functools
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import holidays
from django.db.models import Q
from django.utils.translation import gettext

from mycity.cities.models import CalendarDay, City

COUNTRY = "BY"
# No term in the law is longer than a few months; this bounds every search loop.
_MAX_SCAN_DAYS = 3660


@functools.lru_cache(maxsize=8)
def _national_holidays(first_year: int, last_year: int) -> holidays.HolidayBase:
    return holidays.country_holidays(COUNTRY, years=range(first_year, last_year + 1))


# The `holidays` package names Belarusian holidays in these languages.
_HOLIDAY_LANGUAGES = {"ru": "ru", "be": "be", "en": "en_US"}


@functools.lru_cache(maxsize=32)
def _holiday_names(year: int, language: str) -> holidays.HolidayBase:
    return holidays.country_holidays(
        COUNTRY, years=year, language=_HOLIDAY_LANGUAGES.get(language, "ru")
    )


@dataclass(frozen=True)
class SpecialDay:
    """A day that is not what its weekday suggests: a weekday off or a worked weekend day."""

    day: date
    is_working: bool
    name: str


@dataclass
class WorkingCalendar:
    """A city's calendar; build it with `calendar_for(city)`."""

    timezone: ZoneInfo
    exceptions: dict[date, bool] = field(default_factory=dict)
    exception_notes: dict[date, str] = field(default_factory=dict)

    def is_working_day(self, day: date) -> bool:
        if day in self.exceptions:
            return self.exceptions[day]
        national = _national_holidays(day.year - 1, day.year + 1)
        return bool(national.is_working_day(day))

    def holiday_name(self, day: date, language: str = "ru") -> str | None:
        return _holiday_names(day.year, language).get(day)

    def special_days(self, year: int, language: str = "ru") -> list[SpecialDay]:
        """Every day of `year` that breaks the Monday-to-Friday week, with its name."""
        found = []
        day = date(year, 1, 1)
        while day.year == year:
            working = self.is_working_day(day)
            if working != (day.weekday() < 5):
                name = (
                    self.exception_notes.get(day)
                    or self.holiday_name(day, language)
                    or (gettext("Working day by transfer") if working else "")
                )
                found.append(SpecialDay(day=day, is_working=working, name=name))
            day += timedelta(days=1)
        return found

    def next_working_day(self, day: date) -> date:
        """`day` itself when it is a working day, else the first working day after it."""
        for _ in range(_MAX_SCAN_DAYS):
            if self.is_working_day(day):
                return day
            day += timedelta(days=1)
        raise ValueError("no working day within ten years")

    def add_working_days(self, start: date, days: int) -> date:
        """The `days`-th working day after `start` (start itself is not counted)."""
        if days < 0:
            raise ValueError("days must not be negative")
        current = start
        remaining = days
        for _ in range(_MAX_SCAN_DAYS):
            if remaining == 0:
                return current
            current += timedelta(days=1)
            if self.is_working_day(current):
                remaining -= 1
        raise ValueError("term too long")

    def add_calendar_days(self, start: date, days: int) -> date:
        """`start` + `days` calendar days, moved to the next working day if it is not one."""
        if days < 0:
            raise ValueError("days must not be negative")
        return self.next_working_day(start + timedelta(days=days))

    def add_months(self, start: date, months: int) -> date:
        """The same day-number `months` later (the month's last day if it has no such day),
        moved to the next working day when it is not one."""
        if months < 0:
            raise ValueError("months must not be negative")
        month_index = start.month - 1 + months
        year, month = start.year + month_index // 12, month_index % 12 + 1
        last_day = std_calendar.monthrange(year, month)[1]
        return self.next_working_day(date(year, month, min(start.day, last_day)))

    def months_before(self, day: date, months: int) -> date:
        """The same day-number `months` earlier (the month's last day if it has no such
        day), not moved: the start of a look-back window, not a term."""
        if months < 0:
            raise ValueError("months must not be negative")
        month_index = day.year * 12 + day.month - 1 - months
        year, month = month_index // 12, month_index % 12 + 1
        return date(year, month, min(day.day, std_calendar.monthrange(year, month)[1]))

    def working_days_between(self, start: date, end: date) -> int:
        """Working days after `start` up to and including `end` (negative when `end` is earlier)."""
        if end < start:
            return -self.working_days_between(end, start)
        count = 0
        day = start
        while day < end:
            day += timedelta(days=1)
            count += self.is_working_day(day)
        return count

    def local_date(self, moment: datetime) -> date:
        return moment.astimezone(self.timezone).date()

    def registration_date(self, arrived_at: datetime) -> date:
        """The day an appeal is registered: its day of arrival in the city's time zone,
        or the next working day when it arrived on a non-working day."""
        return self.next_working_day(self.local_date(arrived_at))


def calendar_for(city: City) -> WorkingCalendar:
    """The city's calendar, with national and city exceptions (one query)."""
    rows = CalendarDay.objects.filter(Q(city__isnull=True) | Q(city=city)).values_list(
        "date", "is_working", "note", "city_id"
    )
    exceptions: dict[date, bool] = {}
    notes: dict[date, str] = {}
    # National rows first, so a city's own row for the same day wins.
    for day, is_working, note, _city_id in sorted(rows, key=lambda row: row[3] is not None):
        exceptions[day] = is_working
        notes[day] = note
    return WorkingCalendar(
        timezone=ZoneInfo(city.timezone), exceptions=exceptions, exception_notes=notes
    )
