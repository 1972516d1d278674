"""Errors of the console's own commands, with stable codes."""

from django.utils.translation import gettext_lazy as _

from mycity.core.errors import DomainError


class InvalidInput(DomainError):
    code = "invalid"
    message = _("Some values are not valid.")


class TooMany(DomainError):
    code = "too_many"
    message = _("There are too many of these already.")
