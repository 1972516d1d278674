"""Why a submission with a photo costs what it costs: time, queries and a profile,
in-process.

Through the whole Django stack (Django's test client: every middleware, the endpoint,
the services), the demo resident posts the load's own submission (a street-light report
with a 1600×1200 JPEG, bearer token) `--samples` times, one at a time, and this prints
the median and p95 in milliseconds, the SQL statements one submission runs, and with
`--profile` cProfile's costliest functions. The storage is what the environment says:
local files, or S3 when `S3_BUCKET` and its settings are set (SeaweedFS in the cluster).

    python bench/submissions.py --database-url postgres://postgres@127.0.0.1:5432/mycity_submit
    python bench/submissions.py --reuse --var-dir /tmp/mycity-bench-… --profile
"""

import argparse
import cProfile
import io
import os
import pstats
import statistics
import sys
import time
from collections import Counter

from common import CITY, RESIDENT, add_database_options, in_bench_database, percentile, timed
from run import SUBMIT, phone_photo, submission_body


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_database_options(parser, appeals=2_000)
    parser.set_defaults(samples=60)
    parser.add_argument("--profile", action="store_true", help="print cProfile's top functions")
    parser.add_argument(
        "--cpu", action="store_true", help="profile this process's CPU time, not the clock's"
    )
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--sort", default="cumulative", help="cProfile's sort key")
    parser.add_argument("--sql", action="store_true", help="print each SQL statement")
    in_bench_database(parser.parse_args(), "mycity-submissions-", run)


def run(options: argparse.Namespace) -> None:
    import django

    django.setup()
    from django.db import connection
    from django.test import Client

    from mycity.accounts.models import User
    from mycity.appeals.actions.api_keys import issue_api_client
    from mycity.appeals.models import Appeal
    from mycity.cities.models import City

    token = issue_api_client(
        city=City.objects.get(slug=CITY), name="bench", user=User.objects.get(email=RESIDENT)
    ).key
    body, boundary = submission_body(phone_photo())
    client = Client(HTTP_HOST="127.0.0.1", HTTP_AUTHORIZATION=f"Bearer {token}")

    def submit() -> int:
        response = client.generic(
            "POST", SUBMIT[1], body, content_type=f"multipart/form-data; boundary={boundary}"
        )
        if response.status_code != 201:
            sys.exit(f"{SUBMIT[1]} answered {response.status_code}: {response.content[:300]!r}")
        return response.status_code

    for _ in range(3):  # warm the connection and the caches, as a server has them
        submit()
    statements: list[str] = []

    def counted(execute, sql, params, many, context, seen=statements):  # type: ignore[no-untyped-def]
        seen.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(counted):
        submit()
    profiler = None
    if options.profile:
        # The clock's time includes waiting for the database and the storage; the CPU
        # time is what a web node spends of its cores.
        profiler = cProfile.Profile(time.process_time) if options.cpu else cProfile.Profile()
    times, cpu = [], []
    for _ in range(options.samples):
        if profiler:
            profiler.enable()
        started = time.process_time()
        elapsed, _status = timed(submit)
        cpu.append((time.process_time() - started) * 1000)
        if profiler:
            profiler.disable()
        times.append(elapsed)
    print(
        f"{connection.vendor}, storage {'S3' if os.environ.get('S3_BUCKET') else 'local files'}: "
        f"{Appeal.objects.count()} appeals; load average {os.getloadavg()[0]:.1f} on "
        f"{os.cpu_count()} cores"
    )
    print(
        f"submission with a photo: median {statistics.median(times):.1f} ms, "
        f"p95 {percentile(times, 0.95):.1f} ms, {len(statements)} SQL statements"
    )
    # The clock's time waits for the database and the storage and moves with the
    # machine's load; the CPU this process spent is the web node's share of the cores.
    print(f"CPU of this process per submission: median {statistics.median(cpu):.1f} ms")
    kinds = Counter(sql.split(None, 1)[0].upper() for sql in statements)
    print("statements: " + ", ".join(f"{kind} {n}" for kind, n in kinds.most_common()))
    if options.sql:
        for sql in statements:
            print("  " + sql[:160])
    if profiler:
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats(options.sort).print_stats(options.top)
        print(out.getvalue())


if __name__ == "__main__":
    main()
