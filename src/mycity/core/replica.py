"""Anonymous public reads from a PostgreSQL streaming replica (`DATABASE_REPLICA_URL`).

PostgreSQL is the one writer; a replica takes reads off it. Only the computation of a
public read (`mycity.core.public_reads`: the same answer for every anonymous visitor)
reads the replica: `computed()` runs it with the `ReplicaRouter` pointing reads there.
Everything else, a signed-in visitor's pages above all (their appeal right after they
submit it), reads the primary, and so does a read inside a transaction or after a write
of the same computation.

A replica lags by milliseconds to seconds, and the public reads' copies make a lag last:
a write bumps its city's version on commit, and a page computed from a replica that has
not replayed that write yet would be kept as current for the new version until the next
write or its timeout. So each bump notes the primary's WAL position under its version
token (`record_position`, before the token is published), and a computation for those
versions reads the replica only when it has replayed every one of them; otherwise the
primary. One key per bump, not one key kept at the newest position: the cache has no
compare-and-set, and two bumps at once could lower a single key under one of them.

A replica that does not answer sends the reads to the primary (a warning in the log)
for `RESTING_S`, rather than failing the page; one that fails in the middle of a
computation (lost, or cancelling a query in a conflict with recovery) has it run again
on the primary. Without `DATABASE_REPLICA_URL` the router
is not installed and `computed()` costs one settings lookup."""

import logging
import time
from collections.abc import Callable, Iterable, Sequence
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections

REPLICA = "replica"
ROUTER = "mycity.core.replica.ReplicaRouter"
# How long a bump's position is kept: a replica further behind than this is broken
# (monitor its lag), and past it a computation no longer waits for that bump.
POSITION_KEPT_S = 3600
# How long a process leaves a replica alone after it failed to answer.
RESTING_S = 10.0
# A position that could not be read from the primary: no replica can be shown to hold it.
UNKNOWN = ""

logger = logging.getLogger(__name__)
T = TypeVar("T")


@dataclass
class _Reading:
    """The computation under way reads the replica, until it writes anything."""

    wrote: bool = False


_reading: ContextVar[_Reading | None] = ContextVar("mycity_replica_reading", default=None)
_resting_until = 0.0


def enabled() -> bool:
    return ROUTER in settings.DATABASE_ROUTERS


def position_key(token: int) -> str:
    return f"public-reads:primary-lsn:{token}"


def record_position(token: int) -> None:
    """Note the primary's WAL position for a public-read version `token` about to be
    published: the write that bumps it has committed, so the position holds it."""
    if not enabled():
        return
    try:
        with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
            cursor.execute("SELECT pg_current_wal_lsn()")
            (position,) = cursor.fetchone()
    except DatabaseError as exc:
        # After the commit: the write stands, so the bump must go on; its readers take
        # the primary, since no replica can be shown to have replayed it.
        logger.warning("The primary's WAL position is unknown (%s)", exc)
        position = UNKNOWN
    cache.set(position_key(token), str(position), timeout=POSITION_KEPT_S)


def lsn(position: str) -> int:
    """A `pg_lsn` as text (`16/B374D848`) as a number, in WAL order."""
    high, low = position.split("/")
    return (int(high, 16) << 32) | int(low, 16)


def caught_up(*, in_recovery: bool, replayed: str | None, needed: Iterable[str]) -> bool:
    """Whether a database holds every write up to the positions `needed`: a standby once
    it has replayed them; one not in recovery (the primary itself, the test database's
    mirror) always."""
    if not in_recovery:
        return True
    if replayed is None:
        # A standby that has replayed nothing since it started.
        return False
    needed = list(needed)
    if UNKNOWN in needed:
        return False
    return all(lsn(replayed) >= lsn(position) for position in needed)


def computed(compute: Callable[[], T], *, after: Sequence[int]) -> T:
    """`compute()`, its reads made on the replica when it holds every write of the public
    read versions `after` (tokens of `public_reads`); otherwise on the primary."""
    if (
        not enabled()
        or _reading.get() is not None
        # Read-your-writes: a transaction reads what it has written, on the primary.
        or connections[DEFAULT_DB_ALIAS].in_atomic_block
        or not _replica_holds(after)
    ):
        return compute()
    reading = _reading.set(_Reading())
    try:
        return compute()
    except DatabaseError as exc:
        # Django marks a connection on which an error other than the data's (a lost
        # connection, a query a standby cancels in a conflict with recovery) was raised.
        if not connections[REPLICA].errors_occurred:
            raise  # the primary's, or the data's: the same on the primary
        _rest(exc)
    finally:
        _reading.reset(reading)
    return compute()


def _replica_holds(after: Sequence[int]) -> bool:
    if time.monotonic() < _resting_until:
        return False
    keys = {token: position_key(token) for token in after}
    found = cache.get_many(list(keys.values())) if keys else {}
    # A version whose position the cache has lost (evicted, or a version started anew)
    # may be newer than the replica: only one older than positions are kept is known
    # to be held by any working replica.
    oldest_kept = time.time_ns() - POSITION_KEPT_S * 1_000_000_000
    needed = {
        token: found.get(key, UNKNOWN if token > oldest_kept else None)
        for token, key in keys.items()
    }
    try:
        with connections[REPLICA].cursor() as cursor:
            cursor.execute("SELECT pg_is_in_recovery(), pg_last_wal_replay_lsn()")
            in_recovery, replayed = cursor.fetchone()
    except DatabaseError as exc:
        _rest(exc)
        return False
    # It has just answered: an error raised on it from here on is the computation's.
    connections[REPLICA].errors_occurred = False
    return caught_up(
        in_recovery=in_recovery,
        replayed=None if replayed is None else str(replayed),
        needed=[str(position) for position in needed.values() if position is not None],
    )


def _rest(exc: Exception) -> None:
    global _resting_until
    logger.warning("The replica failed (%s): public reads use the primary for %s s", exc, RESTING_S)
    _resting_until = time.monotonic() + RESTING_S


class ReplicaRouter:
    """Reads of a computation run by `computed()` go to the replica; every write, and
    every read outside one, inside a transaction or after a write, to the primary."""

    def db_for_read(self, model: type[Any], **hints: Any) -> str:
        reading = _reading.get()
        if (
            reading is None
            or reading.wrote
            or connections[DEFAULT_DB_ALIAS].in_atomic_block
            # The database cache's table (`CACHE_URL=db://`): a lagging copy of a lock
            # or a count is no copy at all.
            or model._meta.app_label == "django_cache"
        ):
            return DEFAULT_DB_ALIAS
        return REPLICA

    def db_for_write(self, model: type[Any], **hints: Any) -> str:
        reading = _reading.get()
        if reading is not None:
            reading.wrote = True
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool:
        # The replica holds the primary's rows: an object read from either is the same.
        return True

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool:
        # A replica is migrated by replaying the primary's.
        return db == DEFAULT_DB_ALIAS
