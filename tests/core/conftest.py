import pytest

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
