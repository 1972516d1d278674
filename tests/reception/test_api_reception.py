"""The personal reception through the API: what a native app shows and does, with the
same rules as the pages (tests/reception/test_pages.py)."""

import pytest

from mycity.reception import services
from mycity.reception.models import Appointment
from tests.api_tokens import bearer, token_for
from tests.reception.conftest import appointment_at, next_week_at, session_at

pytestmark = pytest.mark.django_db

BOOKING = {
    "applicant_name": "Иванова Анна Петровна",
    "applicant_address": "211400, г. Полоцк, ул. Нижне-Покровская, 5, кв. 3",
    "applicant_phone": "+375 29 123-45-67",
    "subject": "Ремонт крыши дома",
}


def book(client, session, slot, credentials, **values):
    return client.post(
        f"/api/v1/cities/polotsk/reception/sessions/{session.pk}/appointments",
        BOOKING | {"starts_at": slot.isoformat()} | values,
        content_type="application/json",
        **credentials,
    )


@pytest.fixture
def token(city, resident):
    return bearer(token_for(resident, city))


def test_anyone_sees_the_schedule_and_the_free_times(client, official, coming_session, neighbour):
    appointment_at(coming_session, 0, resident=neighbour)
    schedule = client.get("/api/v1/cities/polotsk/reception").json()
    [organisation] = schedule
    [row] = organisation["officials"]
    assert row["full_name"] == official.full_name
    assert [(s["id"], s["free"]) for s in row["sessions"]] == [(coming_session.pk, 3)]
    slots = client.get(f"/api/v1/cities/polotsk/reception/sessions/{coming_session.pk}/slots")
    assert slots.status_code == 200
    assert len(slots.json()["slots"]) == 3


def test_a_resident_books_lists_and_cancels_with_a_token(client, resident, token, coming_session):
    booked = book(client, coming_session, coming_session.slots[1], token)
    assert booked.status_code == 201, booked.content
    appointment = Appointment.objects.get()
    assert appointment.resident == resident and appointment.booked_through == "online"
    mine = client.get("/api/v1/cities/polotsk/reception/appointments", **token).json()
    assert [a["id"] for a in mine] == [appointment.pk] == [booked.json()["id"]]
    cancelled = client.post(
        f"/api/v1/cities/polotsk/reception/appointments/{appointment.pk}/cancel", **token
    )
    assert cancelled.status_code == 204
    appointment.refresh_from_db()
    assert appointment.cancelled_at is not None
    assert client.get("/api/v1/cities/polotsk/reception/appointments", **token).json() == []


def test_a_browser_session_books_too(client, resident, coming_session):
    client.force_login(resident)
    assert book(client, coming_session, coming_session.slots[0], {}).status_code == 201


def test_a_taken_time_is_a_409(client, city, resident, neighbour, coming_session):
    appointment_at(coming_session, 0, resident=neighbour)
    refused = book(
        client, coming_session, coming_session.slots[0], bearer(token_for(resident, city))
    )
    assert refused.status_code == 409
    assert refused.json()["code"] == "slot_taken"


def test_a_second_booking_at_one_reception_is_a_409(client, token, coming_session):
    assert book(client, coming_session, coming_session.slots[0], token).status_code == 201
    again = book(client, coming_session, coming_session.slots[1], token)
    assert again.status_code == 409
    assert again.json()["code"] == "already_booked"
    assert Appointment.objects.count() == 1


def test_a_time_that_is_not_the_sessions_is_a_400_on_the_slot(client, token, coming_session):
    wrong = coming_session.slots[0].replace(minute=7)
    refused = book(client, coming_session, wrong, token)
    assert refused.status_code == 400
    assert refused.json()["details"][0]["field"] == "slot"


def test_a_blank_name_is_a_400_naming_the_field(client, token, coming_session):
    refused = book(client, coming_session, coming_session.slots[0], token, applicant_name="   ")
    assert refused.status_code == 400
    assert [d["field"] for d in refused.json()["details"]] == ["applicant_name"]
    assert not Appointment.objects.exists()


def test_a_token_without_the_resident_scope_is_a_403(client, city, resident, coming_session):
    public = bearer(token_for(resident, city, "public"))
    refused = book(client, coming_session, coming_session.slots[0], public)
    assert refused.status_code == 403
    assert refused.json()["code"] == "missing_scope"


def test_anonymous_booking_is_a_401(client, coming_session):
    assert book(client, coming_session, coming_session.slots[0], {}).status_code == 401
    assert client.get("/api/v1/cities/polotsk/reception/appointments").status_code == 401


def test_another_persons_appointment_cannot_be_cancelled(client, neighbour, token, coming_session):
    theirs = appointment_at(coming_session, 0, resident=neighbour)
    refused = client.post(
        f"/api/v1/cities/polotsk/reception/appointments/{theirs.pk}/cancel", **token
    )
    assert refused.status_code == 404
    theirs.refresh_from_db()
    assert theirs.cancelled_at is None


def test_a_session_of_another_city_is_not_found(client, other_city, token, foreign_organisation):
    official = services.add_official(
        actor=None,
        city=other_city,
        organisation=foreign_organisation,
        full_name="Орлов Олег Олегович",
        position="Заместитель председателя",
    )
    theirs = session_at(official, next_week_at())
    assert book(client, theirs, theirs.slots[0], token).status_code == 404
