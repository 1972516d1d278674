from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from mycity.appeals.generator import DEFAULT_BATCH, DEFAULT_RESIDENTS, generate_appeals
from mycity.cities.models import City


class Command(BaseCommand):
    help = (
        "Write N realistic appeals of a city over the last days (problem reports and "
        "e-appeals, each with its events, answers and 'me too'), for demos and benchmarks."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("city", help="the city's slug, e.g. polotsk")
        parser.add_argument("--count", type=int, required=True, help="how many appeals")
        parser.add_argument("--days", type=int, default=365, help="over how many past days")
        parser.add_argument("--seed", type=int, default=1, help="the same seed, the same data")
        parser.add_argument(
            "--batch", type=int, default=DEFAULT_BATCH, help="appeals per transaction"
        )
        parser.add_argument(
            "--residents",
            type=int,
            default=DEFAULT_RESIDENTS,
            help="size of the pool of generated applicants",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        city = City.objects.filter(slug=options["city"]).first()
        if city is None:
            raise CommandError(f"There is no city {options['city']!r}.")
        count = options["count"]
        if count < 0 or options["days"] < 1 or options["batch"] < 1:
            raise CommandError("--count must not be negative; --days and --batch positive.")
        step = max(count // 10, options["batch"])

        def progress(done: int, total: int, seconds: float) -> None:
            if done == total or done % step < options["batch"]:
                rate = done / seconds if seconds else 0.0
                self.stdout.write(f"  {done}/{total} appeals, {seconds:.1f} s ({rate:.0f}/s)")

        report = generate_appeals(
            city=city,
            count=count,
            days=options["days"],
            seed=options["seed"],
            batch_size=options["batch"],
            residents=options["residents"],
            progress=progress if options["verbosity"] >= 1 else None,
        )
        statuses = ", ".join(f"{status} {n}" for status, n in report.statuses.most_common())
        self.stdout.write(
            f"Generated {report.appeals} appeals of {city.slug} ({report.numbers[0]} … "
            f"{report.numbers[1]}), {report.events} events, {report.answers} answers, "
            f"{report.me_too} 'me too', {report.residents_created} new residents "
            f"in {report.seconds:.1f} s.\n  {statuses}"
        )
