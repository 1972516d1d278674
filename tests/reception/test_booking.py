"""A resident books a slot at a reception, and cancels it; the clerk adds a phone
booking or a walk-in."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import translation

from mycity.reception import services
from mycity.reception.errors import InvalidReception, SlotTaken
from mycity.reception.models import Appointment
from tests.reception.conftest import appointment_at, details, session_at

pytestmark = pytest.mark.django_db


def book(resident, session, index=0, **values):
    return services.book_appointment(
        actor=resident, session=session, starts_at=session.slots[index], details=details(**values)
    )


def problem_fields(error):
    return {d["field"] for d in error.value.as_dict()["details"]}


def test_a_resident_books_a_free_slot(resident, coming_session):
    appointment = book(resident, coming_session, 1)
    assert appointment.resident == resident
    assert appointment.starts_at == coming_session.slots[1]
    assert appointment.booked_through == "online"


def test_one_booking_per_person_per_session(resident, coming_session):
    book(resident, coming_session, 0)
    with pytest.raises(InvalidReception) as refused:
        book(resident, coming_session, 1)
    assert problem_fields(refused) == {"slot"}
    assert Appointment.objects.count() == 1


def test_a_slot_is_booked_once(resident, neighbour, coming_session):
    book(resident, coming_session, 0)
    with pytest.raises(SlotTaken):
        book(neighbour, coming_session, 0)
    assert Appointment.objects.count() == 1


def test_a_slot_in_the_past_is_refused(resident, past_session):
    with pytest.raises(InvalidReception) as refused:
        book(resident, past_session, 0)
    assert problem_fields(refused) == {"slot"}
    assert not Appointment.objects.exists()


def test_a_full_session_is_refused(resident, official, coming_session):
    for index in range(coming_session.capacity):
        appointment_at(coming_session, index)
    with pytest.raises(InvalidReception) as refused:
        book(resident, coming_session, 0)
    assert refused.value.as_dict()["details"][0]["message"] == translation.gettext(
        "There are no free times left at this reception."
    )
    assert Appointment.objects.count() == coming_session.capacity


def test_a_time_of_another_session_is_refused(resident, official, coming_session):
    other = session_at(official, coming_session.starts_at + timedelta(days=1))
    with pytest.raises(InvalidReception) as refused:
        services.book_appointment(
            actor=resident,
            session=coming_session,
            starts_at=other.slots[0],
            details=details(),
        )
    assert problem_fields(refused) == {"slot"}
    assert not Appointment.objects.exists()


def test_name_address_phone_and_subject_are_required(resident, coming_session):
    with pytest.raises(InvalidReception) as refused:
        book(
            resident,
            coming_session,
            applicant_name=" ",
            applicant_address="",
            applicant_phone="",
            subject="",
        )
    assert problem_fields(refused) == {
        "applicant_name",
        "applicant_address",
        "applicant_phone",
        "subject",
    }
    assert not Appointment.objects.exists()


def test_a_cancelled_session_takes_no_bookings(resident, coming_session):
    coming_session.is_cancelled = True
    coming_session.save(update_fields=["is_cancelled"])
    with pytest.raises(InvalidReception):
        book(resident, coming_session)


def test_a_resident_cancels_and_the_slot_is_free_again(resident, neighbour, coming_session):
    mine = book(resident, coming_session, 0)
    cancelled = services.cancel_appointment(actor=resident, appointment=mine)
    assert cancelled.cancelled_at is not None
    theirs = book(neighbour, coming_session, 0)
    assert theirs.starts_at == mine.starts_at
    again = book(resident, coming_session, 1)
    assert again.pk != mine.pk


def test_nobody_cancels_someone_elses_booking(resident, neighbour, coming_session):
    mine = book(resident, coming_session, 0)
    with pytest.raises(PermissionDenied):
        services.cancel_appointment(actor=neighbour, appointment=mine)
    mine.refresh_from_db()
    assert mine.cancelled_at is None


def test_a_reception_that_has_passed_cannot_be_cancelled(resident, past_session):
    appointment = appointment_at(past_session, resident=resident)
    with pytest.raises(InvalidReception):
        services.cancel_appointment(actor=resident, appointment=appointment)


def test_the_clerk_adds_a_phone_booking_and_a_walk_in(clerk, coming_session):
    phoned = services.add_appointment(
        actor=clerk,
        session=coming_session,
        starts_at=coming_session.slots[0],
        details=details(),
        booked_through="phone",
    )
    walked_in = services.add_appointment(
        actor=clerk,
        session=coming_session,
        starts_at=coming_session.slots[1],
        details=details(applicant_name="Сидоров Иван Иванович", applicant_phone=""),
        booked_through="walk_in",
    )
    assert (phoned.booked_through, phoned.resident, phoned.booked_by) == ("phone", None, clerk)
    assert walked_in.booked_through == "walk_in"


def test_a_phone_booking_needs_a_phone_number(clerk, coming_session):
    with pytest.raises(InvalidReception) as refused:
        services.add_appointment(
            actor=clerk,
            session=coming_session,
            starts_at=coming_session.slots[0],
            details=details(applicant_phone=""),
            booked_through="phone",
        )
    assert problem_fields(refused) == {"applicant_phone"}


def test_a_clerk_of_another_city_cannot_add_a_booking(clerk_of_other_city, coming_session):
    with pytest.raises(PermissionDenied):
        services.add_appointment(
            actor=clerk_of_other_city,
            session=coming_session,
            starts_at=coming_session.slots[0],
            details=details(),
            booked_through="walk_in",
        )
    assert not Appointment.objects.exists()
