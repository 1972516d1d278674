"""The people and the schedule of the reception specifications."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from mycity.accounts.models import RoleKind
from mycity.reception import services
from mycity.reception.models import Appointment, Official, ReceptionSession
from tests.conftest import person
from tests.factories import OrganisationFactory, UserFactory

MINSK = ZoneInfo("Europe/Minsk")


@pytest.fixture
def clerk_of_other_city(other_city):
    return person("intake@orsha.example.org", RoleKind.INTAKE, city=other_city)


@pytest.fixture
def official(city, department) -> Official:
    return services.add_official(
        actor=None,
        city=city,
        organisation=department,
        full_name="Петров Пётр Петрович",
        position="Начальник управления",
    )


def monday_rule(official, **values):
    draft = {
        "repeat": "weekly",
        "weekday": 0,
        "starts_at": time(10, 0),
        "ends_at": time(11, 0),
        "place": "ул. Ленина, 11, каб. 25",
        "slot_minutes": 15,
    } | values
    return services.add_rule(actor=None, official=official, draft=services.RuleDraft(**draft))


def session_at(official, starts_at: datetime, *, minutes: int = 60, slot: int = 15):
    """A session at a given time, as the generator would make it (past ones too)."""
    return ReceptionSession.objects.create(
        official=official,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(minutes=minutes),
        slot_minutes=slot,
        place="ул. Ленина, 11, каб. 25",
    )


def next_week_at(hour: int = 10) -> datetime:
    day = timezone.localtime(timezone.now(), MINSK).date() + timedelta(days=7)
    return datetime.combine(day, time(hour, 0), tzinfo=MINSK)


@pytest.fixture
def coming_session(official) -> ReceptionSession:
    return session_at(official, next_week_at())


@pytest.fixture
def past_session(official) -> ReceptionSession:
    return session_at(official, next_week_at() - timedelta(days=14))


def details(**values) -> services.ApplicantDetails:
    return services.ApplicantDetails(
        **(
            {
                "applicant_name": "Иванова Анна Петровна",
                "applicant_address": "211400, г. Полоцк, ул. Нижне-Покровская, 5, кв. 3",
                "applicant_phone": "+375 29 123-45-67",
                "subject": "Ремонт крыши дома",
            }
            | values
        )
    )


def appointment_at(session, index: int = 0, **values) -> Appointment:
    """A booking kept as the services keep one (past sessions included)."""
    fields = {
        "applicant_name": "Иванова Анна Петровна",
        "applicant_address": "211400, г. Полоцк, ул. Нижне-Покровская, 5, кв. 3",
        "applicant_phone": "+375 29 123-45-67",
        "subject": "Ремонт крыши дома",
    } | values
    return Appointment.objects.create(session=session, starts_at=session.slots[index], **fields)


@pytest.fixture
def neighbour(city):
    user = UserFactory(email="neighbour@example.org", full_name="Сидоров Иван Иванович")
    return user


@pytest.fixture
def foreign_organisation(other_city):
    return OrganisationFactory(city=other_city, slug="orsha-ispolkom", kind="department")
