"""Errors of the appeals domain, with stable codes for clients."""

from django.utils.functional import Promise, lazy
from django.utils.translation import gettext_lazy as _

from mycity.core.errors import DomainError, NotFound


class AppealNotFound(NotFound):
    code = "appeal_not_found"
    message = _("There is no such appeal.")


class CategoryNotFound(NotFound):
    code = "category_not_found"
    message = _("There is no such category in this city.")


class InvalidAppeal(DomainError):
    code = "invalid"
    message = _("Some values are not valid.")


class PointOutsideCity(DomainError):
    code = "point_outside_city"
    message = _("The point is outside the city.")


class MoveNotAllowed(DomainError):
    code = "move_not_allowed"
    message = _("This action is not possible for this appeal now.")
    status = 409


class StaleAppeal(DomainError):
    code = "stale_appeal"
    message = _("Someone else has changed this appeal meanwhile; reload it and try again.")
    status = 409


class NoteRequired(DomainError):
    code = "note_required"
    message = _("Give a reason for this action.")


class IdempotencyKeyReused(DomainError):
    """The IETF Idempotency-Key draft: a key used before with another request body."""

    code = "idempotency_key_reused"
    message = _("This request's key was already used for a different appeal; send a new key.")
    status = 422


class TooManySubmissions(DomainError):
    code = "too_many_submissions"
    message = _("You have sent many appeals within an hour; please try again later.")
    status = 429


class DisagreementWindowClosed(DomainError):
    code = "disagreement_window_closed"
    message = _("The time to disagree with this answer has passed.")
    status = 409


class UploadRefused(DomainError):
    """A file a resident uploaded was refused; the subclasses say why.

    The message may hold %(name)s placeholders filled from the keyword parameters; it
    is interpolated lazily, so it is rendered in the language active when it is shown.
    """

    code = "upload_refused"
    message = _("The file could not be accepted.")

    _interpolate = staticmethod(lazy(lambda template, params: str(template) % params, str))

    def __init__(
        self, message: str | Promise | None = None, *, field: str, **params: object
    ) -> None:
        template = self.message if message is None else message
        super().__init__(self._interpolate(template, params) if params else template, field=field)
        self.params = params


class FileTooLarge(UploadRefused):
    code = "file_too_large"
    message = _("The file is larger than %(limit_mb)s MB.")
    status = 413

    def __init__(self, *, field: str, limit_mb: int) -> None:
        super().__init__(field=field, limit_mb=limit_mb)


class ImageTooLarge(UploadRefused):
    code = "image_too_large"
    message = _("The image is larger than %(limit_megapixels)s megapixels.")

    def __init__(self, *, field: str, limit_megapixels: int) -> None:
        super().__init__(field=field, limit_megapixels=limit_megapixels)


class UnsupportedFile(UploadRefused):
    code = "unsupported_file"
    message = _("This type of file is not accepted; upload one of: %(formats)s.")


class InvalidAlert(DomainError):
    code = "invalid_alert"
    message = _("The alert cannot be saved.")


class AlertExists(InvalidAlert):
    """The person follows the same thing already: a conflict with their alert."""

    code = "alert_exists"
    message = _("You follow this already.")
    status = 409


class InvalidToken(DomainError):
    code = "invalid_token"
    message = _("Some values are not valid.")


class TokenNotFound(NotFound):
    code = "token_not_found"
    message = _("There is no such token.")


class MissingScope(DomainError):
    code = "missing_scope"
    message = _("This token's scopes do not allow this.")
    status = 403
