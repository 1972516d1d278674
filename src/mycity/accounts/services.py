"""Commands that change users and their roles."""

from typing import Any

from django.db import transaction

from mycity.accounts.errors import AddressOutsideCity, RoleNotAllowed, RoleScopeInvalid
from mycity.accounts.models import (
    ROLES_NEEDING_ORGANISATION,
    ROLES_WITHOUT_CITY,
    Role,
    RoleKind,
    User,
)
from mycity.accounts.permissions import Action, may
from mycity.cities.models import Building, City, Organisation


def grant_role(
    *,
    actor: User | None,
    user: User,
    kind: RoleKind,
    city: City | None = None,
    organisation: Organisation | None = None,
) -> Role:
    """Give `user` a role; `actor` None means the platform itself (demo loader, shell)."""
    if organisation is not None:
        city = organisation.city
    if kind in ROLES_WITHOUT_CITY and (city or organisation):
        raise RoleScopeInvalid(field="city")
    if kind not in ROLES_WITHOUT_CITY and city is None:
        raise RoleScopeInvalid(field="city")
    if (kind in ROLES_NEEDING_ORGANISATION) != (organisation is not None):
        raise RoleScopeInvalid(field="organisation")
    if actor is not None:
        allowed = (
            kind != RoleKind.PLATFORM_ADMIN
            and city is not None
            and may(actor, Action.GRANT_ROLES, city)
        ) or any(role.kind == RoleKind.PLATFORM_ADMIN for role in actor.roles.all())
        if not allowed:
            raise RoleNotAllowed()
    with transaction.atomic():
        role, _created = Role.objects.get_or_create(
            user=user,
            kind=kind,
            city=city,
            organisation=organisation,
            defaults={"granted_by": actor},
        )
    user.__dict__.pop("_mycity_roles", None)
    return role


def update_personal_settings(
    *,
    user: User,
    language: str | None = None,
    home_city: City | None = None,
    home_building: Building | None = None,
    full_name: str | None = None,
) -> User:
    changed: list[str] = []
    updates: dict[str, Any] = {}
    if language is not None:
        updates["language"] = language
    if full_name is not None:
        updates["full_name"] = full_name.strip()
    if home_city is not None:
        updates["home_city"] = home_city
        if (
            user.home_building_id
            and user.home_building
            and user.home_building.city_id != home_city.pk
        ):
            updates["home_building"] = None
    if home_building is not None:
        city = updates.get("home_city") or user.home_city
        if city is not None and home_building.city_id != city.pk:
            raise AddressOutsideCity(field="home_building")
        updates["home_building"] = home_building
        updates.setdefault("home_city", home_building.city)
    for name, value in updates.items():
        if getattr(user, name) != value:
            setattr(user, name, value)
            changed.append(name)
    if changed:
        user.save(update_fields=changed)
    return user
