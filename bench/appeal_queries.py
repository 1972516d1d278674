"""Time the public-report queries on a database of generated appeals, and show their plans.

For 200 random map boxes and points inside Polotsk (each with a random public category)
it times, sequentially and without load:

- the selector `appeals.selectors.public_reports` (SQL, rows and model objects),
- its SQL alone (execute and fetch; on PostgreSQL also the server's own planning and
  execution time from EXPLAIN ANALYZE),
- the whole HTTP answer in-process (Django's test client: middleware, view, JSON),

and the same for the default map (a box, all categories). It prints median, p95 and
max, then the query plans (EXPLAIN QUERY PLAN on SQLite, EXPLAIN ANALYZE on
PostgreSQL) so one can see which index is used.

    python bench/appeal_queries.py [--appeals 100000] [--samples 200]
        [--database-url postgres://postgres@127.0.0.1:5432/mycity_queries]
        [--reuse [--var-dir DIR]]      # an existing database (e.g. bench/run.py --keep)
        [--index "CREATE INDEX … ON appeals_appeal (…)"] [--drop-index NAME] [--analyze]
"""

import argparse
import random
import statistics
import sys
import time
from collections.abc import Callable
from typing import Any

from common import CITY, add_database_options, in_bench_database, percentile, timed

# Map boxes: half-sides from a street to a district (a phone's map at zoom 14–17).
HALF_SIDE_M = (250, 1000)
RADIUS_M = 500
TARGET_QUERY_MS = 10
CHUNK = 100  # rows the near query's first chunk holds (public_reports: limit * 2)
TARGET_HTTP_MS = 30


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_database_options(parser)
    parser.add_argument("--index", action="append", default=[], help="SQL run before timing")
    parser.add_argument("--drop-index", action="append", default=[], help="index names")
    parser.add_argument("--analyze", action="store_true", help="ANALYZE first (SQLite)")
    parser.add_argument(
        "--only",
        action="append",
        default=[],
        help="time only this query: 'bbox, all', 'bbox+category', '500 m+category'",
    )
    in_bench_database(parser.parse_args(), "mycity-queries-", run)


def run(options: argparse.Namespace) -> None:
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from mycity.appeals.models import Appeal, AppealKind, Category
    from mycity.appeals.selectors import ReportFilters, public_reports
    from mycity.cities.models import Building, City
    from mycity.core.geo import box_around

    postgres = connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        for name in options.drop_index:
            cursor.execute(f"DROP INDEX IF EXISTS {connection.ops.quote_name(name)}")
        for statement in options.index:
            started = time.monotonic()
            cursor.execute(statement)
            print(f"created in {time.monotonic() - started:.1f} s: {statement}")
        if postgres:
            cursor.execute("ANALYZE")  # a freshly loaded table has no statistics yet
        elif options.analyze:
            cursor.execute("ANALYZE")

    city = City.objects.get(slug=CITY)
    appeals = Appeal.objects.filter(city=city).count()
    public = Appeal.objects.filter(city=city, is_public=True).count()
    categories = list(
        Category.objects.filter(
            city=city, kind=AppealKind.PROBLEM, is_public=True, children__isnull=True
        ).values_list("slug", flat=True)
    )
    rng = random.Random(options.seed)
    buildings = list(Building.objects.filter(city=city).values_list("lat", "lon"))
    samples = []
    for _ in range(options.samples):
        lat, lon = rng.choice(buildings)
        box = box_around(lat, lon, rng.uniform(*HALF_SIDE_M))
        samples.append(
            (
                (
                    round(box.min_lat, 5),
                    round(box.min_lon, 5),
                    round(box.max_lat, 5),
                    round(box.max_lon, 5),
                ),
                (lat, lon),
                rng.choice(categories),
            )
        )
    engine = "PostgreSQL" if postgres else "SQLite (WAL)"
    print(
        f"mycity appeal queries: {engine}, {appeals} appeals of {CITY} ({public} public), "
        f"{len(samples)} samples (boxes of {2 * HALF_SIDE_M[0]}–{2 * HALF_SIDE_M[1]} m, "
        f"points with {RADIUS_M} m), a random public category each"
    )
    print("indexes on appeals_appeal:")
    for name, definition in _indexes(connection):
        print(f"  {name}: {definition}")

    client = Client(HTTP_HOST="127.0.0.1")
    shapes: dict[str, Callable[[tuple[Any, ...]], tuple[ReportFilters, str]]] = {
        "bbox, all": lambda s: (
            ReportFilters(bbox=s[0]),
            f"bbox={','.join(str(v) for v in s[0])}",
        ),
        "bbox+category": lambda s: (
            ReportFilters(categories=(s[2],), bbox=s[0]),
            f"bbox={','.join(str(v) for v in s[0])}&category={s[2]}",
        ),
        "500 m+category": lambda s: (
            ReportFilters(categories=(s[2],), near=(s[1][0], s[1][1], RADIUS_M)),
            f"near={s[1][0]},{s[1][1]}&radius={RADIUS_M}&category={s[2]}",
        ),
    }
    rows: list[tuple[str, str, list[float], list[int]]] = []
    plans: dict[str, str] = {}
    for name, make in shapes.items():
        if options.only and name not in options.only:
            continue
        selector_ms, sql_ms, server_ms, http_ms, found = [], [], [], [], []
        for index, sample in enumerate(samples):
            filters, params = make(sample)
            # Warm once (and capture the SQL), then time.
            with CaptureQueriesContext(connection) as captured:
                public_reports(city, filters)
            sql = captured.captured_queries[-1]["sql"]
            if sql.startswith("DECLARE "):  # iterator() on PostgreSQL: a server-side cursor
                sql = sql[sql.index(" FOR SELECT ") + len(" FOR ") :]
            elapsed, result = timed(lambda f=filters: public_reports(city, f))
            selector_ms.append(elapsed)
            found.append(len(result))
            # The near query has no LIMIT: the selector reads it a chunk at a time.
            elapsed, _rows = timed(lambda q=sql: _fetch(connection, q, CHUNK))
            sql_ms.append(elapsed)
            if postgres:
                server_ms.append(_server_ms(connection, sql))
            url = f"/api/v1/cities/{CITY}/reports?{params}"
            elapsed, response = timed(lambda u=url: client.get(u))
            if response.status_code != 200:
                sys.exit(f"{url} answered {response.status_code}")
            http_ms.append(elapsed)
            if index == 0:
                plans[name] = _plan(connection, sql, postgres)
        rows.append((name, "selector", selector_ms, found))
        rows.append((name, "SQL only", sql_ms, found))
        if server_ms:
            rows.append((name, "server plan+run", server_ms, found))
        rows.append((name, "HTTP in-process", http_ms, found))

    print(
        f"{'query':<16} {'measured':<16} {'median ms':>9} {'p95 ms':>8} {'max ms':>8} "
        f"{'rows':>5}  target"
    )
    for name, what, values, found in rows:
        target = TARGET_HTTP_MS if what.startswith("HTTP") else TARGET_QUERY_MS
        p95 = percentile(values, 0.95)
        verdict = f"p95 {'<' if p95 < target else '≥'} {target} ms"
        print(
            f"{name:<16} {what:<16} {statistics.median(values):>9.2f} {p95:>8.2f} "
            f"{max(values):>8.2f} {statistics.median(found):>5.0f}  {verdict}"
        )
    for name, plan in plans.items():
        print(f"\nplan of {name} (first sample):\n{plan}")


def _fetch(connection: Any, sql: str, rows: int) -> list[Any]:
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return list(cursor.fetchmany(rows))


def _server_ms(connection: Any, sql: str) -> float:
    """PostgreSQL's own planning and execution time of the query (no transfer)."""
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + sql)
        document = cursor.fetchone()[0]
    if isinstance(document, str):
        import json

        document = json.loads(document)
    top = document[0]
    return float(top["Planning Time"]) + float(top["Execution Time"])


def _plan(connection: Any, sql: str, postgres: bool) -> str:
    with connection.cursor() as cursor:
        if postgres:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
            return "\n".join(f"  {row[0]}" for row in cursor.fetchall())
        cursor.execute("EXPLAIN QUERY PLAN " + sql)
        depth: dict[int, int] = {0: 0}
        lines = []
        for node, parent, _unused, detail in cursor.fetchall():
            depth[node] = depth.get(parent, 0) + 1
            lines.append("  " * depth[node] + detail)
        return "\n".join(lines)


def _indexes(connection: Any) -> list[tuple[str, str]]:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'appeals_appeal' "
                "ORDER BY indexname"
            )
        else:
            cursor.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' "
                "AND tbl_name = 'appeals_appeal' ORDER BY name"
            )
        return [(name, definition or "(automatic)") for name, definition in cursor.fetchall()]


if __name__ == "__main__":
    main()
