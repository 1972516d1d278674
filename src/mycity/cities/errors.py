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


class UnknownCity(DomainError):
    """A city named in a body or a query (not the path): a value that is not valid."""

    code = "unknown_city"
    message = _("There is no such city.")
