"""A PostgreSQL replica takes the anonymous public reads off the primary, and only them:
a signed-in visitor, a transaction, a write, a replica that has not replayed what the
page must show or that does not answer, all read the primary. Without
`DATABASE_REPLICA_URL` nothing of it is installed and nothing costs a query."""

import logging
import runpy
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.db import DEFAULT_DB_ALIAS, OperationalError, connections, router, transaction

import mycity
from mycity.cities.models import City
from mycity.core import public_reads, replica

SETTINGS = Path(mycity.__file__).parent / "settings.py"
ON_POSTGRES = django_settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
REPORTS = "/api/v1/cities/polotsk/reports"
FAR_AHEAD = "FFFFFFFF/FFFFFFFF"
NOTHING_LISTENS = 1  # a port


def settings_with(monkeypatch, **env: str) -> dict:
    """The settings module as a process with this environment would read it."""
    for name in ("DATABASE_URL", "DATABASE_REPLICA_URL"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(SETTINGS))


# --- configuration -----------------------------------------------------------------------


def test_a_replica_of_sqlite_is_refused(monkeypatch):
    with pytest.raises(ImproperlyConfigured, match="SQLite has no replicas"):
        settings_with(monkeypatch, DATABASE_REPLICA_URL="sqlite:////tmp/copy.sqlite3")


def test_a_sqlite_replica_of_postgresql_is_refused(monkeypatch):
    with pytest.raises(ImproperlyConfigured, match="both must be postgres"):
        settings_with(
            monkeypatch,
            DATABASE_URL="postgres://mycity@db-1/mycity",
            DATABASE_REPLICA_URL="sqlite:////tmp/copy.sqlite3",
        )


def test_without_a_replica_no_alias_and_no_router_are_installed(monkeypatch):
    read = settings_with(monkeypatch, DATABASE_URL="postgres://mycity@db-1/mycity")
    assert list(read["DATABASES"]) == ["default"]
    assert "DATABASE_ROUTERS" not in read


def test_a_replica_is_read_like_the_primary_and_mirrors_it_in_tests(monkeypatch):
    read = settings_with(
        monkeypatch,
        DATABASE_URL="postgres://mycity@db-1/mycity",
        DATABASE_REPLICA_URL="postgres://mycity@db-2/mycity",
        CONN_MAX_AGE="30",
    )
    primary, copy = read["DATABASES"]["default"], read["DATABASES"]["replica"]
    assert copy["HOST"] == "db-2"
    assert (copy["CONN_MAX_AGE"], copy["CONN_HEALTH_CHECKS"]) == (30, True)
    assert (primary["CONN_MAX_AGE"], primary["CONN_HEALTH_CHECKS"]) == (30, True)
    assert copy["TEST"] == {"MIRROR": "default"}
    assert read["DATABASE_ROUTERS"] == [replica.ROUTER]


@pytest.mark.django_db
def test_without_the_router_a_public_read_costs_no_query_and_a_bump_records_nothing(
    settings, django_assert_num_queries
):
    settings.DATABASE_ROUTERS = []  # what the settings leave without DATABASE_REPLICA_URL
    assert not replica.enabled()
    with django_assert_num_queries(0):
        assert replica.computed(lambda: "page", after=[123]) == "page"
        replica.record_position(123)
    assert cache.get(replica.position_key(123)) is None


# --- whether a replica has replayed enough -----------------------------------------------


def test_positions_compare_in_wal_order_not_as_text():
    assert replica.lsn("0/FFFFFFFF") < replica.lsn("1/0")
    assert replica.lsn("A/0") < replica.lsn("10/0")
    assert replica.caught_up(in_recovery=True, replayed="10/0", needed=["A/0", "F/FFFFFFFF"])
    assert not replica.caught_up(in_recovery=True, replayed="A/0", needed=["10/0"])


def test_a_standby_that_has_replayed_nothing_or_misses_a_position_is_behind():
    assert not replica.caught_up(in_recovery=True, replayed=None, needed=[])
    assert not replica.caught_up(in_recovery=True, replayed="10/0", needed=[replica.UNKNOWN])
    assert replica.caught_up(in_recovery=True, replayed="10/0", needed=[])


def test_a_database_not_in_recovery_holds_everything():
    # The primary itself, or the tests' mirror of it: it has no replay position.
    assert replica.caught_up(in_recovery=False, replayed=None, needed=[FAR_AHEAD])


# --- on PostgreSQL -----------------------------------------------------------------------

on_postgres = [
    pytest.mark.skipif(
        not ON_POSTGRES,
        reason="the replica is PostgreSQL's (WAL positions, a mirror alias): "
        "run with DATABASE_URL=postgres://… as CI's PostgreSQL suite does",
    ),
    pytest.mark.django_db(
        transaction=True, databases=["default", "replica"] if ON_POSTGRES else ["default"]
    ),
]


@pytest.fixture
def routed(settings, monkeypatch):
    settings.DATABASE_ROUTERS = [replica.ROUTER]
    settings.PUBLIC_READS_CACHE = True
    monkeypatch.setattr(replica, "_resting_until", 0.0)


@contextmanager
def statements(alias: str) -> Iterator[list[str]]:
    """The SQL run on a connection meanwhile."""
    seen: list[str] = []

    def note(execute, sql, params, many, context):
        seen.append(sql)
        return execute(sql, params, many, context)

    with connections[alias].execute_wrapper(note):
        yield seen


@contextmanager
def replica_unreachable() -> Iterator[None]:
    copy = connections["replica"]
    port = copy.settings_dict["PORT"]
    copy.close()
    copy.settings_dict["PORT"] = NOTHING_LISTENS
    try:
        yield
    finally:
        copy.close()
        copy.settings_dict["PORT"] = port


def standby(sql: str, params: tuple = ()) -> tuple:
    with connections["replica"].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()


def is_standby() -> bool:
    """Whether the tests' replica is a real streaming standby (`DATABASE_REPLICA_URL` of
    one set for the run, whose test database it replicates), not the mirror alias."""
    return standby("SELECT pg_is_in_recovery()")[0]


def replayed() -> None:
    """Once the replica holds every write made so far (at once on the mirror)."""
    if not is_standby():
        return
    needed = current_position()
    deadline = time.monotonic() + 10
    while standby("SELECT pg_last_wal_replay_lsn() < %s::pg_lsn", (needed,))[0]:
        assert time.monotonic() < deadline, "the standby does not replay"
        time.sleep(0.01)


def page_reads(sql: list[str]) -> list[str]:
    return [statement for statement in sql if "pg_is_in_recovery" not in statement]


def current_position() -> str:
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_lsn()")
        return str(cursor.fetchone()[0])


def wal_diff(a: str, b: str) -> int:
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("SELECT pg_wal_lsn_diff(%s::pg_lsn, %s::pg_lsn)", [a, b])
        return int(cursor.fetchone()[0])


def postgres(test):
    for mark in reversed(on_postgres):
        test = mark(test)
    return test


@postgres
def test_an_anonymous_public_read_is_computed_from_the_replica(routed, client, report):
    replayed()
    with statements("replica") as on_replica, statements("default") as on_primary:
        response = client.get(REPORTS)
    assert response.status_code == 200
    assert "Не горит фонарь" in response.content.decode()
    assert any("appeals_appeal" in sql for sql in page_reads(on_replica))
    assert not any("appeals_appeal" in sql for sql in on_primary)


@postgres
def test_a_signed_in_read_comes_from_the_primary(routed, client, report, resident):
    client.force_login(resident)
    with statements("replica") as on_replica:
        response = client.get(REPORTS)
    assert response.status_code == 200
    assert on_replica == []


@postgres
def test_reads_in_a_transaction_or_after_a_write_come_from_the_primary(routed, city):
    replayed()
    seen: list[str] = []

    def compute() -> None:
        seen.append(router.db_for_read(City))
        with transaction.atomic():
            seen.append(router.db_for_read(City))
        City.objects.filter(pk=city.pk).update(population=82001)
        seen.append(router.db_for_read(City))

    replica.computed(compute, after=())
    assert seen == ["replica", "default", "default"]
    with statements("replica") as on_replica, transaction.atomic():
        replica.computed(lambda: list(City.objects.all()), after=())
    assert on_replica == []


@postgres
def test_a_bump_records_the_primary_position_that_holds_the_write(routed, city):
    before = current_position()
    with transaction.atomic():
        City.objects.filter(pk=city.pk).update(population=82002)
        public_reads.city_changed(city.slug)
    token = cache.get(public_reads.city_scope(city.slug))
    recorded = cache.get(replica.position_key(token))
    assert wal_diff(recorded, before) > 0  # past the write
    assert wal_diff(current_position(), recorded) >= 0


@postgres
def test_a_standby_is_caught_up_exactly_when_postgresql_says_it_replayed_the_position(routed, city):
    before = current_position()
    City.objects.filter(pk=city.pk).update(population=82003)
    after = current_position()
    assert wal_diff(after, before) > 0
    assert not replica.caught_up(in_recovery=True, replayed=before, needed=[after])
    assert replica.caught_up(in_recovery=True, replayed=after, needed=[before, after])
    assert wal_diff(FAR_AHEAD, after) > 0
    assert not replica.caught_up(in_recovery=True, replayed=after, needed=[FAR_AHEAD])


@postgres
@pytest.mark.parametrize("position", [FAR_AHEAD, replica.UNKNOWN])
def test_a_standby_waits_for_a_position_and_the_mirror_holds_any(routed, city, position):
    replayed()
    cache.set(replica.position_key(7), position)
    seen: list[str] = []
    replica.computed(lambda: seen.append(router.db_for_read(City)), after=[7])
    # The mirror is the primary's database itself: not in recovery, nothing to wait for.
    assert seen == (["default"] if is_standby() else ["replica"])


@postgres
def test_a_standby_behind_a_bump_leaves_the_page_to_the_primary_until_it_replays_it(
    routed, client, report
):
    if not is_standby():
        pytest.skip(
            "needs a real streaming standby of the test server as DATABASE_REPLICA_URL "
            "(docs/deploy.md); the mirror alias is never behind"
        )
    replayed()
    client.get(REPORTS)
    standby("SELECT pg_wal_replay_pause()")
    try:
        with transaction.atomic():
            City.objects.filter(pk=report.city_id).update(population=1)
            public_reads.city_changed(report.city.slug)
        with statements("replica") as on_replica, statements("default") as on_primary:
            assert client.get(REPORTS).status_code == 200
        assert page_reads(on_replica) == []
        assert any("appeals_appeal" in sql for sql in on_primary)
    finally:
        standby("SELECT pg_wal_replay_resume()")
    replayed()
    with transaction.atomic():
        City.objects.filter(pk=report.city_id).update(population=2)
        public_reads.city_changed(report.city.slug)
    replayed()
    with statements("replica") as on_replica:
        assert client.get(REPORTS).status_code == 200
    assert any("appeals_appeal" in sql for sql in page_reads(on_replica))


@postgres
def test_a_replica_that_does_not_answer_leaves_the_page_to_the_primary(
    routed, client, report, caplog
):
    with replica_unreachable(), caplog.at_level(logging.WARNING, logger="mycity.core.replica"):
        with statements("default") as on_primary:
            response = client.get(REPORTS)
        assert response.status_code == 200
        assert "Не горит фонарь" in response.content.decode()
        assert any("appeals_appeal" in sql for sql in on_primary)
        assert "The replica failed" in caplog.text
        # It is left alone for a while: the next computation does not try it again.
        caplog.clear()
        seen: list[str] = []
        replica.computed(lambda: seen.append(router.db_for_read(City)), after=())
        assert seen == ["default"]
        assert caplog.text == ""


@postgres
def test_a_replica_lost_mid_computation_has_it_computed_again_on_the_primary(routed, city, caplog):
    runs: list[str] = []

    def compute() -> list[str]:
        names = list(City.objects.values_list("slug", flat=True))
        runs.append(router.db_for_read(City))
        if len(runs) == 1:
            # The replica goes away between two reads of the same page.
            connections["replica"].close()
            connections["replica"].settings_dict["PORT"] = NOTHING_LISTENS
        return [*names, *City.objects.values_list("slug", flat=True)]

    port = connections["replica"].settings_dict["PORT"]
    try:
        with caplog.at_level(logging.WARNING, logger="mycity.core.replica"):
            names = replica.computed(compute, after=())
    finally:
        connections["replica"].close()
        connections["replica"].settings_dict["PORT"] = port
    assert runs == ["replica", "default"]
    assert names == ["polotsk", "polotsk"]
    assert "The replica failed" in caplog.text


def cancelled_on(alias: str):
    """A computation whose query on `alias` is cancelled, as a standby cancels one that
    conflicts with the recovery."""
    runs: list[str] = []

    def compute() -> list[str]:
        runs.append(router.db_for_read(City))
        if len(runs) == 1:
            with connections[alias].cursor() as cursor:
                cursor.execute("SELECT pg_cancel_backend(pg_backend_pid())")
        return runs

    return compute


@postgres
def test_a_query_the_replica_cancels_has_the_computation_run_again_on_the_primary(routed, caplog):
    with caplog.at_level(logging.WARNING, logger="mycity.core.replica"):
        runs = replica.computed(cancelled_on("replica"), after=())
    assert runs == ["replica", "default"]
    assert "The replica failed" in caplog.text


@postgres
def test_a_query_the_primary_cancels_fails_the_computation_as_without_a_replica(routed):
    compute = cancelled_on("default")
    with pytest.raises(OperationalError):
        replica.computed(compute, after=())
    assert compute() == ["replica", "default"]  # run once, on the replica; now outside


@postgres
def test_readyz_reports_the_replica_without_leaving_the_balancer_for_it(routed, client):
    assert client.get("/readyz").json()["checks"]["replica"] == "ok"
    with replica_unreachable():
        response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["checks"]["replica"] == "error: OperationalError"
