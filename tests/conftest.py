"""The fixed actors of the specifications: a city and a second city, a resident,
a dispatcher, an executor, an executor of another city, a moderator, a city admin."""

import copy

import pytest
from django.core.cache import cache
from django.db import connections
from django.utils import translation

from mycity.accounts.models import RoleKind, User
from mycity.accounts.services import grant_role
from mycity.cities.models import City, Organisation
from tests.factories import CityFactory, OrganisationFactory, UserFactory

# The categories, organisations and helpers of the appeals specifications, for every app.
pytest_plugins = ["tests.appeal_fixtures"]


@pytest.fixture(autouse=True)
def _fast_and_isolated(settings, tmp_path):
    # Each request activates its language in the thread and leaves it there; a test starts
    # in the default language, whichever test ran before it in this process.
    translation.deactivate()
    # Fast hashing for users made in tests; the default one stays second so the demo
    # users' passwords, hashed outside a test, still verify.
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.MD5PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    ]
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    # Django's test set-up swaps EMAIL_BACKEND for locmem; put ours back so mail goes
    # through the real path (task on commit), ending in the locmem outbox.
    settings.EMAIL_BACKEND = "mycity.core.mail.QueuedEmailBackend"
    settings.EMAIL_DELIVERY_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """On PostgreSQL, a `replica` alias that mirrors the test database (as
    `DATABASE_REPLICA_URL` makes one), for the replica router's specifications
    (tests/core/test_replica.py): it is only an alias, no router is installed."""
    databases = connections.settings  # `settings.DATABASES` itself, before any test database
    default = databases["default"]
    if default["ENGINE"] == "django.db.backends.postgresql" and "replica" not in databases:
        mirror = copy.deepcopy(default)
        mirror["TEST"] = {**mirror["TEST"], "MIRROR": "default"}
        databases["replica"] = mirror


DATABASE_FIXTURES = (
    "db",
    "transactional_db",
    "live_server",
    "django_db_reset_sequences",
    "django_db_serialized_rollback",
)


@pytest.fixture(autouse=True)
def _no_limits_spent(request):
    """Rate limits live in the cache, a table of the database by default; each test that
    uses the database starts with none spent (a transactional test's rows would outlive
    it). A test without the database has no cache to touch."""
    uses_database = request.node.get_closest_marker("django_db") is not None or any(
        name in request.fixturenames for name in DATABASE_FIXTURES
    )
    if uses_database:
        request.getfixturevalue("db")
        cache.clear()


@pytest.fixture
def city(db) -> City:
    return CityFactory(
        slug="polotsk", name_ru="Полоцк", name_be="Полацк", name_en="Polotsk", population=82000
    )


@pytest.fixture
def other_city(db) -> City:
    return CityFactory(
        slug="orsha",
        name_ru="Орша",
        name_be="Орша",
        name_en="Orsha",
        centre_lat=54.5153,
        centre_lon=30.4053,
        population=107000,
    )


@pytest.fixture
def organisation(city) -> Organisation:
    return OrganisationFactory(city=city, slug="zhes-1", name_ru="ЖЭС № 1")


@pytest.fixture
def other_organisation(other_city) -> Organisation:
    return OrganisationFactory(city=other_city, slug="orsha-zhkh")


def person(email: str, kind: RoleKind | None, **scope) -> User:
    user = UserFactory(email=email)
    if kind is not None:
        grant_role(actor=None, user=user, kind=kind, **scope)
    return user


@pytest.fixture
def resident(city) -> User:
    return person("resident@example.org", RoleKind.RESIDENT, city=city)


@pytest.fixture
def dispatcher(city) -> User:
    return person("dispatcher@example.org", RoleKind.DISPATCHER, city=city)


@pytest.fixture
def executor(organisation) -> User:
    return person("executor@example.org", RoleKind.EXECUTOR, organisation=organisation)


@pytest.fixture
def executor_of_other_city(other_organisation) -> User:
    return person("executor@orsha.example.org", RoleKind.EXECUTOR, organisation=other_organisation)


@pytest.fixture
def moderator(city) -> User:
    return person("moderator@example.org", RoleKind.MODERATOR, city=city)


@pytest.fixture
def city_admin(city) -> User:
    return person("admin@example.org", RoleKind.CITY_ADMIN, city=city)


@pytest.fixture
def platform_admin(db) -> User:
    return person("platform@example.org", RoleKind.PLATFORM_ADMIN)


@pytest.fixture
def editor(city) -> User:
    return person("editor@example.org", RoleKind.EDITOR, city=city)


@pytest.fixture(autouse=True)
def _public_reads_computed(settings):
    """Tests write through factories and inside a transaction that never commits, so no
    write would make a cached public read stale: each read is computed (its ETag and
    headers stay). tests/core/test_public_reads.py turns the cache on."""
    settings.PUBLIC_READS_CACHE = False


def bearer(user: User, city: City, *scopes: str) -> dict[str, str]:
    """The header of an API call made with a fresh personal access token of `user` in
    `city` (the `staff` scope unless others are named)."""
    from mycity.appeals.actions.api_keys import issue_api_client

    issued = issue_api_client(city=city, name="test", user=user, scopes=scopes or ("staff",))
    return {"HTTP_AUTHORIZATION": f"Bearer {issued.key}"}
