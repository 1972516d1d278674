"""The committee's reports and the card's repeat-appeal lookup on a city's full register.

In-process, on a throw-away database with the demo and `--appeals` generated appeals
(default 100,000, about a year of a large city):

1. the report (every table) for one month, a quarter and a whole year, city-wide and
   for one organisation, as `reports.tables.build_report` makes it for the page, the
   CSV, the XLSX and the API; then the XLSX of the year;
2. `--samples` times the applicant's earlier appeals on the same subject
   (`appeals.repeats.earlier_appeals`), which the card shows to handling staff.

    python bench/reports.py [--appeals 100000] [--samples 200]
        [--database-url postgres://postgres@127.0.0.1:5432/mycity_reports_bench]
"""

import argparse
import random
import statistics
from datetime import timedelta

from common import CITY, add_database_options, in_bench_database, percentile, timed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_database_options(parser, appeals=100_000)
    in_bench_database(parser.parse_args(), "mycity-reports-", run)


def run(options: argparse.Namespace) -> None:
    import django

    django.setup()
    from django.db import connection
    from django.db.models import Count
    from django.utils import timezone

    from mycity.appeals.models import Appeal
    from mycity.appeals.repeats import earlier_appeals
    from mycity.cities.calendar import calendar_for
    from mycity.cities.models import City
    from mycity.reports.exports import to_xlsx
    from mycity.reports.selectors import ReportFilters
    from mycity.reports.tables import build_report

    city = City.objects.get(slug=CITY)
    calendar = calendar_for(city)
    now = timezone.now()
    today = calendar.local_date(now)
    total = Appeal.objects.filter(city=city).count()
    busiest = (
        Appeal.objects.filter(city=city)
        .exclude(organisation=None)
        .values("organisation")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .first()
    )
    print(f"{connection.vendor}: {total} appeals of {CITY}")
    for label, days in (("month", 31), ("quarter", 92), ("year", 366)):
        for scope, organisations in (
            ("city", None),
            ("organisation", (busiest["organisation"],) if busiest else None),
        ):
            filters = ReportFilters(
                start=today - timedelta(days=days), end=today, organisations=organisations
            )
            build_report(city, filters, calendar=calendar, now=now)  # warm
            runs = [
                timed(lambda f=filters: build_report(city, f, calendar=calendar, now=now))[0]
                for _ in range(5)
            ]
            count = (
                Appeal.objects.filter(
                    city=city, registered_on__gte=filters.start, registered_on__lte=filters.end
                )
                .filter(**({"organisation_id__in": organisations} if organisations else {}))
                .count()
            )
            print(
                f"report, {label:7} {scope:12}: {count:7} appeals, "
                f"median {statistics.median(runs):8.1f} ms"
            )
    year = ReportFilters(start=today - timedelta(days=366), end=today)
    report = build_report(city, year, calendar=calendar, now=now)
    xlsx_ms, body = timed(lambda: to_xlsx(report))
    print(f"XLSX of the year: {len(body) / 1024:.0f} KB in {xlsx_ms:.1f} ms")

    rng = random.Random(options.seed)
    ids = list(
        Appeal.objects.filter(city=city).exclude(applicant=None).values_list("pk", flat=True)
    )
    samples = [Appeal.objects.get(pk=pk) for pk in rng.sample(ids, min(options.samples, len(ids)))]
    lookups = [timed(lambda a=appeal: earlier_appeals(a))[0] for appeal in samples]
    print(
        f"earlier appeals of the applicant: p50 {percentile(lookups, 0.5):.2f} ms, "
        f"p95 {percentile(lookups, 0.95):.2f} ms ({len(lookups)} samples)"
    )


if __name__ == "__main__":
    main()
