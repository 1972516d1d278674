"""Two residents taking the same slot at the same moment: the database lets one in."""

import pytest
from django.db import connection

from mycity.reception import services
from mycity.reception.errors import SlotTaken
from mycity.reception.models import Appointment, ReceptionSession
from tests.appeals.test_concurrency import race
from tests.reception.conftest import details

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="SQLite serialises writers by itself; row-level races need PostgreSQL",
    ),
]


def test_two_residents_booking_one_slot_at_once_get_one_booking(
    resident, neighbour, coming_session
):
    slot = coming_session.slots[0]

    def book(person):
        mine = ReceptionSession.objects.select_related("official__organisation__city").get(
            pk=coming_session.pk
        )
        return lambda: services.book_appointment(
            actor=person, session=mine, starts_at=slot, details=details()
        )

    outcomes = race(book(resident), book(neighbour))
    assert sum(isinstance(o, Appointment) for o in outcomes) == 1
    assert sum(isinstance(o, SlotTaken) for o in outcomes) == 1
    assert Appointment.objects.filter(starts_at=slot).count() == 1


def test_one_resident_booking_two_slots_at_once_gets_one(resident, coming_session):
    def book(index):
        mine = ReceptionSession.objects.select_related("official__organisation__city").get(
            pk=coming_session.pk
        )
        return lambda: services.book_appointment(
            actor=resident, session=mine, starts_at=mine.slots[index], details=details()
        )

    outcomes = race(book(0), book(1))
    assert sum(isinstance(o, Appointment) for o in outcomes) == 1
    assert Appointment.objects.filter(resident=resident).count() == 1
