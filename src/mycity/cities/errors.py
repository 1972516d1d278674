from django.utils.translation import gettext_lazy as _

from mycity.core.errors import DomainError, NotFound


class CityNotFound(NotFound):
    code = "city_not_found"
    message = _("There is no such city.")


class RegistryImportError(DomainError):
    code = "registry_import_failed"
    message = _("The address registry file could not be imported.")


class InvalidSetup(DomainError):
    code = "invalid_setup"
    message = _("Some values are not valid.")


class CityNotReady(DomainError):
    """Going live while the onboarding checklist still has items missing: the city's
    state, not a value, stands in the way (each missing item is a detail)."""

    code = "city_not_ready"
    message = _("The city is not ready yet.")
    status = 409


class UnknownCity(DomainError):
    """A city named in a body or a query (not the path): a value that is not valid."""

    code = "unknown_city"
    message = _("There is no such city.")
