"""One place where errors become JSON responses for the API.

Every error body has the same shape: {"code", "message", "details": [{"field",
"message"}]}, with messages in the request's language.
"""

from typing import Any

from django.core.exceptions import (
    PermissionDenied,
    RequestDataTooBig,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from mycity.core.errors import DomainError, error_body
from mycity.core.request_limits import refusal_for


def _pydantic_message(error: dict[str, Any]) -> str:
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    if kind == "missing":
        return _("This field is required.")
    if kind in ("float_parsing", "float_type", "int_parsing", "int_type", "finite_number"):
        return _("Enter a number.")
    if kind in ("string_too_long",):
        return _("No more than %(max)s characters.") % {"max": ctx.get("max_length")}
    if kind in ("string_too_short",):
        return _("At least %(min)s characters.") % {"min": ctx.get("min_length")}
    if kind in ("greater_than_equal", "greater_than"):
        return _("Must be at least %(min)s.") % {"min": ctx.get("ge", ctx.get("gt"))}
    if kind in ("less_than_equal", "less_than"):
        return _("Must be at most %(max)s.") % {"max": ctx.get("le", ctx.get("lt"))}
    if kind in ("literal_error", "enum"):
        return _("Choose one of: %(choices)s.") % {"choices": ctx.get("expected", "")}
    if kind == "string_pattern_mismatch":
        return _("The value has the wrong format.")
    return _("The value is not valid.")


def _field_of(location: list[Any] | tuple[Any, ...]) -> str:
    # ninja prefixes the location with where the value came from (query, path, body)
    # and sometimes the schema's parameter name; the client knows its field by name.
    parts = list(location)
    # A repeated query parameter (`?status=a&status=b`) is one field to the client.
    if parts and parts[0] == "query":
        parts = [part for part in parts if not isinstance(part, int)]
    parts = [str(part) for part in parts]
    if parts and parts[0] in ("query", "path", "body", "form", "header", "cookie"):
        parts = parts[1:]
    if len(parts) > 1 and parts[0] in ("filters", "params", "payload", "data", "query", "page"):
        parts = parts[1:]
    return ".".join(parts)


def install_error_handlers(api: NinjaAPI) -> None:
    @api.exception_handler(DomainError)
    def domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
        return api.create_response(request, exc.as_dict(), status=exc.status)

    @api.exception_handler(NinjaValidationError)
    def validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        details = [
            {"field": _field_of(err.get("loc", ())), "message": _pydantic_message(err)}
            for err in exc.errors
        ]
        body = error_body("invalid", _("Some values are not valid."), details)
        return api.create_response(request, body, status=400)

    @api.exception_handler(DjangoValidationError)
    def model_validation_error(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
        if hasattr(exc, "error_dict"):
            details = [
                {"field": field, "message": " ".join(str(m) for m in messages)}
                for field, messages in exc.message_dict.items()
            ]
        else:
            details = [{"field": "", "message": str(m)} for m in exc.messages]
        return api.create_response(
            request, error_body("invalid", _("Some values are not valid."), details), status=400
        )

    @api.exception_handler(Http404)
    def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return api.create_response(request, error_body("not_found", _("Not found.")), status=404)

    @api.exception_handler(PermissionDenied)
    def forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        return api.create_response(
            request, error_body("forbidden", _("You may not do this.")), status=403
        )

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        return api.create_response(
            request, error_body("unauthenticated", _("Sign in first.")), status=401
        )

    # A body Django's parser refused (too large beside the files, too many fields or
    # files): 413 or 400 with a message, never a 500.
    for refused in (RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent):

        @api.exception_handler(refused)
        def parser_refusal(request: HttpRequest, exc: Exception) -> HttpResponse:
            response = refusal_for(request, exc)
            assert response is not None
            return response

    # A multipart body Django cannot read (no boundary, a broken part): the client's
    # mistake, not the server's.
    @api.exception_handler(MultiPartParserError)
    def unreadable_body(request: HttpRequest, exc: MultiPartParserError) -> HttpResponse:
        body = error_body("invalid", _("The request's body cannot be read as a form."))
        return api.create_response(request, body, status=400)

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        # ninja wraps what the body's parser raised (core.api_formats.ObjectBodyParser).
        if isinstance(exc.__cause__, DomainError):
            return domain_error(request, exc.__cause__)
        return api.create_response(
            request, error_body("http_error", str(exc.message)), status=exc.status_code
        )
