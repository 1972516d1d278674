"""The figures of written days, shared between readers: a page of a year sums some
150,000 rows (the hotspots' cells of a large city) to show a few hundred numbers that
do not change until one of its days is written again.

What a period shows depends on its daily, monthly and cell rows alone, and those change
only when `aggregation.write_days` replaces them, which replaces the days'
`AggregatedDay` rows in the same transaction (new ids: neither sequence gives an id
twice). So the number and the newest id of the period's written days name the rows it
reads, and figures kept in the cache under them are the figures the rows give now. A
rewritten day (the backfill), the nightly day that closes a period ending today, and a
deleted city change the name; the old entry is never read again and expires.

A monthly table of cells would not have helped: a cell is a small place, and a large
city's 152,232 problem reports of a year (at a million appeals) are 151,604 daily cell
rows and would be 142,923 monthly ones.
"""

import hashlib
from collections.abc import Callable
from typing import TypeVar

from django.core.cache import cache
from django.db.models import Count, Max

from mycity.analytics.figures import Selection
from mycity.analytics.models import AggregatedDay

T = TypeVar("T")

# Raised with every change of what is kept, so a new release never reads an old shape.
VERSION = 1
# Entries of periods nobody opens again leave the cache after a day.
KEPT_S = 24 * 3600


def written_stamp(selection: Selection) -> str:
    """The number and the newest id of the written days of the selection's cities in
    its period: changed by every write of one of them."""
    found = AggregatedDay.objects.filter(
        city_id__in=selection.city_ids, day__gte=selection.start, day__lte=selection.end
    ).aggregate(days=Count("id"), newest=Max("id"))
    return f"{found['days']}:{found['newest']}"


def shared(kind: str, selection: Selection, compute: Callable[[], T]) -> T:
    """`compute()`'s figures of the selection, kept in the cache under the selection and
    the stamp of its written days; computed again once a day of it is written again."""
    name = repr((VERSION, kind, selection, written_stamp(selection)))
    key = f"analytics:written:{hashlib.sha256(name.encode()).hexdigest()}"
    found: T | None = cache.get(key)
    if found is None:
        found = compute()
        cache.set(key, found, KEPT_S)
    return found
