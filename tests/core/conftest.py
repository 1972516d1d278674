import os

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


@pytest.fixture
def redis_url():
    """An empty Redis database of this test's own, emptied again afterwards: one per
    pytest-xdist worker (10, 11, …; `TEST_REDIS_URL` names the first), so two workers
    never flush each other's keys, nor the cluster's (database 4). Skipped without a
    Redis, but not in CI, which starts one."""
    base = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/10")
    server, _, first = base.rpartition("/")
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")  # gw0, gw1, … under xdist
    offset = int(worker.removeprefix("gw")) if worker else 0
    url = f"{server}/{int(first) + offset}"
    try:
        connection = redis.Redis.from_url(url, socket_connect_timeout=2)
        connection.ping()
    except redis.exceptions.ConnectionError:
        if os.environ.get("CI"):
            raise
        pytest.skip(f"no Redis at {url} (set TEST_REDIS_URL)")
    connection.flushdb()
    try:
        yield url
    finally:
        connection.flushdb()
