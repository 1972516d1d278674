"""Domain errors with stable codes, raised by services and mapped to HTTP once."""

from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    code: str = "error"
    message: str | Promise = _("The request could not be completed.")
    status: int = 400

    def __init__(
        self,
        message: str | Promise | None = None,
        *,
        field: str | None = None,
        details: list[dict[str, Any]] | None = None,
    ) -> None:
        if message is not None:
            self.message = message
        self.field = field
        self.details = details or []
        super().__init__(str(self.message))

    def as_dict(self) -> dict[str, Any]:
        details = list(self.details)
        if self.field and not details:
            details = [{"field": self.field, "message": str(self.message)}]
        return {"code": self.code, "message": str(self.message), "details": details}


class NotFound(DomainError):
    code = "not_found"
    message = _("Not found.")
    status = 404


def error_body(code: str, message: str, details: list[dict[str, Any]] | None = None) -> dict:
    """The one shape of an error in the API: a stable code, a message in the user's
    language, and field-level details."""
    return {"code": code, "message": message, "details": details or []}
