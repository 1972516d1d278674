"""Dates and weekday names in the page's language from CLDR (`mycity.core.formats`)."""

from typing import Any

from django import template
from django.utils import timezone
from django.utils.translation import get_language

from mycity.core.formats import local_date as _local_date
from mycity.core.formats import local_moment as _local_moment
from mycity.core.formats import weekday_names

register = template.Library()


@register.filter
def weekdays(codes: list[str]) -> str:
    """schema.org day codes ("Tu", "We") as the language abbreviates them."""
    return ", ".join(weekday_names(list(codes), get_language() or "ru"))


@register.filter
def local_date(value: Any, skeleton: str = "yMMMMd") -> str:
    """A date or a moment (in the current time zone) by a CLDR skeleton."""
    if value in (None, ""):
        return ""
    if hasattr(value, "tzinfo") and timezone.is_aware(value):
        value = timezone.localtime(value)
    return _local_date(value, skeleton, get_language() or "ru")


@register.filter
def local_moment(value: Any) -> str:
    """A moment (in the current time zone) as a date with the month's name and a time."""
    if value in (None, ""):
        return ""
    return _local_moment(timezone.localtime(value), get_language() or "ru")
