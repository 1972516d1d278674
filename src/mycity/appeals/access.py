"""Permission-checked lookups of appeals: who sees what of an appeal.

An appeal a user may not see is "not found", never "forbidden", so its existence does
not leak."""

from enum import StrEnum
from typing import Any

from django.db.models import Prefetch, QuerySet, prefetch_related_objects

from mycity.accounts.models import RoleKind
from mycity.accounts.permissions import RULES, Action, may, roles_of
from mycity.appeals.errors import AppealNotFound
from mycity.appeals.models import Answer, Appeal, AppealEvent, Status
from mycity.cities.models import Organisation
from mycity.core.errors import NotFound


class Audience(StrEnum):
    PUBLIC = "public"  # anyone: no personal data
    APPLICANT = "applicant"  # the applicant: their own data and the visible events
    STAFF = "staff"  # those who handle it: everything


def is_handling_staff(user: Any, appeal: Appeal) -> bool:
    """Whether `user` handles this appeal now, and so may see the applicant's data:
    a dispatcher of its city, a moderator while it waits in moderation, or the
    executor of the organisation it is assigned to."""
    if may(user, Action.DISPATCH, appeal):
        return True
    if appeal.status == Status.MODERATION and may(user, Action.MODERATE, appeal):
        return True
    return appeal.organisation_id is not None and may(user, Action.EXECUTE, appeal)


def sees_applicant(user: Any, appeal: Appeal) -> bool:
    """Whether `user` may read who the applicant is (name, e-mail, phone, postal
    address, the organisation they write for, the extra fields they filled in, the
    notices written to them): the applicant, a dispatcher of its city, and the executor
    (or head) of the organisation it is assigned to. Never a moderator as moderator:
    moderation judges the public text and photos, not the person. Intake clerks and the
    personal-data officer read the applicant on their own pages (intake, requests)."""
    if getattr(user, "is_authenticated", False) and appeal.applicant_id == user.pk:
        return True
    if may(user, Action.DISPATCH, appeal):
        return True
    return appeal.organisation_id is not None and may(user, Action.EXECUTE, appeal)


def audience_of(user: Any, appeal: Appeal) -> Audience | None:
    """What `user` may see of `appeal`; None when nothing."""
    if is_handling_staff(user, appeal):
        return Audience.STAFF
    if getattr(user, "is_authenticated", False) and appeal.applicant_id == user.pk:
        return Audience.APPLICANT
    if appeal.is_public:
        return Audience.PUBLIC
    return None


# What a page of full appeals needs, in three queries whatever its length.
FULL_APPEAL_PREFETCH = (
    Prefetch("events", queryset=AppealEvent.objects.select_related("actor")),
    "files",
    Prefetch("answers", queryset=Answer.objects.select_related("organisation")),
)


def _appeals() -> QuerySet[Appeal]:
    return Appeal.objects.select_related(
        "city", "category", "organisation", "addressee", "building__street", "district", "applicant"
    ).defer("city__boundary", "district__boundary", "organisation__service_area")


def get_appeal_for(
    user: Any, appeal_id: int, *, for_update: bool = False
) -> tuple[Appeal, Audience]:
    """The appeal and what the user may see of it, or AppealNotFound."""
    appeals = _appeals().prefetch_related(*FULL_APPEAL_PREFETCH)
    if for_update:
        appeals = appeals.select_for_update(of=("self",))
    appeal = appeals.filter(pk=appeal_id).first()
    if appeal is None:
        raise AppealNotFound(field="appeal")
    audience = audience_of(user, appeal)
    if audience is None:
        raise AppealNotFound(field="appeal")
    return appeal, audience


def with_details(user: Any, appeal: Appeal) -> tuple[Appeal, Audience]:
    """An appeal just written, with its relations in memory, made ready to show like
    `get_appeal_for`'s, without reading the appeal again (a submission's answer)."""
    prefetch_related_objects([appeal], *FULL_APPEAL_PREFETCH)
    audience = audience_of(user, appeal)
    if audience is None:
        raise AppealNotFound(field="appeal")
    return appeal, audience


def get_own_appeal(user: Any, appeal_id: int) -> Appeal:
    """An appeal `user` filed, with its events, files and answers; else not found."""
    appeal = (
        _appeals()
        .prefetch_related(*FULL_APPEAL_PREFETCH)
        .filter(pk=appeal_id, applicant_id=getattr(user, "pk", None))
        .first()
    )
    if appeal is None or not getattr(user, "is_authenticated", False):
        raise AppealNotFound(field="appeal")
    return appeal


def get_appeal_to_handle(user: Any, appeal_id: int) -> Appeal:
    """An appeal the user handles as staff, or its applicant acts on; else not found."""
    appeal, audience = get_appeal_for(user, appeal_id)
    if audience == Audience.PUBLIC:
        raise AppealNotFound(field="appeal")
    return appeal


def get_organisation_to_link(user: Any, city_slug: str, organisation_slug: str) -> Organisation:
    """An organisation whose own system `user` may connect (Open311 out): the city
    administrator's, or the head's own; NotFound for any other (no existence leak)."""
    organisation = (
        Organisation.objects.select_related("city")
        .defer("service_area")
        .filter(city__slug=city_slug, slug=organisation_slug)
        .first()
    )
    if organisation is None or not may(user, Action.LINK_OWN_SYSTEM, organisation):
        raise NotFound()
    return organisation


LINKING_ROLES = RULES[Action.LINK_OWN_SYSTEM] | {RoleKind.PLATFORM_ADMIN}


def organisations_to_link(user: Any, city: Any) -> list[Organisation]:
    """The organisations of `city` whose own systems `user` may connect: all the
    executors for the city administrator, their own for a head. No query for others."""
    if not any(role.kind in LINKING_ROLES for role in roles_of(user)):
        return []
    executors = Organisation.objects.filter(
        city=city, kind=Organisation.Kind.EXECUTOR, is_active=True
    ).defer("service_area")
    return [
        o for o in executors.order_by("display_order", "pk") if may(user, Action.LINK_OWN_SYSTEM, o)
    ]
