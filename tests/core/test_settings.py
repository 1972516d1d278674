"""Settings come from the environment and fail loudly on a value they cannot use."""

import os
import secrets
import subprocess
import sys

import pytest


def run_mycity(tmp_path, *args: str, **env: str) -> subprocess.CompletedProcess:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k
        not in ("DEBUG", "SECRET_KEY", "DATABASE_URL", "ALLOWED_HOSTS", "CACHE_URL", "TASKS_URL")
    }
    clean.update({"MYCITY_VAR_DIR": str(tmp_path / "var"), **env})
    if args and args[0] == "shell":
        args = (*args, "--no-imports")
    return subprocess.run(
        [sys.executable, "-m", "mycity.cli", *args],
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_production_settings_pass_the_deploy_check_without_warnings(tmp_path):
    result = run_mycity(
        tmp_path,
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="polotsk.example",
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_debug_off_without_a_secret_refuses_to_start(tmp_path):
    result = run_mycity(tmp_path, "check", DEBUG="false")
    assert result.returncode != 0
    assert "Set SECRET_KEY" in result.stderr


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("DEBUG", "maybe"),
        ("CONN_MAX_AGE", "ten"),
        ("CACHE_URL", "memcached://x"),
        ("TASKS_URL", "amqp://x"),
    ],
)
def test_an_unparseable_setting_stops_the_process(tmp_path, name, value):
    result = run_mycity(tmp_path, "check", **{name: value})
    assert result.returncode != 0
    assert name in result.stderr


def test_with_nothing_set_the_demo_runs_on_sqlite_in_var(tmp_path):
    result = run_mycity(
        tmp_path,
        "shell",
        "-c",
        "from django.conf import settings; "
        "print(settings.DEBUG, settings.DATABASES['default']['NAME'])",
    )
    assert result.returncode == 0, result.stderr
    debug, name = result.stdout.split()
    assert debug == "True"
    assert name == str(tmp_path / "var" / "mycity.sqlite3")


@pytest.mark.django_db
def test_sqlite_runs_in_wal_mode_with_a_busy_timeout(settings):
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("SQLite only")
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA busy_timeout")
        assert cursor.fetchone()[0] == 10000
        cursor.execute("PRAGMA journal_mode")
        # The test database lives in memory, where WAL is impossible; the pragma is
        # still sent, and on a file database it takes effect (see the next test).
        assert cursor.fetchone()[0] in ("wal", "memory")


def test_the_demo_database_file_is_in_wal_mode(tmp_path):
    result = run_mycity(
        tmp_path,
        "shell",
        "-c",
        "from django.db import connection; c = connection.cursor(); "
        "c.execute('PRAGMA journal_mode'); print(c.fetchone()[0])",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "wal"


def test_redis_cache_and_task_queue_are_chosen_by_url(tmp_path):
    result = run_mycity(
        tmp_path,
        "shell",
        "-c",
        "from django.conf import settings; "
        "print(settings.CACHES['default']['BACKEND']); "
        "print(settings.TASKS['default']['BACKEND'])",
        CACHE_URL="redis://127.0.0.1:6379/1",
        TASKS_URL="redis://127.0.0.1:6379/2",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "django.core.cache.backends.redis.RedisCache",
        "django_tasks_rq.RQBackend",
    ]


def test_the_identity_providers_origin_may_receive_the_sign_in_form(tmp_path):
    result = run_mycity(
        tmp_path,
        "shell",
        "-c",
        "from django.conf import settings; "
        "print(settings.CONTENT_SECURITY_POLICY['DIRECTIVES']['form-action'])",
        OIDC_SERVER_URL="https://id.example.by/realms/citizens",
    )
    assert result.returncode == 0, result.stderr
    assert "'https://id.example.by'" in result.stdout
