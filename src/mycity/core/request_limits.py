"""Limits on request bodies, checked before anything reads a byte of them.

Each path gets a ceiling (`settings.REQUEST_BODY_LIMITS`, first match wins; everything
else `settings.REQUEST_BODY_MAX_BYTES`). A body announced larger, or one without a
length, is refused by `RequestBodyLimitMiddleware` before the CSRF check, the form
parser or a view could read it. What Django's parser itself refuses inside an allowed
body (too many fields or files, too much text beside the files) becomes the same kind
of answer through `refusal_for`, called by the API's and the pages' error handlers.

The answer takes the shape of the face that was asked: the API's error body under
`/api/`, Open311's list of errors under `/open311/`, a short page elsewhere.
"""

import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from functools import cache

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.defaultfilters import filesizeformat
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from mycity.core.errors import error_body

PARSER_REFUSALS = (RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent)


@cache
def _limits(table: tuple[tuple[str, int], ...]) -> list[tuple[re.Pattern[str], int]]:
    return [(re.compile(pattern), limit) for pattern, limit in table]


def body_limit_for(path: str) -> int:
    """The most bytes a request body to `path` may have."""
    for pattern, limit in _limits(tuple(settings.REQUEST_BODY_LIMITS)):
        if pattern.match(path):
            return limit
    return int(settings.REQUEST_BODY_MAX_BYTES)


def _open311_errors(path: str, status: int, description: str) -> HttpResponse:
    if path.endswith(".xml"):
        root = ET.Element("errors")
        error = ET.SubElement(root, "error")
        ET.SubElement(error, "code").text = str(status)
        ET.SubElement(error, "description").text = description
        content = ET.tostring(root, encoding="utf-8", xml_declaration=True)
        return HttpResponse(content, status=status, content_type="text/xml; charset=utf-8")
    return JsonResponse(
        [{"code": status, "description": description}],
        status=status,
        safe=False,
        content_type="application/json; charset=utf-8",
        json_dumps_params={"ensure_ascii": False},
    )


def refusal(request: HttpRequest, *, status: int, code: str, message: str) -> HttpResponse:
    """The refusal of a request's body, in the shape of the face that was asked."""
    path = request.path_info
    if path.startswith("/api/"):
        return JsonResponse(error_body(code, message), status=status)
    if path.startswith("/open311/"):
        return _open311_errors(path, status, message)
    page = render_to_string(
        "core/request_refused.html",
        {
            "title": message,
            "advise": code in ("request_too_large", "too_many_files", "too_many_fields"),
            "LANGUAGE_CODE": translation.get_language(),
        },
    )
    return HttpResponse(page, status=status)


def refusal_for(request: HttpRequest, exc: Exception) -> HttpResponse | None:
    """The answer to a body Django's parser refused; None for any other error."""
    if isinstance(exc, RequestDataTooBig):
        size = filesizeformat(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
        message = _(
            "The request is too large: the fields besides the files may take at most %(size)s."
        ) % {"size": size}
        return refusal(request, status=413, code="request_too_large", message=message)
    if isinstance(exc, TooManyFilesSent):
        message = _("The request has too many files: at most %(count)s.") % {
            "count": settings.DATA_UPLOAD_MAX_NUMBER_FILES
        }
        return refusal(request, status=400, code="too_many_files", message=message)
    if isinstance(exc, TooManyFieldsSent):
        message = _("The request has too many fields: at most %(count)s.") % {
            "count": settings.DATA_UPLOAD_MAX_NUMBER_FIELDS
        }
        return refusal(request, status=400, code="too_many_fields", message=message)
    return None


class RequestBodyLimitMiddleware:
    """Refuses a body over its path's limit, or without a length, before it is read.

    It stands before everything that may read the body (the CSRF check reads the form of
    every POST). The language middleware has not run yet, so the refusal is worded in the
    language the request asks for (cookie, then Accept-Language).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        refused = self._refused(request)
        if refused is not None:
            return refused
        return self.get_response(request)

    def _refused(self, request: HttpRequest) -> HttpResponse | None:
        raw_length = request.META.get("CONTENT_LENGTH") or ""
        if not raw_length.strip():
            # Django reads no body without a length (it would see a chunked upload as
            # empty); a client that sends one is told so instead of being misread.
            if "HTTP_TRANSFER_ENCODING" not in request.META:
                return None
            return self._answer(
                request, 411, "length_required", lambda: _("Send the length of the request.")
            )
        try:
            length = int(raw_length)
        except ValueError:
            length = -1
        if length < 0:
            return self._answer(request, 400, "bad_request", lambda: _("The request is not valid."))
        limit = body_limit_for(request.path_info)
        if length <= limit:
            return None
        return self._answer(
            request,
            413,
            "request_too_large",
            lambda: (
                _("The request is too large: at most %(size)s may be sent here.")
                % {"size": filesizeformat(limit)}
            ),
        )

    @staticmethod
    def _answer(
        request: HttpRequest, status: int, code: str, message: Callable[[], str]
    ) -> HttpResponse:
        with translation.override(translation.get_language_from_request(request)):
            response = refusal(request, status=status, code=code, message=message())
        response["Content-Language"] = translation.get_language_from_request(request)
        return response
