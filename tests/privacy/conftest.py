"""The personal-data officer beside the fixed actors of tests/conftest.py."""

import pytest

from mycity.accounts.models import RoleKind, User
from tests.conftest import person


@pytest.fixture
def privacy_officer(city) -> User:
    return person("privacy@example.org", RoleKind.PRIVACY_OFFICER, city=city)


@pytest.fixture
def privacy_officer_of_other_city(other_city) -> User:
    return person("privacy@orsha.example.org", RoleKind.PRIVACY_OFFICER, city=other_city)


@pytest.fixture
def neighbour(city) -> User:
    return person("neighbour@example.org", RoleKind.RESIDENT, city=city)
