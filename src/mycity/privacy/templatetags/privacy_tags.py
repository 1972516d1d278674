"""What the console's header shows the personal-data officer."""

from typing import Any

from django import template

from mycity.accounts.permissions import Action, may

register = template.Library()


@register.simple_tag
def handles_personal_data(user: Any, city: Any) -> bool:
    """The city's personal-data officer (or its administrator): the console offers the
    requests and the incidents (no query: roles are loaded once per request)."""
    return city is not None and may(user, Action.HANDLE_PERSONAL_DATA, city)
