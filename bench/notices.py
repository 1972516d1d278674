"""Publishing an outage notice to many subscribed residents, and "does it affect my
address?".

In-process, on a throw-away database with the demo (or `--reuse`d one):

1. `--residents` users (default 20,000, the issue's figure) each subscribe to the
   address of a building of Polotsk (spread over all of its buildings);
2. an editor writes a notice naming every street of the city and publishes it; the
   announcement task's body (`tell_subscribers`) runs here and writes every in-app
   notification: the time from publishing to the last notification written is the
   figure (target < 60 s); it then runs again to show a re-run writes nothing;
3. `--samples` times each: the address check as a query (`notices_affecting`), through
   the REST API, and the citizen page with an address typed (target p95 < 10 ms for
   the check).

    python bench/notices.py [--residents 20000] [--samples 200]
        [--database-url postgres://postgres@127.0.0.1:5432/mycity_notices_bench]
"""

import argparse
import random
import statistics
import time
from datetime import timedelta

from common import CITY, add_database_options, in_bench_database, percentile, timed

FAN_OUT_S = 60
CHECK_MS = 10


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_database_options(parser, appeals=0)
    parser.add_argument("--residents", type=int, default=20_000)
    in_bench_database(parser.parse_args(), "mycity-notices-", run)


def run(options: argparse.Namespace) -> None:
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    from mycity.accounts.models import Role, RoleKind, Subscription, SubscriptionKind, User
    from mycity.cities.models import Building, City, Street
    from mycity.content.announcements import tell_subscribers
    from mycity.content.selectors import notices_affecting
    from mycity.content.services import AddressLine, NoticeDraft, publish_notice, save_notice
    from mycity.notify.models import Notification

    city = City.objects.get(slug=CITY)
    editor = Role.objects.get(kind=RoleKind.EDITOR, city=city).user
    buildings = list(Building.objects.filter(city=city).values_list("pk", flat=True))
    rng = random.Random(options.seed)

    started = time.monotonic()
    first = User.objects.count()
    User.objects.bulk_create(
        (
            User(email=f"bench{first + n}@residents.example", language=rng.choice("rrrbe")[:2])
            for n in range(options.residents)
        ),
        batch_size=2000,
    )
    residents = User.objects.filter(email__endswith="@residents.example").values_list(
        "pk", flat=True
    )
    Subscription.objects.bulk_create(
        (
            Subscription(
                user_id=pk,
                city=city,
                kind=SubscriptionKind.ADDRESS,
                building_id=buildings[n % len(buildings)],
                channels=["in_app"],
            )
            for n, pk in enumerate(residents)
        ),
        batch_size=2000,
        ignore_conflicts=True,
    )
    print(
        f"{connection.vendor}: {len(residents)} residents subscribed to "
        f"{len(buildings)} buildings in {time.monotonic() - started:.1f} s"
    )

    streets = Street.objects.filter(city=city).values_list("pk", flat=True)
    start = timezone.now() + timedelta(hours=6)
    draft = NoticeDraft(
        kind="cold_water",
        title={"ru": "Отключение холодной воды во всём городе (бенчмарк)"},
        starts_at=start,
        ends_at=start + timedelta(hours=4),
        addresses=[AddressLine(street_id=pk) for pk in streets],
    )
    saved_ms, notice = timed(lambda: save_notice(actor=editor, city=city, draft=draft))
    fan_started = time.monotonic()
    publish_notice(actor=editor, notice=notice)
    written = tell_subscribers(notice)
    fan_s = time.monotonic() - fan_started
    told = Notification.objects.filter(dedupe_key=f"notice:{notice.pk}").count()
    again_ms, again = timed(lambda: tell_subscribers(notice))
    print(f"saving the notice ({notice.affected.count()} buildings resolved): {saved_ms:.0f} ms")
    print(
        f"publish → every in-app notification written: {fan_s:.1f} s for {written} "
        f"({written / fan_s:.0f}/s; {told} in the database; target < {FAN_OUT_S} s: "
        f"{'met' if fan_s < FAN_OUT_S and told >= len(residents) else 'NOT met'})"
    )
    print(f"running the announcement again: {again} written in {again_ms:.0f} ms")

    sample = [rng.choice(buildings) for _ in range(options.samples)]
    by_id = Building.objects.in_bulk(sample)
    labels = {
        pk: f"{b.street.name_ru} {b.number}"
        for pk, b in Building.objects.select_related("street").in_bulk(sample).items()
    }
    client = Client(HTTP_HOST="127.0.0.1")
    rows = [
        ("address check (query)", lambda pk: notices_affecting(by_id[pk])),
        (
            "address check (REST API)",
            lambda pk: client.get(f"/api/v1/cities/{CITY}/notices/affecting?building={pk}"),
        ),
        (
            "notices page with an address typed",
            lambda pk: client.get(f"/{CITY}/notices/", {"address": labels[pk]}),
        ),
    ]
    print(f"\n{options.samples} samples each, ms | median | p95 | max")
    for name, call in rows:
        call(sample[0])  # warm
        times = [timed(lambda pk=pk, call=call: call(pk))[0] for pk in sample]
        p95 = percentile(times, 0.95)
        verdict = (
            f" (target < {CHECK_MS}: {'met' if p95 < CHECK_MS else 'NOT met'})"
            if ("query" in name)
            else ""
        )
        print(f"{name} | {statistics.median(times):.2f} | {p95:.2f} | {max(times):.2f}{verdict}")


if __name__ == "__main__":
    main()
