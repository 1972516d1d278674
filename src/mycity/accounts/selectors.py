from dataclasses import dataclass

from allauth.mfa.models import Authenticator

from mycity.accounts.models import Role, RoleKind, User
from mycity.cities.models import City


def saved_language_of(*, user_id: int | str) -> str:
    return User.objects.filter(pk=user_id).values_list("language", flat=True).first() or ""


@dataclass(frozen=True)
class StaffMember:
    user: User
    roles: list[Role]
    has_second_factor: bool


def staff_of(city: City) -> list[StaffMember]:
    """Who holds which staff role in the city, by e-mail; two queries."""
    roles = list(
        Role.objects.filter(city=city)
        .exclude(kind=RoleKind.RESIDENT)
        .select_related("user", "organisation")
        .order_by("user__email", "kind", "organisation__name_ru")
    )
    by_user: dict[int, list[Role]] = {}
    for role in roles:
        by_user.setdefault(role.user_id, []).append(role)
    with_totp = set(
        Authenticator.objects.filter(
            user_id__in=list(by_user), type=Authenticator.Type.TOTP
        ).values_list("user_id", flat=True)
    )
    return [
        StaffMember(user=held[0].user, roles=held, has_second_factor=user_id in with_totp)
        for user_id, held in by_user.items()
    ]


def staff_member(city: City, user_id: int) -> StaffMember | None:
    """One person with a staff role in the city, or None."""
    roles = list(
        Role.objects.filter(city=city, user_id=user_id)
        .exclude(kind=RoleKind.RESIDENT)
        .select_related("user", "organisation")
        .order_by("kind", "organisation__name_ru")
    )
    if not roles:
        return None
    user = roles[0].user
    totp = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
    return StaffMember(user=user, roles=roles, has_second_factor=totp)
