"""Public reads at cache speed: an anonymous read is computed once per version of what it
shows, kept in the shared cache (Django's cache API: the database or Redis), answered
with an ETag (a repeat is a 304) and `Cache-Control: public`, so nginx and browsers may
keep it for a moment too.

What a read shows is named by versions: one per city (`city_scope`), bumped on commit by
every write that changes what the city's public pages show (an appeal's event, a notice,
news, an event, a place, a category, an organisation), `ANY_CITY`, bumped with every
city's (for reads that do not name their city), and `ROSTER`, bumped when the list of
cities changes. A cached answer carries the versions it was computed at; the next read
after a bump finds them old and computes it anew, so a new report is in the list at
once, not after a timeout. The entry's timeout only bounds what changes with time alone
(a notice that starts, an event that passes).

Nothing personal is kept: a signed-in visitor, a bearer token, a personal path, or any
session or messages cookie (an anonymous session may hold flash messages or a draft) is
answered by the view itself, uncached and `private, no-store`; so is an answer that sets
a cookie. The key holds the language and the full path, so languages never mix.

When a copy is stale (a write, or its timeout), one process computes it anew while the
others show the copy from just before (or, when there is none, wait for the one being
computed): readers arriving together after a write do not all compute the same page.

A copy is kept in two parts: a small stamp under the page's key (its versions, when it
was computed, its ETag), read on every request, and the answer itself under a key of
its ETag, read only by a process that does not hold that answer in its own memory
already (`_held`, a few megabytes per process). Open311's list of 1,000 requests is an
837 KB answer: fetched and unpickled from the shared cache on every read it cost more
than computing most pages; now a read costs the stamp's round trip however big the
answer, and a write still makes every copy stale at once, since the stamp says so."""

import hashlib
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.transaction import get_connection
from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseNotModified
from django.utils import translation
from django.utils.cache import patch_vary_headers

from mycity.core import replica
from mycity.core.caching import PRIVATE, is_personal
from mycity.core.held_answers import HeldAnswers

ANY_CITY = "public-reads:v:any-city"
ROSTER = "public-reads:v:roster"
# What selects a public read's content besides its address: the language (a cookie or
# Accept-Language) and, for whether it is personal at all, the session cookie.
VARY = ("Accept-Language", "Cookie")
# Cookies that may make an anonymous answer personal (Django's messages and sessions).
PERSONAL_COOKIES = ("messages",)
# Headers of the view's answer kept with the cached body.
KEPT_HEADERS = ("Content-Type", "Content-Disposition", "Content-Language", "Link")
# What a view tells django-csp's middleware on the answer itself (the map page lets its
# tile server's images in with `_csp_update`): kept too, or a cached map has no tiles.
KEPT_ATTRIBUTES = ("_csp_update", "_csp_replace", "_csp_exempt", "_csp_config")


def city_scope(slug: str) -> str:
    return f"public-reads:v:city:{slug}"


def by_city_slug(request: HttpRequest, kwargs: dict[str, Any]) -> list[str]:
    """The versions of a read addressed by a city's slug (`/<slug>/…`)."""
    return [city_scope(str(kwargs.get("slug", "")))]


def by_jurisdiction(request: HttpRequest, kwargs: dict[str, Any]) -> list[str]:
    """The versions of an Open311 read: its `jurisdiction_id`, or any city without one."""
    slug = request.GET.get("jurisdiction_id", "").strip()
    return [city_scope(slug)] if slug else [ANY_CITY]


def by_roster(request: HttpRequest, kwargs: dict[str, Any]) -> list[str]:
    return [ROSTER]


def city_changed(slug: str) -> None:
    """After the current transaction commits, make every cached public read of the
    city (and every read not naming its city) out of date."""
    _bump_on_commit(city_scope(slug), ANY_CITY)


def roster_changed() -> None:
    """After commit, make the list of cities out of date."""
    _bump_on_commit(ROSTER, ANY_CITY)


class _Bumps:
    """The versions one transaction bumps when it commits: a submission writes three
    events, each saying its city changed, and the cache needs telling once."""

    def __init__(self, savepoints: frozenset[str]) -> None:
        self.savepoints = savepoints
        self.keys: set[str] = set()
        self.done = False

    def __call__(self) -> None:
        self.done = True
        _bump(*sorted(self.keys))


def _bump_on_commit(*keys: str) -> None:
    connection = get_connection()
    if not connection.in_atomic_block and connection.get_autocommit():
        _bump(*keys)
        return
    savepoints = frozenset(connection.savepoint_ids)
    pending = getattr(connection, "public_read_bumps", None)
    # Joined only at the same savepoint, while its callback is still to run: a rollback
    # of a savepoint drops the callback with the writes made inside it, and a write at
    # another level starts its own. (In tests, a capture of callbacks runs only those
    # registered inside it: a bump joined there from before it is not run by it.)
    if (
        not isinstance(pending, _Bumps)
        or pending.done
        or pending.savepoints != savepoints
        or not any(hook is pending for _, hook, _ in connection.run_on_commit)
    ):
        pending = _Bumps(savepoints)
        connection.public_read_bumps = pending
        transaction.on_commit(pending)
    pending.keys.update(keys)


def _bump(*keys: str) -> None:
    # A new value, not an increment: two writers at once both make every old entry
    # stale, whatever the order, and a version lost by the cache can never come back.
    token = time.time_ns()
    # Before the token is out: a read computed for it must find what it has to show.
    replica.record_position(token)
    cache.set_many(dict.fromkeys(keys, token), timeout=None)


def _current(keys: Sequence[str], found: dict[str, Any]) -> tuple[int, ...]:
    missing = [key for key in keys if found.get(key) is None]
    if missing:
        # A version never written (or dropped by the cache): start one; `add` keeps a
        # value another process started meanwhile.
        for key in missing:
            token = time.time_ns()
            # What the primary holds now is all a read of this version may show.
            replica.record_position(token)
            cache.add(key, token, timeout=None)
        found = {**found, **cache.get_many(missing)}
    return tuple(int(found.get(key) or 0) for key in keys)


def may_share(request: HttpRequest) -> bool:
    """Whether the answer to this request is the same for everyone who asks it in the
    same language."""
    if request.method not in ("GET", "HEAD") or is_personal(request):
        return False
    cookies = request.COOKIES
    return settings.SESSION_COOKIE_NAME not in cookies and not any(
        name in cookies for name in PERSONAL_COOKIES
    )


# How long one process may hold the right to compute a page, and how long the others wait
# for it before computing it themselves.
COMPUTING_S = 10
# A copy outlives its freshness (`PUBLIC_READS_TIMEOUT`) this many times over, so that
# while one process computes the new one the others have the old one to show.
KEPT_STALE = 10


@dataclass(frozen=True)
class Stamp:
    """Which copy of a page is current: what every read of the page fetches."""

    versions: tuple[int, ...]
    computed_at: float
    etag: str

    def is_fresh(self, versions: tuple[int, ...]) -> bool:
        age = time.time() - self.computed_at
        return self.versions == versions and age < settings.PUBLIC_READS_TIMEOUT


def current_stamp(request: HttpRequest, page: str, scopes: Sequence[str]) -> Stamp | None:
    """The stamp of the page's current copy: computed at the versions its scopes have now,
    within its timeout; None when there is none (or a version was never started). What
    was fetched stays with the request, for the decorator to use rather than fetch again."""
    found = cache.get_many([_stamp_key(page), *scopes])
    request.public_read_fetched = (page, tuple(scopes), found)  # type: ignore[attr-defined]
    if any(found.get(key) is None for key in scopes):
        return None
    stamp = found.get(_stamp_key(page))
    versions = tuple(int(found[key]) for key in scopes)
    return stamp if isinstance(stamp, Stamp) and stamp.is_fresh(versions) else None


@dataclass(frozen=True)
class SharedAnswer:
    """Which shared copy an answer is, marked on the answer (`shared_answer`) for the
    replay before the middleware stack (`core.replayed_reads`)."""

    page: str
    scopes: tuple[str, ...]
    versions: tuple[int, ...]
    etag: str


@dataclass(frozen=True)
class CachedRead:
    versions: tuple[int, ...]
    status: int
    headers: tuple[tuple[str, str], ...]
    content: bytes
    etag: str
    computed_at: float = 0.0
    attributes: tuple[tuple[str, Any], ...] = ()

    @property
    def stamp(self) -> Stamp:
        return Stamp(versions=self.versions, computed_at=self.computed_at, etag=self.etag)

    def answer(self, request: HttpRequest) -> HttpResponseBase:
        response: HttpResponseBase
        if self.etag in etags_in(request.headers.get("If-None-Match", "")):
            response = HttpResponseNotModified()
        else:
            response = HttpResponse(self.content, status=self.status)
            for name, value in self.headers:
                response[name] = value
        for attribute, value in self.attributes:
            setattr(response, attribute, value)
        response["ETag"] = self.etag
        response["Cache-Control"] = f"public, max-age={settings.PUBLIC_READS_MAX_AGE}"
        patch_vary_headers(response, VARY)
        return response


def etags_in(header: str) -> set[str]:
    return {tag.strip().removeprefix("W/") for tag in header.split(",") if tag.strip()}


def _storable(request: HttpRequest, response: HttpResponse) -> bool:
    return (
        response.status_code == 200
        and not response.cookies
        # A page that asked for the CSRF token would set its cookie on the way out.
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
    )


Scope = Callable[[HttpRequest, dict[str, Any]], list[str]]
View = Callable[..., HttpResponseBase]


def public_read(view: View | None = None, *, scope: Scope = by_city_slug) -> Any:
    """Serve `view` from the shared cache to those `may_share` its answer."""

    def decorate(view: View) -> View:
        @wraps(view)
        def read(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if not may_share(request):
                response = view(request, *args, **kwargs)
                if request.method in ("GET", "HEAD"):
                    # An anonymous session may show its own messages: not for sharing.
                    response["Cache-Control"] = PRIVATE
                return response
            if not settings.PUBLIC_READS_CACHE:
                entry = _compute(view, request, args, kwargs, versions=())
                return entry.answer(request) if isinstance(entry, CachedRead) else entry
            keys = scope(request, kwargs)
            page = _page_key(request)
            found = _fetched(request, page, keys)
            versions = _current(keys, found)
            stamp = found.get(_stamp_key(page))
            if not isinstance(stamp, Stamp):
                stamp = None
            elif stamp.is_fresh(versions):
                held = _copy(page, stamp)
                if held is not None:
                    return _answer(held, request, page, keys)
            computing = page + ":computing"
            if not cache.add(computing, 1, timeout=COMPUTING_S):
                # Another process computes this page now. Everyone computing it at once
                # after a write (or at start) would multiply the cost by the readers
                # waiting: show the copy from just before, or wait for the new one.
                previous = _copy(page, stamp) if stamp is not None else None
                if previous is not None:
                    return _answer(previous, request, page, keys)
                waited = _wait_for(page, versions)
                if waited is not None:
                    return _answer(waited, request, page, keys)
            try:
                entry = _compute(view, request, args, kwargs, versions=versions)
                if isinstance(entry, CachedRead):
                    _keep(page, entry)
            finally:
                cache.delete(computing)
            return _answer(entry, request, page, keys) if isinstance(entry, CachedRead) else entry

        read.public_read = True  # type: ignore[attr-defined]
        return read

    return decorate(view) if view is not None else decorate


def _answer(
    entry: CachedRead, request: HttpRequest, page: str, scopes: Sequence[str]
) -> HttpResponseBase:
    response = entry.answer(request)
    response.shared_answer = SharedAnswer(  # type: ignore[attr-defined]
        page=page, scopes=tuple(scopes), versions=entry.versions, etag=entry.etag
    )
    return response


def _fetched(request: HttpRequest, page: str, scopes: Sequence[str]) -> dict[str, Any]:
    """The page's stamp and its scopes' versions: as the replay before the stack fetched
    them a moment ago for this request, else from the cache."""
    fetched = getattr(request, "public_read_fetched", None)
    if fetched is not None and fetched[0] == page and fetched[1] == tuple(scopes):
        return dict(fetched[2])
    return cache.get_many([_stamp_key(page), *scopes])


def _compute(
    view: View, request: HttpRequest, args: Any, kwargs: Any, *, versions: tuple[int, ...]
) -> CachedRead | HttpResponseBase:
    """The view's answer as an entry to share, or as it is when it may not be shared."""
    response = replica.computed(lambda: view(request, *args, **kwargs), after=versions)
    if not isinstance(response, HttpResponse) or not _storable(request, response):
        if response.status_code < 400:
            response["Cache-Control"] = PRIVATE
        return response
    return CachedRead(
        versions=versions,
        status=response.status_code,
        headers=tuple((h, response[h]) for h in KEPT_HEADERS if h in response),
        content=response.content,
        etag='"' + hashlib.blake2b(response.content, digest_size=12).hexdigest() + '"',
        computed_at=time.time(),
        attributes=tuple(
            (a, getattr(response, a)) for a in KEPT_ATTRIBUTES if hasattr(response, a)
        ),
    )


def _wait_for(page: str, versions: tuple[int, ...]) -> CachedRead | None:
    """The copy another process is computing, once it is there; None when it gave up
    (an answer not to share, an error) or took too long."""
    computing = page + ":computing"
    deadline = time.monotonic() + COMPUTING_S
    while time.monotonic() < deadline:
        time.sleep(0.05)
        found = cache.get_many([_stamp_key(page), computing])
        stamp = found.get(_stamp_key(page))
        if isinstance(stamp, Stamp) and stamp.is_fresh(versions):
            return _copy(page, stamp)
        if computing not in found:
            return None
    return None


# The answers this process holds, newest used last, up to HELD_BYTES of content.
HELD_BYTES = 32 * 1024 * 1024
_held = HeldAnswers[CachedRead](HELD_BYTES, size=lambda entry: len(entry.content))


def _stamp_key(page: str) -> str:
    # Not the page's own key, under which a process of the previous release keeps (and
    # reads) a whole answer: during a rolling deploy neither finds the other's objects.
    return f"{page}:stamp"


def _answer_key(page: str, etag: str) -> str:
    return f"{page}:{etag.strip(chr(34))}"


def _keep(page: str, entry: CachedRead) -> None:
    """Share a computed copy: the answer first, then the stamp that points at it."""
    timeout = settings.PUBLIC_READS_TIMEOUT * KEPT_STALE
    key = _answer_key(page, entry.etag)
    cache.set(key, entry, timeout=timeout)
    cache.set(_stamp_key(page), entry.stamp, timeout=timeout)
    _held.put(key, entry)


def _copy(page: str, stamp: Stamp) -> CachedRead | None:
    """The answer a stamp points at: from this process's memory, else the shared cache."""
    key = _answer_key(page, stamp.etag)
    entry = _held.get(key)
    if entry is not None and entry.versions == stamp.versions:
        return entry
    shared = cache.get(key)
    if not isinstance(shared, CachedRead) or shared.versions != stamp.versions:
        return None
    _held.put(key, shared)
    return shared


def _page_key(request: HttpRequest) -> str:
    # The whole address, host and scheme too: an answer may name its own links
    # (Open311's), which differ between the hosts a site answers on.
    return page_key(request.build_absolute_uri(), translation.get_language())


def page_key(address: str, language: str) -> str:
    """The cache key of a public read's copy in a language (its absolute address with the
    query); the key `+ ":computing"` is held while one process computes it."""
    path = hashlib.blake2b(address.encode(), digest_size=16).hexdigest()
    return f"public-reads:page:{language}:{path}"
