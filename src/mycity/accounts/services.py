"""Commands that change users and their roles."""

from typing import Any

from django.db import transaction

from mycity.accounts.errors import (
    AddressOutsideCity,
    RoleNotAllowed,
    RoleScopeInvalid,
)
from mycity.accounts.models import (
    ROLES_NEEDING_ORGANISATION,
    ROLES_WITHOUT_CITY,
    Role,
    RoleKind,
    User,
)
from mycity.accounts.permissions import Action, may
from mycity.cities.models import Building, City, Organisation
from mycity.core.audit import record_change
from mycity.core.models import SetupChange


def role_subject(role: Role) -> str:
    """A role as the audit trail names it: whose, which, where."""
    return f"{role.user.email}: {role}"


def role_values(role: Role) -> dict[str, Any]:
    return {
        "user": role.user.email,
        "role": role.kind,
        "organisation": role.organisation.slug if role.organisation else "",
    }


def _require_granting(actor: User | None, kind: str, city: City | None) -> None:
    if actor is None:
        return
    allowed = (
        kind != RoleKind.PLATFORM_ADMIN
        and city is not None
        and may(actor, Action.GRANT_ROLES, city)
    ) or any(role.kind == RoleKind.PLATFORM_ADMIN for role in actor.roles.all())
    if not allowed:
        raise RoleNotAllowed()


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
    if organisation is not None and not organisation.is_active:
        raise RoleScopeInvalid(field="organisation")
    _require_granting(actor, kind, city)
    with transaction.atomic():
        role, created = Role.objects.get_or_create(
            user=user,
            kind=kind,
            city=city,
            organisation=organisation,
            defaults={"granted_by": actor},
        )
        if created:
            record_change(
                actor=actor,
                city=city,
                action="role.granted",
                subject=role_subject(role),
                after=role_values(role),
            )
    user.__dict__.pop("_mycity_roles", None)
    return role


def withdraw_role(*, actor: User | None, role: Role) -> None:
    """Take a role away; the audit trail keeps what it was."""
    _require_granting(actor, role.kind, role.city)
    with transaction.atomic():
        record_change(
            actor=actor,
            city=role.city,
            action="role.withdrawn",
            subject=role_subject(role),
            before=role_values(role),
        )
        role.delete()
    role.user.__dict__.pop("_mycity_roles", None)


def made_for_staff(user: User) -> bool:
    """Whether the account was made by a staff invitation (not one the person had)."""
    return SetupChange.objects.filter(
        action="staff.invited", subject=user.email, after__new_account=True
    ).exists()


def closed_as_leaver(user: User) -> bool:
    """Whether the account's last closure was when its holder left the staff (not by the
    platform administrator, which only they may undo). The platform administrator's
    closure leaves no row, so a leaver's closure counts only if no invitation reopened
    the account after it: a later closure can then only be the platform's."""
    closed = (
        SetupChange.objects.filter(action="staff.deactivated", subject=user.email)
        .order_by("-created_at", "-pk")
        .values_list("created_at", flat=True)
        .first()
    )
    if closed is None:
        return False
    return not SetupChange.objects.filter(
        action="staff.invited", subject=user.email, created_at__gt=closed
    ).exists()


def deactivate_user(*, actor: User | None, user: User, city: City | None) -> bool:
    """Close the account of one who left, once no role is left to them anywhere: their
    sessions end at the next request (`is_active` is checked on every one). Returns
    whether the account was closed. One who still works in another city keeps it, and so
    does anyone whose account was not made by a staff invitation (a resident's, say):
    a city's administrator takes their roles, never their account."""
    with transaction.atomic():
        if Role.objects.filter(user=user).exists():
            return False
        if not made_for_staff(user):
            return False
        if not user.is_active:
            return True
        user.is_active = False
        user.save(update_fields=["is_active"])
        record_change(
            actor=actor,
            city=city,
            action="staff.deactivated",
            subject=user.email,
            before={"active": True},
            after={"active": False},
        )
    return True


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
