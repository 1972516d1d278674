"""Why each public read costs what it costs: time, queries and a profile, in-process.

Through the whole Django stack (Django's test client: every middleware, the view, the
template or serialiser), one anonymous request at a time, it requests each public read
`--samples` times and prints the median and p95 in milliseconds, the median as a
multiple of the bare view's, and the SQL statements one request runs. `--profile`
prints cProfile's costliest functions for each read (cumulative time, the first
`--top`), so the cause of a cost can be read off: queries, template rendering,
translations, serialisation. `--cold` clears the app-level cache before every request
(what a read costs when it must be computed).

    python bench/public_reads.py --reuse --var-dir /tmp/mycity-bench-… [--profile] [--cold]
    python bench/public_reads.py --appeals 20000 [--keep]
"""

import argparse
import cProfile
import io
import os
import pstats
import statistics
import sys

from common import (
    BBOX,
    CATEGORY,
    CITY,
    add_database_options,
    in_bench_database,
    percentile,
    query,
    timed,
)

_BOX = ",".join(str(v) for v in BBOX)
OPEN311_FILTER = {"jurisdiction_id": CITY, "service_code": CATEGORY}


def public_reads(one_report: int) -> list[tuple[str, str]]:
    """(name, path) of every public read the issue names; `one_report` is a public
    report's id for the single-request reads."""
    reports = f"/api/v1/cities/{CITY}/reports"
    return [
        ("ceiling (bare view)", "/bench/ceiling"),
        ("cities list (API)", "/api/v1/cities"),
        ("cities page", "/cities/"),
        ("city home page", f"/{CITY}/"),
        ("reports list", f"{reports}?{query({'category': CATEGORY})}"),
        ("reports GeoJSON", f"{reports}.geojson?{query({'bbox': _BOX, 'category': CATEGORY})}"),
        ("map page", f"/{CITY}/map/"),
        ("news page", f"/{CITY}/news/"),
        ("notices page", f"/{CITY}/notices/"),
        ("events page", f"/{CITY}/events/"),
        ("places page", f"/{CITY}/places/"),
        ("Open311 services", f"/open311/v2/services.json?jurisdiction_id={CITY}"),
        ("Open311 requests", f"/open311/v2/requests.json?{query(OPEN311_FILTER)}"),
        ("Open311 one request", f"/open311/v2/requests/{one_report}.json?jurisdiction_id={CITY}"),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_database_options(parser, appeals=20_000)
    parser.add_argument("--profile", action="store_true", help="print cProfile's top functions")
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--only", action="append", default=[])
    parser.add_argument("--cold", action="store_true", help="clear the cache before each request")
    in_bench_database(parser.parse_args(), "mycity-public-reads-", run)


def run(options: argparse.Namespace) -> None:
    import django

    django.setup()
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client

    from mycity.appeals.models import Appeal

    one = Appeal.objects.filter(city__slug=CITY, is_public=True).order_by("-id").first()
    if one is None:
        sys.exit(f"{CITY} has no public report")
    client = Client(HTTP_HOST="127.0.0.1")
    reads = public_reads(one.pk)
    if options.only:
        reads = reads[:1] + [r for r in reads[1:] if any(o in r[0] for o in options.only)]
    print(
        f"{connection.vendor}: {Appeal.objects.count()} appeals; {options.samples} requests "
        f"each{' (cold cache)' if options.cold else ''}; load average "
        f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
    )
    print(f"{'read':<24} {'median':>8} {'p95':>8} {'×ceiling':>9} {'queries':>8} {'bytes':>8}")
    ceiling = 0.0
    for name, path in reads:
        for _ in range(3):  # warm the connection and the caches, as a server has them
            client.get(path)
        if options.cold:
            cache.clear()
        queries: list[str] = []

        def counted(execute, sql, params, many, context, seen=queries):  # type: ignore[no-untyped-def]
            seen.append(sql)
            return execute(sql, params, many, context)

        with connection.execute_wrapper(counted):
            response = client.get(path)
        if response.status_code != 200:
            sys.exit(f"{name}: {path} answered {response.status_code}")
        times = []
        profiler = cProfile.Profile() if options.profile else None
        for _ in range(options.samples):
            if options.cold:
                cache.clear()
            if profiler:
                profiler.enable()
            elapsed, _response = timed(lambda p=path: client.get(p))
            if profiler:
                profiler.disable()
            times.append(elapsed)
        median = statistics.median(times)
        ceiling = ceiling or median
        print(
            f"{name:<24} {median:8.2f} {percentile(times, 0.95):8.2f} "
            f"{median / ceiling:9.1f} {len(queries):8d} {len(response.content):8d}"
        )
        if profiler:
            out = io.StringIO()
            pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(options.top)
            print(out.getvalue())


if __name__ == "__main__":
    main()
