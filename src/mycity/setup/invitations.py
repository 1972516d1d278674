"""Inviting a member of staff.

One with no account gets an account for their e-mail, the role, and a letter with the
link that sets their password: using the link proves the mailbox. One who already has an
account (a resident, staff of another city) gets an invitation instead, which they accept
or decline signed in (`my/invitations/`); the role is granted only on acceptance, by the
inviting administrator's authority, and an invitation not answered in
`INVITATION_DAYS` expires. A city administrator may not so put a role on somebody's
account without their consent.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from allauth.account import app_settings as account_settings
from allauth.account.models import EmailAddress
from allauth.account.utils import user_pk_to_url_str
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from mycity.accounts.errors import (
    InvalidInvitation,
    InvitationAnswered,
    InvitationExpired,
    RoleNotAllowed,
)
from mycity.accounts.models import (
    ROLES_WITHOUT_CITY,
    InvitationStatus,
    RoleKind,
    StaffInvitation,
    User,
)
from mycity.accounts.permissions import Action, may
from mycity.accounts.services import closed_as_leaver, grant_role
from mycity.cities.models import City, Organisation
from mycity.core.audit import record_change
from mycity.core.errors import NotFound
from mycity.notify.channels import IN_APP
from mycity.notify.services import in_language_of, notify

MAX_NAME = 200
# Roles a city administrator hands out; residents sign up themselves.
INVITED_ROLES = frozenset(RoleKind) - {RoleKind.RESIDENT} - ROLES_WITHOUT_CITY
INVITATION_DAYS = 14


@dataclass(frozen=True)
class Invitation:
    user: User
    created: bool  # a new account, whose owner sets a password by the link
    invitation: StaffInvitation

    @property
    def pending(self) -> bool:
        return self.invitation.status == InvitationStatus.PENDING


def password_link(user: User) -> str:
    """A link that lets the owner of `user`'s mailbox set the password: allauth's own
    password reset key, good until the password or the last sign-in changes."""
    key = account_settings.PASSWORD_RESET_TOKEN_GENERATOR().make_token(user)
    path = reverse(
        "account_reset_password_from_key",
        kwargs={"uidb36": user_pk_to_url_str(user), "key": key},
    )
    return settings.SITE_URL.rstrip("/") + path


def _send_invitation(user: User, city: City, kind: RoleKind, created: bool) -> None:
    with translation.override(user.language or settings.LANGUAGE_CODE):
        subject = _("You are invited to the console of %(city)s") % {"city": city.name}
        lines = [
            _("You have been given the role «%(role)s» in %(city)s.")
            % {"role": RoleKind(kind).label, "city": city.name},
        ]
        if created:
            lines.append(
                _("Set your password by this link: %(url)s") % {"url": password_link(user)}
            )
        else:
            lines.append(
                _("Sign in as before: %(url)s")
                % {"url": settings.SITE_URL.rstrip("/") + reverse("console:home")}
            )
        lines.append(
            _("Then add a second factor (an authenticator app) when the console asks for it.")
        )
    send_mail(subject, "\n\n".join(lines), None, [user.email])


def invite_staff(
    *,
    actor: User | None,
    city: City,
    email: str,
    kind: RoleKind | str,
    organisation: Organisation | None = None,
    full_name: str = "",
) -> Invitation:
    """Give the person with this e-mail a role in `city`, making their account when there
    is none, and write to them. One who left and comes back gets their account back."""
    email = (email or "").strip().lower()
    full_name = (full_name or "").strip()
    problems = []
    try:
        validate_email(email)
    except ValidationError:
        problems.append({"field": "email", "message": _("Enter a valid e-mail address.")})
    if kind not in INVITED_ROLES:
        problems.append({"field": "kind", "message": _("Choose a role of the city's staff.")})
    if len(full_name) > MAX_NAME:
        problems.append({"field": "full_name", "message": _("The name is too long.")})
    if organisation is not None and organisation.city_id != city.pk:
        problems.append(
            {"field": "organisation", "message": _("Choose an organisation of this city.")}
        )
    if problems:
        raise InvalidInvitation(details=problems)
    if actor is not None and not may(actor, Action.GRANT_ROLES, city):
        raise RoleNotAllowed()
    role_kind = RoleKind(kind)
    with transaction.atomic():
        user = User.objects.select_for_update().filter(email=email).first()
        created = user is None
        if user is None:
            user = User.objects.create_user(email, full_name=full_name)
        else:
            changed = []
            if full_name and not user.full_name:
                user.full_name = full_name
                changed.append("full_name")
            if not user.is_active:
                # Only an account closed when its holder left the staff comes back with
                # a new role; one the platform administrator closed stays closed.
                if not closed_as_leaver(user):
                    raise InvalidInvitation(
                        details=[
                            {
                                "field": "email",
                                "message": _(
                                    "This account is closed; only the platform "
                                    "administrator can open it again."
                                ),
                            }
                        ]
                    )
                user.is_active = True
                changed.append("is_active")
            if changed:
                user.save(update_fields=changed)
        now = timezone.now()
        if created:
            # The password link goes to this mailbox: using it proves the address.
            EmailAddress.objects.get_or_create(
                user=user, email=email, defaults={"verified": True, "primary": True}
            )
            grant_role(actor=actor, user=user, kind=role_kind, city=city, organisation=organisation)
            invitation = StaffInvitation.objects.create(
                user=user,
                city=city,
                kind=role_kind,
                organisation=organisation,
                invited_by=actor,
                created_at=now,
                expires_at=now,
                status=InvitationStatus.ACCEPTED,
                answered_at=now,
            )
        else:
            invitation = _offer(actor, user, city, role_kind, organisation, now)
        record_change(
            actor=actor,
            city=city,
            action="staff.invited",
            subject=email,
            after={
                "user": email,
                "role": role_kind.value,
                "organisation": organisation.slug if organisation else "",
                "new_account": created,
                "status": invitation.status,
            },
        )
        if created:
            transaction.on_commit(lambda: _send_invitation(user, city, role_kind, created))
        else:
            _tell_invited(invitation)
    return Invitation(user=user, created=created, invitation=invitation)


def _offer(
    actor: User | None,
    user: User,
    city: City,
    kind: RoleKind,
    organisation: Organisation | None,
    now: datetime,
) -> StaffInvitation:
    """A pending invitation to an existing account; inviting again renews its term."""
    expires = now + timedelta(days=INVITATION_DAYS)
    pending = (
        StaffInvitation.objects.select_for_update()
        .filter(
            user=user,
            city=city,
            kind=kind,
            organisation=organisation,
            status=InvitationStatus.PENDING,
        )
        .first()
    )
    if pending is not None:
        pending.expires_at, pending.invited_by = expires, actor
        pending.save(update_fields=["expires_at", "invited_by"])
        return pending
    return StaffInvitation.objects.create(
        user=user,
        city=city,
        kind=kind,
        organisation=organisation,
        invited_by=actor,
        created_at=now,
        expires_at=expires,
    )


def _tell_invited(invitation: StaffInvitation) -> None:
    """A notice in the app and an e-mail with the link to the invitations page."""
    user = invitation.user
    with in_language_of(user):
        role = RoleKind(invitation.kind).label
        subject = _("You are invited to the console of %(city)s") % {"city": invitation.city.name}
        body = _(
            "You are offered the role «%(role)s» in %(city)s. Sign in and accept or "
            "decline it by %(date)s."
        ) % {
            "role": role,
            "city": invitation.city.name,
            "date": formats.date_format(timezone.localtime(invitation.expires_at), "DATE_FORMAT"),
        }
    notify(
        recipient=user,
        topic="staff.invitation",
        subject=subject,
        body=body,
        url=reverse("web:invitations"),
        dedupe_key=f"staff-invitation:{invitation.pk}:{invitation.expires_at.isoformat()}",
        channels=(IN_APP, "email"),
    )


def pending_invitations(user: User, *, city_id: int | None = None) -> list[StaffInvitation]:
    """The invitations the person may still answer (`city_id`: only that city's, for a
    token confined to it)."""
    invitations = StaffInvitation.objects.filter(
        user=user, status=InvitationStatus.PENDING, expires_at__gt=timezone.now()
    )
    if city_id is not None:
        invitations = invitations.filter(city_id=city_id)
    return list(invitations.select_related("city", "organisation", "invited_by"))


def answer_invitation(
    *, user: User, invitation_id: int, accept: bool, city_id: int | None = None
) -> StaffInvitation:
    """The invited person accepts (the role is granted through `grant_role`, by the
    inviting administrator's authority) or declines. Someone else's invitation is not
    found; one answered or expired is refused."""
    with transaction.atomic():
        invitation = (
            # Only the invitation's row: the organisation and the inviter may be missing.
            StaffInvitation.objects.select_for_update(of=("self",))
            .select_related("city", "organisation", "invited_by")
            .filter(pk=invitation_id, user=user)
            .filter(**({"city_id": city_id} if city_id is not None else {}))
            .first()
        )
        if invitation is None:
            raise NotFound(_("There is no such invitation."))
        if invitation.status != InvitationStatus.PENDING:
            raise InvitationAnswered(field="invitation")
        now = timezone.now()
        if invitation.has_expired(now):
            raise InvitationExpired(field="invitation")
        if accept:
            grant_role(
                actor=invitation.invited_by,
                user=user,
                kind=RoleKind(invitation.kind),
                city=invitation.city,
                organisation=invitation.organisation,
            )
        invitation.status = InvitationStatus.ACCEPTED if accept else InvitationStatus.DECLINED
        invitation.answered_at = now
        invitation.save(update_fields=["status", "answered_at"])
        record_change(
            actor=user,
            city=invitation.city,
            action="staff.invitation_answered",
            subject=user.email,
            before={"status": InvitationStatus.PENDING.value},
            after={
                "status": invitation.status,
                "role": invitation.kind,
                "organisation": invitation.organisation.slug if invitation.organisation else "",
            },
        )
    return invitation


def invitations_of(city: City, *, limit: int = 100) -> list[StaffInvitation]:
    """The city's invitations, newest first, for its administrator."""
    return list(
        StaffInvitation.objects.filter(city=city)
        .select_related("user", "organisation", "invited_by")
        .order_by("-created_at", "-pk")[:limit]
    )
