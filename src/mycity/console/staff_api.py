"""The city administrator's API on people and roles: the same services as the console's
People page (`people_views`), for a city's own staff directory to call."""

from datetime import datetime
from typing import Literal

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.responses import Status

from mycity.accounts.models import InvitationStatus, Role, RoleKind, StaffInvitation
from mycity.accounts.permissions import Action
from mycity.accounts.selectors import StaffMember, staff_member, staff_of
from mycity.accounts.services import grant_role, withdraw_role
from mycity.appeals.api import SIGNED_IN, STAFF
from mycity.cities.models import City, Organisation
from mycity.console.api_access import admin_city, caller
from mycity.console.people import release_leaver
from mycity.core.api_contract import errors
from mycity.core.api_formats import RowId
from mycity.core.errors import DomainError, NotFound
from mycity.setup.invitations import (
    answer_invitation,
    invitations_of,
    invite_staff,
    pending_invitations,
)

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


class InvitationOut(Schema):
    id: int
    email: str
    kind: RoleKind
    organisation: str | None = Field(description="The organisation's slug, for its roles.")
    status: InvitationStatus | Literal["expired"] = Field(
        description="`pending` until the person answers; `expired` when they did not in time."
    )
    created_at: datetime
    expires_at: datetime
    answered_at: datetime | None


class ReleaseOut(Schema):
    handed_over: list[str] = Field(description="Numbers of the appeals sent back to queues.")
    roles_withdrawn: int
    deactivated: bool


class UnknownOrganisation(DomainError):
    code = "unknown_organisation"


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
    city = admin_city(request, slug, Action.GRANT_ROLES)
    return [_member_out(member) for member in staff_of(city)]


def _invitation_out(invitation: StaffInvitation) -> dict:
    return {
        "id": invitation.pk,
        "email": invitation.user.email,
        "kind": invitation.kind,
        "organisation": invitation.organisation.slug if invitation.organisation else None,
        "status": "expired" if invitation.has_expired() else invitation.status,
        "created_at": invitation.created_at,
        "expires_at": invitation.expires_at,
        "answered_at": invitation.answered_at,
    }


@router.post(
    "/{slug}/staff/invitations",
    response={201: StaffMemberOut, 202: InvitationOut},
    summary="Invite a member of staff by e-mail with a role",
    description="A new account gets the role at once and a set-password link (201). "
    "An existing account is asked to accept the role when signed in (202): the role is "
    "granted only on acceptance, and the invitation expires unanswered.",
)
def invite(request: HttpRequest, slug: str, payload: InvitationIn) -> Status[dict]:
    city = admin_city(request, slug, Action.GRANT_ROLES)
    invitation = invite_staff(
        actor=caller(request),
        city=city,
        email=payload.email,
        full_name=payload.full_name,
        kind=payload.kind,
        organisation=_organisation(city, payload.organisation),
    )
    if invitation.pending:
        return Status(202, _invitation_out(invitation.invitation))
    return Status(201, _member_out(_member(city, invitation.user.pk)))


@router.get(
    "/{slug}/staff/invitations",
    response=list[InvitationOut],
    auth=STAFF,
    summary="The city's staff invitations: pending, accepted, declined or expired",
)
def list_invitations(request: HttpRequest, slug: str) -> list[dict]:
    city = admin_city(request, slug, Action.GRANT_ROLES)
    return [_invitation_out(i) for i in invitations_of(city)]


@router.post(
    "/{slug}/staff/{user_id}/roles",
    response={201: StaffMemberOut},
    summary="Grant a member of staff another role in the city",
)
def grant(request: HttpRequest, slug: str, user_id: int, payload: RoleIn) -> Status[dict]:
    city = admin_city(request, slug, Action.GRANT_ROLES)
    member = _member(city, user_id)
    grant_role(
        actor=caller(request),
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
    city = admin_city(request, slug, Action.GRANT_ROLES)
    role = (
        Role.objects.filter(pk=role_id, user_id=user_id, city=city)
        .select_related("user", "city", "organisation")
        .first()
    )
    if role is None:
        raise NotFound()
    withdraw_role(actor=caller(request), role=role)
    return Status(204, None)


@router.post(
    "/{slug}/staff/{user_id}/release",
    response={200: ReleaseOut},
    summary="Let a leaver go: appeals in their work back to the queues, roles withdrawn",
)
def release(request: HttpRequest, slug: str, user_id: int) -> dict:
    city = admin_city(request, slug, Action.GRANT_ROLES)
    member = _member(city, user_id)
    done = release_leaver(actor=caller(request), city=city, leaver=member.user)
    return {
        "handed_over": [appeal.number for appeal in done.handed_over],
        "roles_withdrawn": done.roles_withdrawn,
        "deactivated": done.deactivated,
    }


# The invited person's side: their own pending invitations, accepted or declined.
me_router = Router(tags=["people and roles"])


class MyInvitationOut(Schema):
    id: int
    city: str = Field(description="The city's slug.")
    kind: RoleKind
    organisation: str | None = Field(description="The organisation's slug, for its roles.")
    expires_at: datetime


def _my_invitation_out(invitation: StaffInvitation) -> dict:
    return {
        "id": invitation.pk,
        "city": invitation.city.slug,
        "kind": invitation.kind,
        "organisation": invitation.organisation.slug if invitation.organisation else None,
        "expires_at": invitation.expires_at,
    }


def _confined_city(request: HttpRequest) -> int | None:
    """A token answers only its own city's invitations; a browser session answers all."""
    client = getattr(request, "api_client", None)
    return client.city_id if client is not None else None


@me_router.get(
    "",
    response=list[MyInvitationOut],
    auth=SIGNED_IN,
    summary="My invitations to a city's staff that await my answer",
)
def my_invitations(request: HttpRequest) -> list[dict]:
    pending = pending_invitations(caller(request), city_id=_confined_city(request))
    return [_my_invitation_out(i) for i in pending]


@me_router.post(
    "/{invitation_id}/accept",
    response=MyInvitationOut,
    auth=SIGNED_IN,
    summary="Accept an invitation: the role is granted now",
    openapi_extra=errors(409),
)
def accept_invitation(request: HttpRequest, invitation_id: RowId) -> dict:
    done = answer_invitation(
        user=caller(request),
        invitation_id=invitation_id,
        accept=True,
        city_id=_confined_city(request),
    )
    return _my_invitation_out(done)


@me_router.post(
    "/{invitation_id}/decline",
    response=MyInvitationOut,
    auth=SIGNED_IN,
    summary="Decline an invitation",
    openapi_extra=errors(409),
)
def decline_invitation(request: HttpRequest, invitation_id: RowId) -> dict:
    done = answer_invitation(
        user=caller(request),
        invitation_id=invitation_id,
        accept=False,
        city_id=_confined_city(request),
    )
    return _my_invitation_out(done)
