"""Whether the console's header offers the person the committee's reports."""

from typing import Any

from django import template

from mycity.reports.access import reads_reports as _reads_reports

register = template.Library()


@register.simple_tag
def reads_reports(user: Any, city: Any) -> bool:
    """A city administrator, a dispatcher, or the head of one of the city's
    organisations (no query: the roles are loaded once per request)."""
    return _reads_reports(user, city)
