"""The city administrator's API on people and roles: the same services as the console's
People page (`people_views`), for a city's own staff directory to call."""

from typing import cast

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.responses import Status

from mycity.accounts.invitations import invite_staff
from mycity.accounts.models import Role, RoleKind, User
from mycity.accounts.permissions import Action, may
from mycity.accounts.selectors import StaffMember, staff_member, staff_of
from mycity.accounts.services import grant_role, withdraw_role
from mycity.appeals.api import STAFF
from mycity.cities.models import City, Organisation
from mycity.cities.selectors import city_by_slug
from mycity.console.people import release_leaver
from mycity.core.errors import DomainError, NotFound

# A browser session, or a token with the `staff` scope whose person is the city's
# administrator now (roles are checked at each call, not when the token was made).
router = Router(tags=["people and roles"], auth=STAFF)


class RoleOut(Schema):
    id: int
    kind: RoleKind
    organisation: str | None = Field(description="The organisation's slug, for its roles.")


class StaffMemberOut(Schema):
    id: int
    email: str
    full_name: str
    is_active: bool
    second_factor: bool = Field(description="Whether TOTP is set up.")
    roles: list[RoleOut]


class RoleIn(Schema):
    kind: RoleKind
    organisation: str | None = Field(None, description="Slug; for executor, head, decider.")


class InvitationIn(RoleIn):
    email: str = Field(max_length=254)
    full_name: str = Field("", max_length=200)


class ReleaseOut(Schema):
    handed_over: list[str] = Field(description="Numbers of the appeals sent back to queues.")
    roles_withdrawn: int
    deactivated: bool


class UnknownOrganisation(DomainError):
    code = "unknown_organisation"


def _actor(request: HttpRequest) -> User:
    """The caller, by session or token (the token acts as its person)."""
    return cast(User, request.auth)  # type: ignore[attr-defined]


def _admin_city(request: HttpRequest, slug: str) -> City:
    """The city whose people the caller manages; a 404 for anyone else (no leak)."""
    city = city_by_slug(slug)
    if not may(_actor(request), Action.GRANT_ROLES, city):
        raise NotFound()
    return city


def _organisation(city: City, slug: str | None) -> Organisation | None:
    if not slug:
        return None
    found = Organisation.objects.filter(city=city, slug=slug, is_active=True).first()
    if found is None:
        raise UnknownOrganisation(_("Choose an organisation of this city."), field="organisation")
    return found


def _member_out(member: StaffMember) -> dict:
    return {
        "id": member.user.pk,
        "email": member.user.email,
        "full_name": member.user.full_name,
        "is_active": member.user.is_active,
        "second_factor": member.has_second_factor,
        "roles": [
            {
                "id": role.pk,
                "kind": role.kind,
                "organisation": role.organisation.slug if role.organisation else None,
            }
            for role in member.roles
        ],
    }


def _member(city: City, user_id: int) -> StaffMember:
    member = staff_member(city, user_id)
    if member is None:
        raise NotFound()
    return member


@router.get(
    "/{slug}/staff",
    response=list[StaffMemberOut],
    summary="Who holds which staff role in the city (city administrators)",
)
def list_staff(request: HttpRequest, slug: str) -> list[dict]:
    return [_member_out(member) for member in staff_of(_admin_city(request, slug))]


@router.post(
    "/{slug}/staff/invitations",
    response={201: StaffMemberOut},
    summary="Invite a member of staff by e-mail with a role; they get a set-password link",
)
def invite(request: HttpRequest, slug: str, payload: InvitationIn) -> Status[dict]:
    city = _admin_city(request, slug)
    invitation = invite_staff(
        actor=_actor(request),
        city=city,
        email=payload.email,
        full_name=payload.full_name,
        kind=payload.kind,
        organisation=_organisation(city, payload.organisation),
    )
    return Status(201, _member_out(_member(city, invitation.user.pk)))


@router.post(
    "/{slug}/staff/{user_id}/roles",
    response={201: StaffMemberOut},
    summary="Grant a member of staff another role in the city",
)
def grant(request: HttpRequest, slug: str, user_id: int, payload: RoleIn) -> Status[dict]:
    city = _admin_city(request, slug)
    member = _member(city, user_id)
    grant_role(
        actor=_actor(request),
        user=member.user,
        kind=payload.kind,
        city=city,
        organisation=_organisation(city, payload.organisation),
    )
    return Status(201, _member_out(_member(city, user_id)))


@router.delete(
    "/{slug}/staff/{user_id}/roles/{role_id}",
    response={204: None},
    summary="Withdraw a role",
)
def withdraw(request: HttpRequest, slug: str, user_id: int, role_id: int) -> Status[None]:
    city = _admin_city(request, slug)
    role = (
        Role.objects.filter(pk=role_id, user_id=user_id, city=city)
        .select_related("user", "city", "organisation")
        .first()
    )
    if role is None:
        raise NotFound()
    withdraw_role(actor=_actor(request), role=role)
    return Status(204, None)


@router.post(
    "/{slug}/staff/{user_id}/release",
    response={200: ReleaseOut},
    summary="Let a leaver go: appeals in their work back to the queues, roles withdrawn",
)
def release(request: HttpRequest, slug: str, user_id: int) -> dict:
    city = _admin_city(request, slug)
    member = _member(city, user_id)
    done = release_leaver(actor=_actor(request), city=city, leaver=member.user)
    return {
        "handed_over": [appeal.number for appeal in done.handed_over],
        "roles_withdrawn": done.roles_withdrawn,
        "deactivated": done.deactivated,
    }
