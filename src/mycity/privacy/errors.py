"""Errors of the personal-data domain, with stable codes."""

from django.utils.translation import gettext_lazy as _

from mycity.core.errors import DomainError, NotFound


class RequestNotFound(NotFound):
    code = "data_request_not_found"
    message = _("There is no such request.")


class IncidentNotFound(NotFound):
    code = "incident_not_found"
    message = _("There is no such incident.")


class RequestFinished(DomainError):
    code = "data_request_finished"
    message = _("This request has already been answered.")
    status = 409


class InvalidRequest(DomainError):
    code = "invalid_data_request"
    message = _("Some values are not valid.")


class InvalidIncident(DomainError):
    code = "invalid_incident"
    message = _("Some values are not valid.")
