"""Errors of the reception domain, with stable codes."""

from django.utils.translation import gettext_lazy as _

from mycity.core.errors import DomainError, NotFound


class InvalidReception(DomainError):
    code = "invalid_reception"
    message = _("Some values are not valid.")


class SlotTaken(DomainError):
    code = "slot_taken"
    message = _("This time has just been taken; choose another one.")
    status = 409


class ReceptionNotFound(NotFound):
    code = "reception_not_found"
    message = _("There is no such reception.")


class AlreadyBooked(InvalidReception):
    """A second booking of one person at one session: a conflict with their first."""

    code = "already_booked"
    message = _("You already have an appointment at this reception.")
    status = 409
