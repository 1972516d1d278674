from django.utils.translation import gettext_lazy as _

from mycity.core.errors import DomainError, NotFound


class InvalidEndpoint(DomainError):
    code = "invalid_webhook_endpoint"
    message = _("The webhook endpoint is not valid.")


class EndpointNotFound(NotFound):
    code = "not_found"
    message = _("No such webhook endpoint.")


class EndpointNotActive(DomainError):
    code = "webhook_endpoint_not_active"
    message = _("The endpoint is paused or switched off: resume it first.")
    status = 409
