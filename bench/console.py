"""Time the staff console's pages on a database of generated appeals.

In-process (Django's test client: every middleware, the view, the template) and
sequentially, without load, it requests `--samples` times each:

- the framework ceiling, `/bench/ceiling` (a view that returns "ok"), for the ratio,
- the dispatcher's queue page with its default filter (the "new" tab),
- the card of a random appeal of the city, as the dispatcher,
- the dispatcher's queue page searching a random word of the category names,
- an executor's queue page, a random card of their organisation, and their search.

It prints median, p95 and max in milliseconds, each median as a multiple of the
ceiling's, and the issue's target for a page (p95 < 150 ms). The issue's target for the
search itself (p95 < 100 ms) is measured without the page by bench/search.py.

    python bench/console.py [--appeals 100000] [--samples 200] [--seed 1]
        [--database-url postgres://postgres@127.0.0.1:5432/mycity_console_bench]
        [--reuse [--var-dir DIR]] [--keep]
"""

import argparse
import os
import random
import statistics
import sys
from typing import Any

from common import CITY, add_database_options, category_words, in_bench_database, percentile, timed

PAGE_MS = 150  # the target at p95


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_database_options(parser)
    in_bench_database(parser.parse_args(), "mycity-console-", run)


def run(options: argparse.Namespace) -> None:
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from mycity.accounts.models import Role, RoleKind
    from mycity.appeals.models import Appeal
    from mycity.cities.models import City

    city = City.objects.get(slug=CITY)
    total = Appeal.objects.filter(city=city).count()
    dispatcher = Role.objects.filter(kind=RoleKind.DISPATCHER, city=city).first()
    # The organisation with the most appeals: the longest executor queue.
    executor = max(
        Role.objects.filter(kind=RoleKind.EXECUTOR, organisation__city=city).select_related(
            "organisation"
        ),
        key=lambda role: Appeal.objects.filter(organisation=role.organisation).count(),
        default=None,
    )
    if dispatcher is None or executor is None:
        sys.exit("the demo has no dispatcher or executor of Polotsk")
    words = category_words(city)
    rng = random.Random(options.seed)
    queue = reverse("console:queue", kwargs={"slug": CITY})

    def cards_of(appeals: Any) -> list[str]:
        ids = list(appeals.values_list("pk", flat=True).order_by("?")[: options.samples])
        return [reverse("console:card", kwargs={"slug": CITY, "appeal_id": pk}) for pk in ids]

    def searches() -> list[str]:
        return [f"{queue}?text={rng.choice(words)}" for _ in range(options.samples)]

    anyone = Client(HTTP_HOST="127.0.0.1")
    as_dispatcher = Client(HTTP_HOST="127.0.0.1")
    as_dispatcher.force_login(dispatcher.user)
    as_executor = Client(HTTP_HOST="127.0.0.1")
    as_executor.force_login(executor.user)
    organisation = executor.organisation.slug
    runs: list[tuple[str, Client, list[str], int]] = [
        ("ceiling (bare view)", anyone, ["/bench/ceiling"] * options.samples, 0),
        ("dispatcher: queue, default filter", as_dispatcher, [queue] * options.samples, PAGE_MS),
        ("dispatcher: card", as_dispatcher, cards_of(Appeal.objects.filter(city=city)), PAGE_MS),
        ("dispatcher: queue, search a word", as_dispatcher, searches(), PAGE_MS),
        (f"executor ({organisation}): queue", as_executor, [queue] * options.samples, PAGE_MS),
        (
            f"executor ({organisation}): card",
            as_executor,
            cards_of(Appeal.objects.filter(organisation=executor.organisation)),
            PAGE_MS,
        ),
        (f"executor ({organisation}): search", as_executor, searches(), PAGE_MS),
    ]
    print(
        f"{connection.vendor}: {total} appeals of {CITY}; {options.samples} requests each; "
        f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
    )
    print(f"{'page':<40} {'median':>8} {'p95':>8} {'max':>8} {'×ceiling':>9} {'target':>7}")
    ceiling = 0.0
    for label, client, urls, target in runs:
        for url in urls[:3]:  # warm the caches and the connection, as a server has them
            client.get(url)
        times = []
        for url in urls:
            elapsed, response = timed(lambda c=client, u=url: c.get(u))
            if response.status_code != 200:
                sys.exit(f"{label}: {url} answered {response.status_code}")
            times.append(elapsed)
        median = statistics.median(times)
        ceiling = ceiling or median
        p95 = percentile(times, 0.95)
        verdict = "" if not target else ("ok" if p95 < target else f"> {target}")
        print(
            f"{label:<40} {median:8.1f} {p95:8.1f} {max(times):8.1f} "
            f"{median / ceiling:9.1f} {verdict:>7}"
        )


if __name__ == "__main__":
    main()
