"""Time the full-text search of appeals on a database of generated appeals.

Fills a throw-away database (migrate, the demo without its appeals, `generate_appeals
polotsk --count N`, which indexes what it writes; `reindex_appeals --missing` for any
appeal left without an index row, then SQLite's FTS `optimize` or PostgreSQL's
ANALYZE), then, for 200 random Russian words of Polotsk's category names, times
sequentially and without load:

- `selectors.search_appeals` over the city's appeals: the ids of the newest 50 matches
  (the index and the sort, no model objects),
- the same for two words at once (an AND),
- the dispatcher's console queue page, `selectors.appeals_handled_by` with `text=` (50
  appeals with their relations and prefetches: what the console renders), and the same
  page without a text, the baseline that tells the search's share,
- an executor's queue page (the search within one organisation's appeals).

It prints median, p95 and max against the issue's target (p95 under 100 ms with
1,000,000 appeals), how many appeals the words match, and one query plan.

    python bench/search.py [--appeals 100000] [--samples 200] [--seed 1]
        [--database-url postgres://postgres@127.0.0.1:5432/mycity_search_bench]
        [--reuse [--var-dir DIR]] [--keep]
"""

import argparse
import os
import random
import statistics
from collections.abc import Callable
from typing import Any

from common import CITY, add_database_options, category_words, in_bench_database, percentile, timed

TARGET_MS = 100
PAGE = 50


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_database_options(parser)
    in_bench_database(parser.parse_args(), "mycity-search-", run)


def run(options: argparse.Namespace) -> None:
    import django

    django.setup()
    from django.db import connection

    from mycity.accounts.models import Role, RoleKind
    from mycity.appeals.models import Appeal, Category
    from mycity.appeals.selectors import QueueFilters, appeals_handled_by, search_appeals
    from mycity.cities.models import City

    city = City.objects.get(slug=CITY)
    appeals = Appeal.objects.filter(city=city)
    total = appeals.count()
    words = category_words(city)
    rng = random.Random(options.seed)
    samples = [rng.choice(words) for _ in range(options.samples)]
    pairs = [" ".join(rng.sample(words, 2)) for _ in range(options.samples)]
    dispatcher = Role.objects.filter(kind=RoleKind.DISPATCHER, city=city).first()
    executor = (
        Role.objects.filter(kind=RoleKind.EXECUTOR, organisation__city=city)
        .order_by("organisation__slug")
        .first()
    )
    print(
        f"{connection.vendor}: {total} appeals of {city.slug}; {len(words)} distinct words "
        f"of {Category.objects.filter(city=city).count()} category names; "
        f"{options.samples} samples"
    )

    def first_page(text: str) -> list[int]:
        found = search_appeals(appeals, text).order_by("-pk").values_list("pk", flat=True)
        return list(found[:PAGE])

    def queue(user: Any) -> Callable[[str], Any]:
        return lambda text: appeals_handled_by(user, city, QueueFilters(text=text), limit=PAGE)

    runs: list[tuple[str, Callable[[str], Any], list[str]]] = [
        ("search_appeals, 1 word, ids", first_page, samples),
        ("search_appeals, 2 words, ids", first_page, pairs),
    ]
    if dispatcher is not None:
        baseline = [""] * len(samples)
        runs.append(
            ("dispatcher's queue page, no text (baseline)", queue(dispatcher.user), baseline)
        )
        runs.append(("dispatcher's queue page", queue(dispatcher.user), samples))
    if executor is not None:
        label = f"executor's queue page ({executor.organisation.slug})"
        runs.append((label, queue(executor.user), samples))
    for text in samples[:5]:  # warm the caches, as a running server has them
        first_page(text)
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(f"{'query':<48} {'median':>8} {'p95':>8} {'max':>8}  (ms; target p95 < {TARGET_MS})")
    for label, call, texts in runs:
        times = [timed(lambda t=text, run=call: run(t))[0] for text in texts]
        print(
            f"{label:<48} {statistics.median(times):8.1f} {percentile(times, 0.95):8.1f} "
            f"{max(times):8.1f}"
        )

    matches = sorted(search_appeals(appeals, word).count() for word in set(samples))
    print(
        f"matches per word: median {statistics.median(matches):.0f}, max {matches[-1]} "
        f"({100 * matches[-1] / max(total, 1):.1f} % of the appeals); "
        f"{sum(1 for m in matches if m == 0)} of {len(matches)} words match none"
    )
    common = max(set(samples), key=lambda w: search_appeals(appeals, w).count())
    sql, params = (
        search_appeals(appeals, common).order_by("-pk").values("pk")[:PAGE].query.sql_with_params()
    )
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}", params)
        else:
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        plan = "\n  ".join(str(row[-1]) for row in cursor.fetchall())
    print(f"plan of the commonest word {common!r}:\n  {plan}")


if __name__ == "__main__":
    main()
