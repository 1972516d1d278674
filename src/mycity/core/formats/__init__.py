"""Dates and times per language from CLDR (through Babel), as Django's format modules.

Django ships no formats for Belarusian and American ones for English, so Belarusian
and English pages read "12/09/2026 7 папаўдні". `FORMAT_MODULE_PATH` points here; each
language's module takes its patterns from CLDR and turns them into Django's format
characters. What a person types is still read by Django's input formats (Russian, British English).
"""

from typing import Any

from babel import Locale
from babel.dates import (
    format_skeleton,
    format_time,
    get_date_format,
    get_datetime_format,
    get_day_names,
    get_time_format,
    tokenize_pattern,
)

# The CLDR locale of each language of the site. English is British: day before month
# and a 24-hour clock, as English readers in Europe expect.
CLDR_LOCALES = {"ru": "ru_BY", "be": "be_BY", "en": "en_GB"}

# CLDR's pattern fields (letter, width) as Django's format characters.
_FIELDS = {
    ("y", 1): "Y",
    ("y", 2): "y",
    ("y", 4): "Y",
    ("M", 1): "n",
    ("M", 2): "m",
    ("M", 3): "N",
    ("M", 4): "E",  # the month's name as a date says it (genitive in ru and be)
    ("L", 1): "n",
    ("L", 2): "m",
    ("L", 4): "F",  # the month's name on its own
    ("d", 1): "j",
    ("d", 2): "d",
    ("E", 1): "D",
    ("E", 2): "D",
    ("E", 3): "D",
    ("E", 4): "l",
    ("c", 4): "l",
    ("H", 1): "G",
    ("H", 2): "H",
    ("h", 1): "g",
    ("h", 2): "h",
    ("m", 1): "i",
    ("m", 2): "i",
    ("s", 1): "s",
    ("s", 2): "s",
    ("a", 1): "A",
}

# schema.org's day codes (opening hours) in CLDR's order, Monday first.
DAY_CODES = ("Mo", "Tu", "We", "Th", "Fr", "Sa", "Su")


def django_format(pattern: str, *, full_years: bool = False) -> str:
    """A CLDR date or time pattern as a Django format string; `full_years` writes a
    two-digit year with four digits (CLDR's short Belarusian date has two; dates of
    a register need four)."""
    out = []
    for kind, value in tokenize_pattern(pattern):
        if kind == "chars":
            out.append("".join(f"\\{c}" if c.isalpha() else c for c in str(value)))
        elif full_years and value == ("y", 2):
            out.append("Y")
        elif value in _FIELDS:
            out.append(_FIELDS[value])
        else:
            raise ValueError(f"no Django format for the CLDR field {value!r} in {pattern!r}")
    return "".join(out)


def django_formats(language: str) -> dict[str, Any]:
    """The values of a Django format module for `language`, from CLDR."""
    locale = Locale.parse(CLDR_LOCALES[language])
    short_date = get_date_format("short", locale).pattern
    long_date = get_date_format("long", locale).pattern
    time = get_time_format("short", locale).pattern
    both = str(get_datetime_format("medium", locale))
    both_short = str(get_datetime_format("short", locale))
    return {
        "DATE_FORMAT": django_format(long_date),
        "SHORT_DATE_FORMAT": django_format(short_date, full_years=True),
        "TIME_FORMAT": django_format(time),
        "DATETIME_FORMAT": django_format(both.replace("{1}", long_date).replace("{0}", time)),
        "SHORT_DATETIME_FORMAT": django_format(
            both_short.replace("{1}", short_date).replace("{0}", time), full_years=True
        ),
        "MONTH_DAY_FORMAT": django_format(locale.datetime_skeletons["MMMMd"].pattern),
        "YEAR_MONTH_FORMAT": django_format(locale.datetime_skeletons["yMMMM"].pattern),
        # CLDR counts from Monday (0), Django from Sunday (0).
        "FIRST_DAY_OF_WEEK": (locale.first_week_day + 1) % 7,
    }


def weekday_names(codes: list[str], language: str) -> list[str]:
    """schema.org day codes ("Tu") as the language abbreviates weekdays ("вт", "аў")."""
    names = get_day_names("abbreviated", locale=CLDR_LOCALES.get(language, "ru_BY"))
    return [names[DAY_CODES.index(code)] if code in DAY_CODES else code for code in codes]


def local_moment(value: Any, language: str) -> str:
    """A moment as a date with the month's name and a time ("6 сакавіка 2027 г., 19:00"):
    Django's Belarusian catalogue lacks the months' genitive, CLDR has it."""
    locale = CLDR_LOCALES.get(language, "ru_BY")
    day = format_skeleton("yMMMMd", value, locale=locale)
    time = format_time(value, "short", locale=locale)
    both = str(get_datetime_format("medium", locale))
    return both.replace("{1}", day).replace("{0}", time)


def local_date(value: Any, skeleton: str, language: str) -> str:
    """A date by a CLDR skeleton ("MMMMEEEEd": the weekday, the day and the month's
    name), in the language's own words and order."""
    return format_skeleton(skeleton, value, locale=CLDR_LOCALES.get(language, "ru_BY"))
