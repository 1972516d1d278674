"""What the console's header shows of the person: whether they write answer templates
in the city (unread notifications: notify_tags)."""

from typing import Any

from django import template

from mycity.accounts.models import ROLES_NEEDING_ORGANISATION, RoleKind
from mycity.accounts.permissions import Action, may, roles_of
from mycity.appeals.access import organisations_to_link

register = template.Library()


@register.simple_tag
def writes_answer_templates(user: Any, city: Any) -> bool:
    """A dispatcher of the city, or an executor of one of its organisations (no query:
    the roles are loaded once per request)."""
    if city is None or not getattr(user, "is_authenticated", False):
        return False
    if may(user, Action.DISPATCH, city):
        return True
    return any(
        role.kind in ROLES_NEEDING_ORGANISATION and role.city_id == city.pk
        for role in roles_of(user)
    )


@register.simple_tag
def edits_content(user: Any, city: Any) -> bool:
    """An editor of the city: the console shows them the notices."""
    return city is not None and may(user, Action.EDIT_CONTENT, city)


@register.simple_tag
def registers_appeals(user: Any, city: Any) -> bool:
    """An intake clerk (or a dispatcher) of the city: the console offers intake."""
    return city is not None and may(user, Action.REGISTER_APPEALS, city)


@register.simple_tag
def decides_on_appeals(user: Any, city: Any) -> bool:
    """The head of one of the city's organisations or an official the head authorised:
    who may answer many appeals by one publication (no query, as above)."""
    if city is None or not getattr(user, "is_authenticated", False):
        return False
    return any(
        role.kind in (RoleKind.HEAD, RoleKind.DECIDER) and role.city_id == city.pk
        for role in roles_of(user)
    ) or any(role.kind == RoleKind.PLATFORM_ADMIN for role in roles_of(user))


@register.simple_tag
def own_systems(user: Any, city: Any) -> list[Any]:
    """The organisations whose own Open311 system the user may connect (a head: their
    own; the city administrator: every executor)."""
    if city is None:
        return []
    return organisations_to_link(user, city)
