import pytest

from tests.core.test_settings import run_mycity


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
