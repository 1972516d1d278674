"""Whether the console offers the webhooks pages to a person in a city."""

from typing import Any

from django import template

from mycity.webhooks.access import manages_all, organisations_managed

register = template.Library()


@register.simple_tag
def manages_webhooks(user: Any, city: Any) -> bool:
    if city is None or not getattr(user, "is_authenticated", False):
        return False
    return manages_all(user, city) or bool(organisations_managed(user, city))
