"""What a page's header shows of the person's notifications."""

from typing import Any

from django import template

from mycity.notify.selectors import unread_count

register = template.Library()


@register.simple_tag
def unread_notifications(user: Any) -> int:
    """How many in-app notifications the person has not read (one query)."""
    if not getattr(user, "is_authenticated", False):
        return 0
    return unread_count(user)
