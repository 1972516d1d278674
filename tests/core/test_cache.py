"""The cache holds the rate limits, so it is one store for every process: the database's
table by default, Redis when asked; never a per-process memory in production."""

import secrets

import pytest
from django.core.cache import caches
from django.core.cache.backends.db import DatabaseCache
from django.db import connection

from mycity.appeals.errors import TooManySubmissions
from tests.appeal_fixtures import submit_report
from tests.core.test_settings import run_mycity


def keys_in_the_cache_table() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT cache_key FROM mycity_cache")
        return [row[0] for row in cursor.fetchall()]


def test_with_nothing_set_the_cache_is_the_database(tmp_path):
    result = run_mycity(
        tmp_path,
        "shell",
        "-c",
        "from django.conf import settings; print(settings.CACHES['default']['BACKEND'])",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "django.core.cache.backends.db.DatabaseCache"


def test_migrate_makes_the_cache_table_so_a_fresh_install_can_count(tmp_path):
    result = run_mycity(
        tmp_path,
        "shell",
        "-c",
        "from django.core.management import call_command; "
        "call_command('migrate', verbosity=0); "
        "from django.core.cache import cache; cache.set('probe', 41); "
        "print(cache.incr('probe'))",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith("42")


def test_production_settings_refuse_a_cache_in_each_process_memory(tmp_path):
    result = run_mycity(
        tmp_path,
        "check",
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="polotsk.example",
        CACHE_URL="locmem://",
    )
    assert result.returncode != 0
    assert "CACHE_URL" in result.stderr


@pytest.mark.django_db
def test_two_cache_connections_see_one_count():
    first = caches.create_connection("default")
    second = caches.create_connection("default")
    assert isinstance(first, DatabaseCache)
    first.set("mycity:probe", 0)
    first.incr("mycity:probe")
    second.incr("mycity:probe")
    assert first.get("mycity:probe") == 2
    assert [key for key in keys_in_the_cache_table() if key.endswith("mycity:probe")]


def test_the_submission_limit_is_counted_where_every_worker_sees_it(
    settings, resident, street_light
):
    settings.APPEAL_SUBMISSIONS_PER_HOUR = 2
    submit_report(resident, street_light)
    del caches["default"]  # the next submission comes through another connection
    submit_report(resident, street_light)
    del caches["default"]
    with pytest.raises(TooManySubmissions):
        submit_report(resident, street_light)
    assert [key for key in keys_in_the_cache_table() if "submissions" in key]


def test_a_failed_sign_in_is_counted_in_the_shared_table(client, dispatcher):
    client.post("/accounts/login/", {"login": dispatcher.email, "password": "wrong-guess"})
    assert [key for key in keys_in_the_cache_table() if "login_failed" in key]
