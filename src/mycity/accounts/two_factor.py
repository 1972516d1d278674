"""Two factors for staff who see residents' personal data: a password alone is not
enough to open an applicant's name and address."""

from typing import Any

from allauth.mfa.models import Authenticator
from django.conf import settings

from mycity.accounts.models import RoleKind
from mycity.accounts.permissions import roles_of

# The roles that open applicants' personal data (the moderator and the editor see
# reports without it).
PERSONAL_DATA_ROLES = frozenset(
    {
        RoleKind.DISPATCHER,
        RoleKind.EXECUTOR,
        RoleKind.HEAD,
        RoleKind.DECIDER,
        RoleKind.INTAKE,
        RoleKind.PRIVACY_OFFICER,
        RoleKind.CITY_ADMIN,
        RoleKind.PLATFORM_ADMIN,
    }
)


def needs_second_factor(user: Any) -> bool:
    """Whether one of the user's roles sees personal data."""
    return any(role.kind in PERSONAL_DATA_ROLES for role in roles_of(user))


def has_second_factor(user: Any) -> bool:
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def must_add_second_factor(user: Any) -> bool:
    """Whether the user may not work until they set up TOTP (STAFF_TWO_FACTOR, on
    everywhere but the demo, whose people sign in with one click)."""
    return (
        settings.STAFF_TWO_FACTOR
        and getattr(user, "is_authenticated", False)
        and needs_second_factor(user)
        and not has_second_factor(user)
    )
