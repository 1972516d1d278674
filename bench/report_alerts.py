"""Alerts about reports: finding who follows the place of a new report, and telling
them all.

In-process, on a throw-away database with the demo (or a `--reuse`d one):

1. `--residents` users (default 20,000) each follow the new reports within 500 m of a
   building of Polotsk (spread over all of its buildings), and one in ten also a
   district or a category;
2. `--samples` new public reports at random buildings: the time to find their
   watchers (`watchers_of_new_report`: the area alerts' boxes on their index, then the
   circle) is the figure (median, p95);
3. one report's whole fan-out (`announce_new_report`, every in-app notification
   written through the outbox), and the same task again, which writes nothing.

    python bench/report_alerts.py [--residents 20000] [--samples 200]
        [--database-url postgres://postgres@127.0.0.1:5432/mycity_alerts_bench]
"""

import argparse
import random
import statistics
import time

from common import CITY, add_database_options, in_bench_database, percentile, timed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_database_options(parser, appeals=0)
    parser.add_argument("--residents", type=int, default=20_000)
    in_bench_database(parser.parse_args(), "mycity-alerts-", run)


def run(options: argparse.Namespace) -> None:
    import django

    django.setup()
    from django.db import connection

    from mycity.accounts.models import User
    from mycity.appeals.actions.submission import AppealDraft, submit_appeal
    from mycity.appeals.alerts import announce_new_report, watchers_of_new_report
    from mycity.appeals.models import Appeal, Category, ReportAlert, ReportAlertKind
    from mycity.cities.models import Building, City, District
    from mycity.core.geo import box_around
    from mycity.notify.models import Notification

    city = City.objects.get(slug=CITY)
    buildings = list(Building.objects.filter(city=city).values_list("pk", "lat", "lon"))
    districts = list(District.objects.filter(city=city).values_list("pk", flat=True))
    categories = list(
        Category.objects.filter(city=city, kind="problem", is_public=True).values_list(
            "pk", flat=True
        )
    )
    rng = random.Random(options.seed)

    started = time.monotonic()
    first = User.objects.count()
    User.objects.bulk_create(
        (
            User(email=f"alert{first + n}@residents.example", language="ru")
            for n in range(options.residents)
        ),
        batch_size=2000,
    )
    residents = list(
        User.objects.filter(email__endswith="@residents.example").values_list("pk", flat=True)
    )

    def area(n: int, pk: int) -> ReportAlert:
        _id, lat, lon = buildings[n % len(buildings)]
        box = box_around(lat, lon, 500)
        return ReportAlert(
            user_id=pk,
            city=city,
            kind=ReportAlertKind.AREA,
            lat=lat,
            lon=lon,
            radius_m=500,
            min_lat=box.min_lat,
            max_lat=box.max_lat,
            min_lon=box.min_lon,
            max_lon=box.max_lon,
            channels=["in_app"],
        )

    rows = [area(n, pk) for n, pk in enumerate(residents)]
    for n, pk in enumerate(residents[::10]):
        if districts and n % 2:
            rows.append(
                ReportAlert(
                    user_id=pk,
                    city=city,
                    kind=ReportAlertKind.DISTRICT,
                    district_id=districts[n % len(districts)],
                    channels=["in_app"],
                )
            )
        elif categories:
            rows.append(
                ReportAlert(
                    user_id=pk,
                    city=city,
                    kind=ReportAlertKind.CATEGORY,
                    category_id=categories[n % len(categories)],
                    channels=["in_app"],
                )
            )
    ReportAlert.objects.bulk_create(rows, batch_size=2000, ignore_conflicts=True)
    print(
        f"{connection.vendor}: {ReportAlert.objects.count()} alerts of {len(residents)} "
        f"residents over {len(buildings)} buildings in {time.monotonic() - started:.1f} s"
    )

    category = Category.objects.get(pk=categories[0])
    reports = []
    # A resident files at most so many reports an hour: each report its own applicant.
    applicants = User.objects.filter(pk__in=residents[: options.samples])
    for applicant in applicants:
        _building, lat, lon = rng.choice(buildings)
        draft = AppealDraft(
            category_slug=category.slug,
            description="Бенчмарк оповещений",
            lat=lat,
            lon=lon,
            consent=True,
        )
        reports.append(submit_appeal(applicant=applicant, city=city, draft=draft).appeal.pk)
    public = list(Appeal.objects.filter(pk__in=reports, is_public=True).select_related("category"))
    watchers = []
    times = []
    for report in public:
        ms, found = timed(lambda report=report: watchers_of_new_report(report))
        times.append(ms)
        watchers.append(len(found))
    print(
        f"{len(public)} new reports: finding their watchers, ms | median "
        f"{statistics.median(times):.2f} | p95 {percentile(times, 0.95):.2f} | max "
        f"{max(times):.2f} (watchers each: median {statistics.median(watchers):.0f}, "
        f"max {max(watchers)})"
    )
    busiest = max(public, key=lambda r: len(watchers_of_new_report(r)))
    fan_ms, written = timed(lambda: announce_new_report.call(busiest.pk))
    told = Notification.objects.filter(dedupe_key=f"report:{busiest.pk}:new").count()
    print(
        f"the busiest report's fan-out: {written} notifications written in {fan_ms:.0f} ms "
        f"({told} in the database)"
    )
    again_ms, again = timed(lambda: announce_new_report.call(busiest.pk))
    print(f"the same task again: {again} written in {again_ms:.0f} ms")


if __name__ == "__main__":
    main()
