"""A shared public read answered before the middleware stack runs.

A cached public read (`core.public_reads`) still cost 3× the bare view: every request
ran a dozen middleware (sessions, locale, CSRF, authentication, messages, CSP, allauth)
to build an answer that was the same bytes and the same headers as the last one. This
middleware, near the top of the stack, remembers the whole answer the stack gave to an
anonymous request that the public-read decorator answered from a shared copy (status,
every header the middleware added, the body), keyed by what could change it for an
anonymous visitor: the absolute address and the language (from the language cookie or
`Accept-Language`, as LocaleMiddleware chooses it). Only a request whose cookies are
none or those a shared answer never depends on (the CSRF token, the language, the city
chosen for `/`) is replayed: any other cookie goes through the stack, and a key made of
a visitor's own strings cannot multiply the entries. The next such
request fetches the page's stamp and versions from the shared cache, the same one round
trip the decorator makes, and when they still name the copy it remembers, the answer is
replayed without running the stack; anything else (a write bumped a version, the copy
expired, a signed-in visitor, a session cookie, a token, a cookie in the answer) goes
through the stack as before. So a write shows at once here too, and nothing personal
is ever replayed: what is remembered is only what the decorator shared anyway.

A replayed body of text is also held compressed with gzip, made once when the answer is
remembered, and sent to a client that accepts it (every browser and HTTP library does):
Open311's list of a thousand requests is 837 KB of JSON, and copying that to each
client, not building it, was what bounded its rate. The compressed answer says it
varies on Accept-Encoding, so a shared cache gives it only to clients that accept gzip
(the plain one suits every client), and its ETag is weak, as Django's GZipMiddleware
makes it. Nothing in these answers is secret (they are shared with every visitor), so
compression reveals nothing (BREACH)."""

from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.middleware.gzip import re_accepts_gzip
from django.utils.cache import patch_vary_headers
from django.utils.text import compress_string
from django.utils.translation import get_language_from_request

from mycity.core.held_answers import HeldAnswers
from mycity.core.public_reads import SharedAnswer, current_stamp, etags_in

# The answers replayed, by what selects them, up to this many bytes per process (keys,
# headers and bodies; most bodies are the same bytes as the copies `public_reads` holds).
REPLAYED_BYTES = 32 * 1024 * 1024
# What an entry costs beyond its strings: the objects holding them.
ENTRY_OVERHEAD = 1024
# The city chosen for `/` (web.choice.CITY_COOKIE), written by the city home's own
# script: no shared answer reads it.
_CITY_COOKIE = "mycity_city"
# Headers of a 200 that a 304 does not repeat (the stack's own 304 has none of these).
_NOT_IN_A_304 = ("Content-Type", "Content-Length", "Content-Disposition", "Link")
# Bodies held compressed too: text of these types, from this size (below it, gzip's
# own header and the work outweigh what it saves).
_COMPRESSED_TYPES = ("text/", "application/json", "application/geo+json", "application/xml")
COMPRESSED_FROM_BYTES = 1024


@dataclass(frozen=True)
class Replay:
    shared: SharedAnswer
    status: int
    headers: tuple[tuple[str, str], ...]
    content: bytes
    gzipped: bytes | None = None

    def answer(self, request: HttpRequest) -> HttpResponse:
        gzipped = self.gzipped is not None and bool(
            re_accepts_gzip.search(request.headers.get("Accept-Encoding", ""))
        )
        if self.shared.etag in etags_in(request.headers.get("If-None-Match", "")):
            response = HttpResponse(status=304)
            for name, value in self.headers:
                if name not in _NOT_IN_A_304:
                    response[name] = value
            response["Content-Length"] = "0"
            del response["Content-Type"]
        elif gzipped:
            assert self.gzipped is not None
            response = HttpResponse(self.gzipped, status=self.status)
            for name, value in self.headers:
                response[name] = value
            response["Content-Encoding"] = "gzip"
            response["Content-Length"] = str(len(self.gzipped))
        else:
            response = HttpResponse(self.content, status=self.status)
            for name, value in self.headers:
                response[name] = value
        if gzipped:
            # A cache must give these bytes only to a client that asked for gzip. The
            # plain answer needs no such word: every client can read it.
            patch_vary_headers(response, ("Accept-Encoding",))
            if response.has_header("ETag"):
                response["ETag"] = "W/" + response["ETag"].removeprefix("W/")
        return response


Selector = tuple[str, str]


def _size(selector: Selector, replay: Replay) -> int:
    headers = sum(len(name) + len(value) for name, value in replay.headers)
    bodies = len(replay.content) + len(replay.gzipped or b"")
    return ENTRY_OVERHEAD + len(selector[0]) + headers + bodies


_replays = HeldAnswers[tuple[Selector, Replay]](REPLAYED_BYTES, size=lambda entry: _size(*entry))


class ReplayedReadsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        selector = _selector(request)
        if selector is not None:
            held = _replays.get(selector)
            if held is not None and _still_current(request, held[1].shared):
                return held[1].answer(request)
        response = self.get_response(request)
        if selector is not None:
            _remember(selector, response)
        return response


def _selector(request: HttpRequest) -> Selector | None:
    """What selects an anonymous GET's answer, or None for a request never replayed."""
    if (
        not settings.PUBLIC_READS_CACHE
        or request.method != "GET"
        # WhiteNoise, further down, answers these without a view.
        or request.path.startswith(settings.STATIC_URL)
        or "Authorization" in request.headers
        or any(name not in _ignored_cookies() for name in request.COOKIES)
    ):
        return None
    try:
        address = request.build_absolute_uri()
    except DisallowedHost:
        return None  # the stack answers it with its 400
    return (address, get_language_from_request(request))


def _ignored_cookies() -> tuple[str, ...]:
    # The language cookie selects the language, which is in the key.
    return (settings.CSRF_COOKIE_NAME, settings.LANGUAGE_COOKIE_NAME, _CITY_COOKIE)


def _still_current(request: HttpRequest, shared: SharedAnswer) -> bool:
    stamp = current_stamp(request, shared.page, shared.scopes)
    return stamp is not None and stamp.etag == shared.etag and stamp.versions == shared.versions


def _remember(selector: Selector, response: HttpResponseBase) -> None:
    shared = getattr(response, "shared_answer", None)
    if (
        not isinstance(shared, SharedAnswer)
        or not isinstance(response, HttpResponse)
        or response.status_code != 200
        or response.cookies
    ):
        return
    replay = Replay(
        shared=shared,
        status=response.status_code,
        headers=tuple(response.items()),
        content=response.content,
        gzipped=_compressed(response),
    )
    _replays.put(selector, (selector, replay))


def _compressed(response: HttpResponse) -> bytes | None:
    kind = response.get("Content-Type", "").split(";")[0].strip().lower()
    if (
        response.has_header("Content-Encoding")
        or len(response.content) < COMPRESSED_FROM_BYTES
        or not kind.startswith(_COMPRESSED_TYPES)
    ):
        return None
    return compress_string(response.content)
