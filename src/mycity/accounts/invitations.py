"""Inviting a member of staff: an account for their e-mail, the role, and a letter with
the link that sets their password."""

from dataclasses import dataclass

from allauth.account import app_settings as account_settings
from allauth.account.models import EmailAddress
from allauth.account.utils import user_pk_to_url_str
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from mycity.accounts.errors import InvalidInvitation, RoleNotAllowed
from mycity.accounts.models import ROLES_WITHOUT_CITY, RoleKind, User
from mycity.accounts.permissions import Action, may
from mycity.accounts.services import closed_as_leaver, grant_role
from mycity.cities.models import City, Organisation
from mycity.core.audit import record_change

MAX_NAME = 200
# Roles a city administrator hands out; residents sign up themselves.
INVITED_ROLES = frozenset(RoleKind) - {RoleKind.RESIDENT} - ROLES_WITHOUT_CITY


@dataclass(frozen=True)
class Invitation:
    user: User
    created: bool  # a new account, whose owner sets a password by the link


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
        # The password link goes to this mailbox: using it proves the address.
        EmailAddress.objects.get_or_create(
            user=user, email=email, defaults={"verified": True, "primary": True}
        )
        grant_role(actor=actor, user=user, kind=role_kind, city=city, organisation=organisation)
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
            },
        )
        transaction.on_commit(lambda: _send_invitation(user, city, role_kind, created))
    return Invitation(user=user, created=created)
