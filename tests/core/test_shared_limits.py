"""Rate limits hold across processes: two processes of the same site count one limit,
in the database's cache table by default and in Redis when CACHE_URL names it."""

import shutil
import textwrap

import pytest
import redis

from tests.core.test_settings import run_mycity

# Failed sign-ins of one account, counted by allauth in the default cache (five in five
# minutes per account: ACCOUNT_RATE_LIMITS["login_failed"]).
FAIL_TO_SIGN_IN = textwrap.dedent(
    """
    import sys
    from django.test import Client
    for n in range(int(sys.argv[1])):
        page = Client(REMOTE_ADDR=f"10.0.0.{n}").post(
            "/accounts/login/",
            {"login": "clerk@example.org", "password": "wrong"},
            HTTP_ACCEPT_LANGUAGE="en",
        )
        print("refused" if b"Too many failed login attempts" in page.content else "wrong")
    """
)


@pytest.fixture
def site(migrated_var, tmp_path):
    """The site's var directory (its database file) for one test."""
    shutil.copytree(migrated_var, tmp_path / "var")
    return tmp_path


def fail_to_sign_in(tmp_path, times: int, **env: str) -> list[str]:
    script = tmp_path / "fail.py"
    script.write_text(FAIL_TO_SIGN_IN)
    result = run_mycity(
        tmp_path,
        "shell",
        "-c",
        f"import sys; sys.argv = ['x', '{times}']; exec(open({str(script)!r}).read())",
        ALLOWED_HOSTS="testserver",
        **env,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.split()[-times:]


def test_a_second_process_sees_the_failed_sign_ins_of_the_first_in_the_database(site):
    assert fail_to_sign_in(site, 3) == ["wrong"] * 3
    assert fail_to_sign_in(site, 3) == ["wrong", "wrong", "refused"]


def test_a_second_process_sees_the_failed_sign_ins_of_the_first_in_redis(site, redis_url):
    assert fail_to_sign_in(site, 3, CACHE_URL=redis_url) == ["wrong"] * 3
    assert fail_to_sign_in(site, 3, CACHE_URL=redis_url) == ["wrong", "wrong", "refused"]
    connection = redis.Redis.from_url(redis_url)
    assert any(b"login_failed" in key for key in connection.keys("*"))
