from django.utils.translation import gettext_lazy as _

from mycity.core.errors import DomainError


class RoleNotAllowed(DomainError):
    code = "role_not_allowed"
    message = _("You may not grant this role.")
    status = 403


class RoleScopeInvalid(DomainError):
    code = "role_scope_invalid"
    message = _("This role needs a different scope.")


class AddressOutsideCity(DomainError):
    code = "address_outside_city"
    message = _("The address is not in the chosen city.")


class InvalidSubscription(DomainError):
    code = "invalid_subscription"
    message = _("The subscription is not valid.")


class InvalidInvitation(DomainError):
    code = "invalid_invitation"
    message = _("The invitation is not valid.")


class InvitationAnswered(DomainError):
    code = "invitation_answered"
    message = _("This invitation has already been answered.")
    status = 409


class InvitationExpired(DomainError):
    code = "invitation_expired"
    message = _("This invitation has expired; ask the city's administrator for a new one.")
    status = 409
