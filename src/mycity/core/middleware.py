import logging
import re
import time
import uuid
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation

from mycity.core.logs import request_id_var

logger = logging.getLogger("mycity.request")

# A proxy's request id is kept only if it looks like one; anything else could
# be used to forge log lines.
_VALID_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


class RequestIdMiddleware:
    """Gives every request an id, echoes it in X-Request-ID and logs one line per request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if _VALID_REQUEST_ID.match(incoming) else uuid.uuid4().hex
        token = request_id_var.set(request_id)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            response["X-Request-ID"] = request_id
            logger.info(
                "request",
                extra={
                    "method": request.method,
                    "path": request.path,
                    "status": response.status_code,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 2),
                },
            )
            return response
        finally:
            request_id_var.reset(token)


class UserLanguageMiddleware:
    """A signed-in user's saved language wins over the browser's when no cookie says otherwise.

    LocaleMiddleware reads the cookie, then Accept-Language; we put the user's
    choice where it looks first, so their choice follows them to a new device.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        cookie = settings.LANGUAGE_COOKIE_NAME
        if cookie not in request.COOKIES:
            language = self._saved_language(request)
            if language:
                request.COOKIES[cookie] = language
        return self.get_response(request)

    @staticmethod
    def _saved_language(request: HttpRequest) -> str:
        session = getattr(request, "session", None)
        if session is None or "_auth_user_id" not in session:
            return ""
        from mycity.accounts.selectors import saved_language_of

        language = saved_language_of(user_id=session["_auth_user_id"])
        return language if translation.check_for_language(language) else ""
