import os
import time

import pytest
import redis

from tests.appeal_fixtures import submit_report
from tests.core.test_settings import run_mycity


@pytest.fixture
def cached_reads(settings):
    """Public reads kept in the shared cache, as in production (tests/conftest.py turns
    them off for every other test)."""
    settings.PUBLIC_READS_CACHE = True


@pytest.fixture
def report(resident, street_light):
    """A public street-light report of Polotsk."""
    return submit_report(resident, street_light, description="Не горит фонарь у моста")


@pytest.fixture(scope="session")
def migrated_var(tmp_path_factory):
    """A var directory whose SQLite database is migrated, with a clerk's account: made
    once, copied by the tests that run mycity in other processes."""
    made = tmp_path_factory.mktemp("site")
    result = run_mycity(
        made,
        "shell",
        "-c",
        "from django.core.management import call_command; call_command('migrate', verbosity=0); "
        "from mycity.accounts.models import User; "
        "User.objects.create_user(email='clerk@example.org', password='right-password-1')",
    )
    assert result.returncode == 0, result.stderr
    return made / "var"


# Redis has 16 databases: the tests lease one of these, whatever the number of xdist workers
# (the cluster keeps 4). The leases live in database 9, which no test empties.
TEST_REDIS_DATABASES = range(10, 16)


@pytest.fixture
def redis_url():
    """An empty Redis database that no other test process uses meanwhile (a lease, so any
    number of xdist workers can share the server), emptied again afterwards.
    `TEST_REDIS_URL` names the server. Skipped without a Redis, but not in CI, which
    starts one."""
    server = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379").rstrip("/")
    try:
        leases = redis.Redis.from_url(f"{server}/9", socket_connect_timeout=2)
        leases.ping()
    except redis.exceptions.ConnectionError:
        if os.environ.get("CI"):
            raise
        pytest.skip(f"no Redis at {server} (set TEST_REDIS_URL)")
    deadline = time.monotonic() + 300
    while True:
        free = (n for n in TEST_REDIS_DATABASES if leases.set(f"lease:{n}", 1, nx=True, ex=600))
        database = next(free, None)
        if database is not None:
            break
        assert time.monotonic() < deadline, "no test database of Redis came free"
        time.sleep(0.5)
    url = f"{server}/{database}"
    connection = redis.Redis.from_url(url)
    connection.flushdb()
    try:
        yield url
    finally:
        connection.flushdb()
        leases.delete(f"lease:{database}")
