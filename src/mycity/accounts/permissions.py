"""The one answer to "may this user do X to this object?".

Every view, endpoint and service asks `may()` (or `require()`), so the rules
live here and nowhere else. A rule names the roles that grant an action; a role
grants it only inside its scope: a city role within its city, an executor's role
within its organisation, the platform administrator's everywhere.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from django.core.exceptions import PermissionDenied

from mycity.accounts.models import Role, RoleKind


class Action(StrEnum):
    USE_CONSOLE = "use_console"
    EDIT_CITY = "edit_city"  # organisations, districts, address registry
    EDIT_CALENDAR = "edit_calendar"
    GRANT_ROLES = "grant_roles"
    DISPATCH = "dispatch"  # route, accept, reject appeals city-wide
    EXECUTE = "execute"  # work appeals assigned to an organisation
    MODERATE = "moderate"
    EDIT_CONTENT = "edit_content"
    READ_AUDIT = "read_audit"
    REGISTER_APPEALS = "register_appeals"  # what arrived by post, phone, reception, …
    READ_REPORTS = "read_reports"  # the committee's figures on appeals
    CONTROL_APPEALS = "control_appeals"  # put on control, order sub-tasks
    HANDLE_PERSONAL_DATA = "handle_personal_data"  # residents' requests, incidents
    # Leave an appeal without consideration, stop correspondence, answer many appeals by
    # one publication: the head's decisions, or an official's the head authorised.
    DECIDE_ON_APPEALS = "decide_on_appeals"
    # Register the city's webhook endpoints (its administrator) or an organisation's
    # (its head).
    MANAGE_WEBHOOKS = "manage_webhooks"
    # Connect the organisation's own system (Open311 out): where its appeals are sent.
    LINK_OWN_SYSTEM = "link_own_system"


STAFF_ROLES = frozenset(RoleKind) - {RoleKind.RESIDENT}

RULES: dict[Action, frozenset[RoleKind]] = {
    Action.USE_CONSOLE: STAFF_ROLES,
    Action.EDIT_CITY: frozenset({RoleKind.CITY_ADMIN}),
    Action.EDIT_CALENDAR: frozenset({RoleKind.CITY_ADMIN}),
    Action.GRANT_ROLES: frozenset({RoleKind.CITY_ADMIN}),
    Action.DISPATCH: frozenset({RoleKind.DISPATCHER}),
    # An official the head authorised to decide works the organisation's appeals too.
    Action.EXECUTE: frozenset(
        {RoleKind.EXECUTOR, RoleKind.HEAD, RoleKind.DECIDER, RoleKind.DISPATCHER}
    ),
    Action.MODERATE: frozenset({RoleKind.MODERATOR}),
    Action.EDIT_CONTENT: frozenset({RoleKind.EDITOR}),
    Action.READ_AUDIT: frozenset({RoleKind.CITY_ADMIN}),
    Action.REGISTER_APPEALS: frozenset({RoleKind.INTAKE, RoleKind.DISPATCHER}),
    Action.READ_REPORTS: frozenset({RoleKind.CITY_ADMIN, RoleKind.DISPATCHER, RoleKind.HEAD}),
    Action.CONTROL_APPEALS: frozenset({RoleKind.DISPATCHER, RoleKind.HEAD}),
    Action.HANDLE_PERSONAL_DATA: frozenset({RoleKind.PRIVACY_OFFICER, RoleKind.CITY_ADMIN}),
    Action.DECIDE_ON_APPEALS: frozenset({RoleKind.HEAD, RoleKind.DECIDER}),
    Action.MANAGE_WEBHOOKS: frozenset({RoleKind.CITY_ADMIN, RoleKind.HEAD}),
    Action.LINK_OWN_SYSTEM: frozenset({RoleKind.CITY_ADMIN, RoleKind.HEAD}),
}


@dataclass(frozen=True)
class Scope:
    city_id: int | None
    organisation_id: int | None = None


def scope_of(target: Any) -> Scope:
    """The city and organisation a target belongs to (a City, an Organisation, or
    anything with `city_id` and optionally `organisation_id`)."""
    from mycity.cities.models import City, Organisation

    if isinstance(target, City):
        return Scope(city_id=target.pk)
    if isinstance(target, Organisation):
        return Scope(city_id=target.city_id, organisation_id=target.pk)
    if isinstance(target, Scope):
        return target
    return Scope(
        city_id=getattr(target, "city_id", None),
        organisation_id=getattr(target, "organisation_id", None),
    )


def roles_of(user: Any) -> list[Role]:
    """The user's roles, loaded once per user object."""
    if not getattr(user, "is_authenticated", False):
        return []
    cached = getattr(user, "_mycity_roles", None)
    if cached is None:
        cached = list(Role.objects.filter(user=user).select_related("city", "organisation"))
        user._mycity_roles = cached
    return cached


def confine_to_city(user: Any, city_id: int) -> None:
    """From now on, this user object acts only with its roles in one city (and the
    platform's): an API token issued for a city acts there and nowhere else."""
    user._mycity_roles = [role for role in roles_of(user) if role.city_id in (None, city_id)]


def _role_covers(role: Role, scope: Scope) -> bool:
    if role.kind == RoleKind.PLATFORM_ADMIN:
        return True
    if scope.city_id is None or role.city_id != scope.city_id:
        return False
    if role.organisation_id is not None:
        # An executor (or the head) acts only for its own organisation, and only on
        # what is assigned to it; city-wide targets are outside its scope.
        return scope.organisation_id == role.organisation_id
    return True


def may(user: Any, action: Action, target: Any) -> bool:
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return False
    granting = RULES[action] | {RoleKind.PLATFORM_ADMIN}
    scope = scope_of(target)
    return any(role.kind in granting and _role_covers(role, scope) for role in roles_of(user))


def require(user: Any, action: Action, target: Any) -> None:
    if not may(user, action, target):
        raise PermissionDenied(action.value)


def cities_where(user: Any, action: Action, cities: Iterable[Any]) -> list[Any]:
    return [city for city in cities if may(user, action, city)]
