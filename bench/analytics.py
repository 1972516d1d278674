"""The analytics on a republic's register: the city dashboard and the republic view
(p50/p95), the nightly aggregation of one day for every city, the year's backfill, and
the daily figures' size per year, projected to 10,000,000 appeals.

In-process, on a throw-away database with the demo cities and `--appeals` appeals
spread over the eleven pilot cities by population (the appeals' bulk generator; the
pilot cities get the demo catalogue first), a year of them:

    python bench/analytics.py [--appeals 1000000] [--samples 40]
        [--database-url postgres://postgres@127.0.0.1:5432/mycity_analytics_bench]
"""

import argparse
import io
import os
import time
from datetime import timedelta

from common import add_database_options, in_bench_database, percentile, timed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_database_options(parser, appeals=0)
    parser.add_argument("--spread", type=int, default=1_000_000, help="appeals to generate")
    parser.add_argument(
        "--generate-only", action="store_true", help="stop after generating (with --keep)"
    )
    parser.add_argument(
        "--shard",
        default="0/1",
        help="k/n: generate only every n-th city from the k-th, "
        "so that n processes generate in parallel (PostgreSQL)",
    )
    parser.add_argument(
        "--backfill", action="store_true", help="write the year's figures again (--reuse)"
    )
    options = parser.parse_args()
    options.samples = min(options.samples, 200)
    in_bench_database(options, "mycity-analytics-", run)


def generate(total: int, shard: str = "0/1") -> None:
    from django.db import IntegrityError, connection

    from mycity.appeals.generator import ensure_residents, generate_appeals
    from mycity.appeals.models import Appeal, Category
    from mycity.cities.models import City
    from mycity.demo.loader import DemoReport, load_categories

    if connection.vendor == "sqlite":
        # Several processes plan appeals at once and take turns to write (IMMEDIATE
        # transactions): a batch may wait for the others' batches longer than the
        # settings' ten seconds on a busy machine.
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA busy_timeout = 600000")
    cities = list(City.objects.filter(is_active=True).order_by("-population", "pk"))
    population = sum(c.population for c in cities)
    wanted = {c.pk: round(total * c.population / population) for c in cities}
    # The cities dealt to the shards so that each has about as many appeals to write.
    k, n = (int(part) for part in shard.split("/"))
    loads = [0] * n
    mine = []
    for city in cities:
        lightest = loads.index(min(loads))
        loads[lightest] += wanted[city.pk]
        if lightest == k:
            mine.append(city)
    # The pool of generated residents is shared by the cities: made once, by one shard
    # (another that tries at the same moment finds them made).
    for _attempt in range(5):
        try:
            ensure_residents(cities[0])
            break
        except IntegrityError:
            time.sleep(2)
    started = time.monotonic()

    def progress(done: int, count: int, seconds: float) -> None:
        if done % 50_000 < 5_000 or done == count:
            print(f"    {done}/{count} in {seconds:.0f} s", flush=True)

    for city in mine:
        count = wanted[city.pk]
        # What a run stopped halfway left is kept: only the rest is generated.
        missing = count - Appeal.objects.filter(city=city).count()
        if missing <= count // 100:
            continue
        if not Category.objects.filter(city=city).exists():
            load_categories(city, DemoReport())
        # No full-text index rows: the analytics never search (a fifth of a batch).
        generate_appeals(
            city=city,
            count=missing,
            days=365,
            seed=city.pk + count - missing,
            search_index=False,
            progress=progress,
        )
        print(f"  {city.slug}: {count} appeals ({time.monotonic() - started:.0f} s)", flush=True)


def table_bytes(table: str = "analytics_dailyfigures") -> tuple[int, int]:
    """Rows and bytes (table and its indexes) of the daily (or another) figures."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {table}")  # noqa: S608
        rows = int(cursor.fetchone()[0])
        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_total_relation_size(%s)", [table])
            return rows, int(cursor.fetchone()[0])
        try:
            cursor.execute(
                "SELECT SUM(pgsize) FROM dbstat WHERE name = %s OR name IN (SELECT name "
                "FROM sqlite_master WHERE tbl_name = %s AND type = 'index')",
                [table, table],
            )
            return rows, int(cursor.fetchone()[0] or 0)
        except Exception:
            return rows, 0


def run(options: argparse.Namespace) -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    # A reused database gets the migrations written since it was generated.
    call_command("migrate", verbosity=0)
    from django.test import Client

    from mycity.accounts.models import User
    from mycity.analytics.aggregation import today_in, write_closed_days
    from mycity.analytics.models import AggregatedDay, MonthlyFigures, Observer
    from mycity.appeals.models import Appeal
    from mycity.cities.models import City

    if options.spread and Appeal.objects.count() < options.spread * 99 // 100:
        started = time.monotonic()
        generate(options.spread, options.shard)
        print(f"generated in {time.monotonic() - started:.0f} s", flush=True)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")
    total = Appeal.objects.count()
    cities = list(City.objects.filter(is_active=True).order_by("pk"))
    print(f"{connection.vendor}: {total} appeals in {len(cities)} cities", flush=True)
    if options.generate_only:
        return

    # The year's backfill by the command an operator runs, a month of days per transaction.
    if (
        options.backfill
        or not AggregatedDay.objects.exists()
        or not MonthlyFigures.objects.exists()
    ):
        started = time.monotonic()
        yesterday = today_in(cities[0]) - timedelta(days=1)
        call_command(
            "aggregate_figures",
            "--from", (yesterday - timedelta(days=364)).isoformat(),
            "--to", yesterday.isoformat(),
            stdout=io.StringIO(),
        )  # fmt: skip
        print(f"backfill of 365 days × {len(cities)} cities: {time.monotonic() - started:.1f} s")
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")

    # The nightly run: yesterday for the whole republic, as the task does it.
    runs = []
    for _ in range(3):
        yesterday = today_in(cities[0]) - timedelta(days=1)
        AggregatedDay.objects.filter(day=yesterday).delete()
        runs.append(timed(write_closed_days)[0])
    print(f"nightly aggregation of one day, {len(cities)} cities: "
          f"{min(runs):.0f} ms best, {max(runs):.0f} ms worst of 3")  # fmt: skip

    # A year of each table; linear to 10,000,000 appeals is an upper bound, since the
    # groups of a day (and more so of a month) saturate as appeals grow.
    scale = 10_000_000 / max(total, 1)
    for table in ("analytics_dailyfigures", "analytics_monthlyfigures", "analytics_dailycell"):
        rows, size = table_bytes(table)
        print(f"{table}: {rows:,} rows a year ({rows / max(total, 1):.3f} per appeal), "
              f"{size / 1e6:.1f} MB with indexes; at 10,000,000 appeals at most "
              f"{rows * scale:,.0f} rows, {size * scale / 1e6:,.0f} MB a year")  # fmt: skip

    # The pages, as their readers open them, in this process.
    from allauth.mfa.models import Authenticator

    from mycity.accounts.models import RoleKind
    from mycity.accounts.services import grant_role

    # The city with the most appeals: the largest dashboard is the one to time.
    measured = max(cities, key=lambda c: Appeal.objects.filter(city=c).count())
    slug = measured.slug
    print(f"city dashboard of {slug}: {Appeal.objects.filter(city=measured).count()} appeals")
    mayor, _ = User.objects.get_or_create(email="bench-dispatcher@example.org")
    if not mayor.roles.filter(city=measured).exists():
        grant_role(actor=None, user=mayor, kind=RoleKind.DISPATCHER, city=measured)
    # A dispatcher sees personal data: the console opens once they have a second factor.
    Authenticator.objects.get_or_create(
        user=mayor, type=Authenticator.Type.TOTP, defaults={"data": {"secret": "BENCH"}}
    )
    minister, _ = User.objects.get_or_create(email="bench-ministry@example.org")
    Observer.objects.get_or_create(user=minister, kind="ministry", city=None, region="")
    today = today_in(measured)
    year = {"date_from": (today - timedelta(days=365)).isoformat(),
            "date_to": (today - timedelta(days=1)).isoformat()}  # fmt: skip
    # The figures of written days are shared through the cache (analytics.written):
    # after the warm-up request a page reads them from there. A "cold" case gives them
    # new keys before each request (as a day written again does): the first reader of
    # the period after a backfill. Today's live count stays shared for its minute.
    cases = [
        ("city dashboard, 90 days", mayor, f"/console/analytics/{slug}/", {}, False),
        ("city dashboard, a year", mayor, f"/console/analytics/{slug}/", year, False),
        ("city dashboard, a year, cold", mayor, f"/console/analytics/{slug}/", year, True),
        ("city dashboard, a year, housing", mayor, f"/console/analytics/{slug}/",
         {**year, "sector": "housing"}, False),
        ("republic view, 90 days", minister, "/console/analytics/cities/", {}, False),
        ("republic view, a year", minister, "/console/analytics/cities/", year, False),
        ("republic view, a year, cold", minister, "/console/analytics/cities/", year, True),
        ("heat map, a year", mayor, f"/console/analytics/{slug}/heat.json", year, False),
        ("public performance page", None, f"/{slug}/performance/", {}, False),
        ("API: city figures, a year", mayor, f"/api/v1/analytics/cities/{slug}/figures", year,
         False),
        ("API: city figures, a year, cold", mayor, f"/api/v1/analytics/cities/{slug}/figures",
         year, True),
    ]  # fmt: skip
    from mycity.analytics import written

    print(f"load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    print(f"{'page':<36} {'p50 ms':>8} {'p95 ms':>8}")
    for label, user, url, params, cold in cases:
        client = Client(HTTP_HOST="127.0.0.1")
        if user is not None:
            client.force_login(user)
        client.get(url, params)  # warm
        times = []
        for _ in range(options.samples):
            if cold:
                written.VERSION += 1
            elapsed, response = timed(lambda c=client, u=url, p=params: c.get(u, p))
            assert response.status_code == 200, (url, response.status_code)
            times.append(elapsed)
        print(f"{label:<36} {percentile(times, 0.5):>8.1f} {percentile(times, 0.95):>8.1f}",
              flush=True)  # fmt: skip
    print(f"load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
