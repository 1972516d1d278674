"""A shared public read answered before the middleware stack runs.

A cached public read (`core.public_reads`) still cost 3× the bare view: every request
ran a dozen middleware (sessions, locale, CSRF, authentication, messages, CSP, allauth)
to build an answer that was the same bytes and the same headers as the last one. This
middleware, near the top of the stack, remembers the whole answer the stack gave to an
anonymous request that the public-read decorator answered from a shared copy (status,
every header the middleware added, the body), keyed by everything that could change it
for an anonymous visitor: the absolute address, `Accept-Language`, and the cookies
other than the CSRF token (a shared answer never carries a token). The next such
request fetches the page's stamp and versions from the shared cache, the same one round
trip the decorator makes, and when they still name the copy it remembers, the answer is
replayed without running the stack; anything else (a write bumped a version, the copy
expired, a signed-in visitor, a session cookie, a token, a cookie in the answer) goes
through the stack as before. So a write shows at once here too, and nothing personal
is ever replayed: what is remembered is only what the decorator shared anyway."""

from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.http import HttpRequest, HttpResponse, HttpResponseBase

from mycity.core.held_answers import HeldAnswers
from mycity.core.public_reads import (
    PERSONAL_COOKIES,
    SharedAnswer,
    current_stamp,
    etags_in,
)

# The answers replayed, by what selects them, up to this many bytes of bodies per
# process (most share their bytes with the copies `public_reads` holds).
REPLAYED_BYTES = 32 * 1024 * 1024
# Headers of a 200 that a 304 does not repeat (Django's own Not Modified drops these).
_NOT_IN_A_304 = ("Content-Type", "Content-Length")


@dataclass(frozen=True)
class Replay:
    shared: SharedAnswer
    status: int
    headers: tuple[tuple[str, str], ...]
    content: bytes

    def answer(self, request: HttpRequest) -> HttpResponse:
        if self.shared.etag in etags_in(request.headers.get("If-None-Match", "")):
            response = HttpResponse(status=304)
            for name, value in self.headers:
                if name not in _NOT_IN_A_304:
                    response[name] = value
            response["Content-Length"] = "0"
            del response["Content-Type"]
            return response
        response = HttpResponse(self.content, status=self.status)
        for name, value in self.headers:
            response[name] = value
        return response


_replays = HeldAnswers[Replay](REPLAYED_BYTES, size=lambda replay: len(replay.content))


class ReplayedReadsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        selector = _selector(request)
        if selector is not None:
            replay = _replays.get(selector)
            if replay is not None and _still_current(request, replay.shared):
                return replay.answer(request)
        response = self.get_response(request)
        if selector is not None:
            _remember(selector, response)
        return response


def _selector(request: HttpRequest) -> tuple[str, ...] | None:
    """What selects an anonymous GET's answer, or None for a request never replayed."""
    if (
        not settings.PUBLIC_READS_CACHE
        or request.method != "GET"
        or "Authorization" in request.headers
    ):
        return None
    cookies = request.COOKIES
    if settings.SESSION_COOKIE_NAME in cookies or any(c in cookies for c in PERSONAL_COOKIES):
        return None
    try:
        address = request.build_absolute_uri()
    except DisallowedHost:
        return None  # the stack answers it with its 400
    kept = sorted(
        f"{name}={value}" for name, value in cookies.items() if name != settings.CSRF_COOKIE_NAME
    )
    return (address, request.headers.get("Accept-Language", ""), *kept)


def _still_current(request: HttpRequest, shared: SharedAnswer) -> bool:
    stamp = current_stamp(request, shared.page, shared.scopes)
    return stamp is not None and stamp.etag == shared.etag and stamp.versions == shared.versions


def _remember(selector: tuple[str, ...], response: HttpResponseBase) -> None:
    shared = getattr(response, "shared_answer", None)
    if (
        not isinstance(shared, SharedAnswer)
        or not isinstance(response, HttpResponse)
        or response.status_code != 200
        or response.cookies
    ):
        return
    _replays.put(
        selector,
        Replay(
            shared=shared,
            status=response.status_code,
            headers=tuple(response.items()),
            content=response.content,
        ),
    )
