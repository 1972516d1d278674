"""The actors of control: the heads of two organisations, and appeals of the housing
organisation registered on a chosen day with a chosen deadline."""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from mycity.accounts.models import RoleKind, User
from mycity.accounts.services import grant_role
from mycity.appeals.models import Appeal
from tests.appeal_fixtures import submit_report
from tests.factories import UserFactory

MINSK = ZoneInfo("Europe/Minsk")


def minsk(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=MINSK)


def end_of(day: date) -> datetime:
    return datetime.combine(day, time.max, tzinfo=MINSK)


@pytest.fixture(autouse=True)
def _enough_submissions(settings):
    settings.APPEAL_SUBMISSIONS_PER_HOUR = 0


@pytest.fixture
def head(organisation) -> User:
    user = UserFactory(email="head@example.org", full_name="Начальник ЖЭС")
    grant_role(actor=None, user=user, kind=RoleKind.HEAD, organisation=organisation)
    return user


@pytest.fixture
def head_of_lighting(lighting_service) -> User:
    user = UserFactory(email="head@gorsvet.example.org")
    grant_role(actor=None, user=user, kind=RoleKind.HEAD, organisation=lighting_service)
    return user


@pytest.fixture
def make_appeal(resident, leaking_roof):
    """A report assigned to the housing organisation, registered on `registered_on`
    and due at the end of `due_on`."""

    def make(*, registered_on: date = date(2026, 4, 1), due_on: date = date(2026, 5, 15)):
        appeal = submit_report(resident, leaking_roof, extra={"entrance": 1})
        Appeal.objects.filter(pk=appeal.pk).update(
            registered_on=registered_on, term_start=registered_on, deadline=end_of(due_on)
        )
        appeal.refresh_from_db()
        return appeal

    return make


@pytest.fixture
def appeal(make_appeal) -> Appeal:
    return make_appeal()
