"""Personal answers are never stored: not by a shared cache, not by the browser, not by
the service worker (`web/sw.js` keeps no response marked `no-store`)."""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

PRIVATE = "private, no-store"
# Pages about the person whatever the answer: their appeals, data and settings, the
# staff console, sign-in, and the API's answers about "me".
PERSONAL_PATHS = ("/my/", "/console/", "/accounts/", "/api/v1/me")


def is_personal(request: HttpRequest) -> bool:
    """Whether the answer may depend on who asks: a personal path, a bearer token, or a
    signed-in session (the page then names the person in its header, at least)."""
    if request.path.startswith(PERSONAL_PATHS) or "Authorization" in request.headers:
        return True
    # Only a request with a session cookie can be signed in; without one the session is
    # not read, so anonymous public answers stay free of `Vary: Cookie`.
    if settings.SESSION_COOKIE_NAME not in request.COOKIES:
        return False
    user = getattr(request, "user", None)
    return bool(getattr(user, "is_authenticated", False))


class PrivateResponsesMiddleware:
    """`Cache-Control: private, no-store` on every answer that `is_personal`, replacing
    whatever the view said (a public photo seen by a signed-in resident included)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if is_personal(request):
            response["Cache-Control"] = PRIVATE
            if "Expires" in response:
                del response["Expires"]
        return response
