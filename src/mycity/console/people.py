"""The city administrator's commands on people: one who leaves is let go in one step."""

from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from mycity.accounts.models import Role, RoleKind, User
from mycity.accounts.permissions import Action, require
from mycity.accounts.services import deactivate_user, withdraw_role
from mycity.appeals.actions.handover import hand_over_work
from mycity.appeals.models import Appeal
from mycity.cities.models import City
from mycity.console.errors import InvalidInput
from mycity.core.audit import record_change


@dataclass(frozen=True)
class Release:
    handed_over: list[Appeal]
    roles_withdrawn: int
    deactivated: bool  # False: they still work in another city


@transaction.atomic
def release_leaver(*, actor: User, city: City, leaver: User) -> Release:
    """One who left the city's service: their appeals in work go back to their
    organisations' queues, their roles in the city are withdrawn, and their account is
    closed unless they still work elsewhere. All or nothing."""
    require(actor, Action.GRANT_ROLES, city)
    if leaver.pk == actor.pk:
        raise InvalidInput(_("You cannot let yourself go."), field="user")
    roles = list(
        Role.objects.filter(user=leaver, city=city)
        .exclude(kind=RoleKind.RESIDENT)
        .select_related("user", "city", "organisation")
    )
    if not roles:
        raise InvalidInput(_("This person holds no role in the city."), field="user")
    handed = hand_over_work(actor=actor, leaver=leaver, city=city)
    if handed:
        record_change(
            actor=actor,
            city=city,
            action="work.handed_over",
            subject=leaver.email,
            before={"in_work": [appeal.number for appeal in handed]},
            after={"queues": sorted({a.organisation.slug for a in handed if a.organisation})},
        )
    for role in roles:
        withdraw_role(actor=actor, role=role)
    deactivated = deactivate_user(actor=actor, user=leaver, city=city)
    return Release(handed_over=handed, roles_withdrawn=len(roles), deactivated=deactivated)
