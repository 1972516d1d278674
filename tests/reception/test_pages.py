"""The reception pages: the public schedule and booking, and the clerk's console."""

from datetime import time

import pytest
from freezegun import freeze_time

from mycity.appeals.models import Appeal
from mycity.reception.forms import slot_value
from mycity.reception.models import Appointment, Official, ReceptionRule, ReceptionSession
from tests.reception.conftest import appointment_at

pytestmark = pytest.mark.django_db

PAGE = "/polotsk/reception/"
CONSOLE = "/console/polotsk/reception/"


def booking(session, index=0, **values):
    return {
        "slot": slot_value(session.slots[index]),
        "applicant_name": "Иванова Анна Петровна",
        "applicant_address": "211400, г. Полоцк, ул. Нижне-Покровская, 5, кв. 3",
        "applicant_phone": "+375 29 123-45-67",
        "subject": "Ремонт крыши",
    } | values


def test_anyone_sees_the_schedule_with_free_times(
    client, coming_session, django_assert_max_num_queries
):
    appointment_at(coming_session)
    with django_assert_max_num_queries(6):
        page = client.get(PAGE)
    text = page.content.decode()
    assert page.status_code == 200
    assert "Петров Пётр Петрович" in text and coming_session.place in text
    assert page.context["schedule"][0].officials[0].sessions[0].free == 3
    assert "Иванова" not in text  # who booked is nobody else's business


def test_the_city_home_links_to_the_reception(client, city):
    assert PAGE in client.get("/polotsk/").content.decode()


def test_booking_asks_to_sign_in(client, coming_session):
    response = client.get(f"{PAGE}sessions/{coming_session.pk}/")
    assert response.status_code == 302 and "/accounts/" in response.url


def test_a_resident_books_and_sees_the_booking(client, resident, coming_session):
    client.force_login(resident)
    response = client.post(f"{PAGE}sessions/{coming_session.pk}/", booking(coming_session, 2))
    assert response.status_code == 302
    appointment = Appointment.objects.get()
    assert appointment.resident == resident
    page = client.get(PAGE).content.decode()
    assert "Ремонт крыши" in page and f"appointments/{appointment.pk}/cancel" in page


def test_a_taken_time_comes_back_with_the_mistake_at_the_field(client, resident, coming_session):
    appointment_at(coming_session, 0)
    client.force_login(resident)
    response = client.post(f"{PAGE}sessions/{coming_session.pk}/", booking(coming_session, 0))
    assert response.status_code == 409
    assert response.context["form"].errors["slot"]
    assert Appointment.objects.count() == 1


def test_a_booking_without_an_address_is_sent_back(client, resident, coming_session):
    client.force_login(resident)
    response = client.post(
        f"{PAGE}sessions/{coming_session.pk}/", booking(coming_session, applicant_address="")
    )
    assert response.status_code == 400
    assert "applicant_address" in response.context["form"].errors
    assert not Appointment.objects.exists()


def test_a_session_of_another_city_is_not_found(client, resident, other_city, coming_session):
    client.force_login(resident)
    assert client.get(f"/orsha/reception/sessions/{coming_session.pk}/").status_code == 404


def test_a_resident_cancels_their_booking_but_not_someone_elses(
    client, resident, neighbour, coming_session
):
    mine = appointment_at(coming_session, 0, resident=resident)
    theirs = appointment_at(coming_session, 1, resident=neighbour)
    client.force_login(resident)
    assert client.post(f"{PAGE}appointments/{theirs.pk}/cancel").status_code == 404
    assert client.post(f"{PAGE}appointments/{mine.pk}/cancel").status_code == 302
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.cancelled_at is not None and theirs.cancelled_at is None


def test_a_resident_cannot_see_the_console_list(client, resident, coming_session):
    client.force_login(resident)
    assert client.get(CONSOLE).status_code == 404
    assert client.get(f"{CONSOLE}sessions/{coming_session.pk}/").status_code == 404


def test_an_editor_is_forbidden_and_a_clerk_of_another_city_does_not_find_it(
    client, editor, clerk_of_other_city, coming_session
):
    client.force_login(editor)
    assert client.get(CONSOLE).status_code == 403
    client.force_login(clerk_of_other_city)
    assert client.get(f"{CONSOLE}sessions/{coming_session.pk}/").status_code == 404
    assert client.get(f"/console/orsha/reception/sessions/{coming_session.pk}/").status_code == 404


def test_the_clerk_sees_the_appointments_and_adds_a_walk_in(client, clerk, coming_session):
    appointment_at(coming_session, 0)
    client.force_login(clerk)
    page = client.get(f"{CONSOLE}sessions/{coming_session.pk}/")
    assert "Иванова Анна Петровна" in page.content.decode()
    assert CONSOLE in client.get("/console/polotsk/intake/").content.decode()  # the nav link
    response = client.post(
        f"{CONSOLE}sessions/{coming_session.pk}/",
        booking(coming_session, 1, applicant_phone="") | {"booked_through": "walk_in"},
    )
    assert response.status_code == 302
    assert Appointment.objects.filter(booked_through="walk_in").count() == 1


@freeze_time("2026-04-01 06:00:00")
def test_the_clerk_adds_an_official_and_times_and_generates_the_sessions_once(
    client, clerk, department
):
    client.force_login(clerk)
    response = client.post(
        f"{CONSOLE}officials/new",
        {
            "official-organisation": department.pk,
            "official-full_name": "Петров Пётр Петрович",
            "official-position": "Начальник управления",
        },
    )
    assert response.status_code == 302
    official = Official.objects.get()
    prefix = f"rule-{official.pk}"
    response = client.post(
        f"{CONSOLE}officials/{official.pk}/rules/new",
        {
            f"{prefix}-repeat": "weekly",
            f"{prefix}-week": "",
            f"{prefix}-weekday": "0",
            f"{prefix}-starts_at": "10:00",
            f"{prefix}-ends_at": "12:00",
            f"{prefix}-slot_minutes": "15",
            f"{prefix}-place": "ул. Ленина, 11, каб. 25",
        },
    )
    assert response.status_code == 302
    assert ReceptionRule.objects.get().starts_at == time(10, 0)
    assert client.post(f"{CONSOLE}generate", {"weeks": "4"}).status_code == 302
    count = ReceptionSession.objects.count()
    assert count == 3  # 6, 13 and 27 April: Monday 20 April is a day off
    client.post(f"{CONSOLE}generate", {"weeks": "4"})
    assert ReceptionSession.objects.count() == count
    assert "Петров Пётр Петрович" in client.get(CONSOLE).content.decode()


def test_times_ending_before_they_start_come_back_with_the_mistake(client, clerk, official):
    client.force_login(clerk)
    prefix = f"rule-{official.pk}"
    response = client.post(
        f"{CONSOLE}officials/{official.pk}/rules/new",
        {
            f"{prefix}-repeat": "weekly",
            f"{prefix}-weekday": "0",
            f"{prefix}-starts_at": "12:00",
            f"{prefix}-ends_at": "10:00",
            f"{prefix}-slot_minutes": "15",
            f"{prefix}-place": "каб. 25",
        },
    )
    assert response.status_code == 400
    assert not ReceptionRule.objects.exists()


def test_the_clerk_records_a_written_appeal_from_the_reception(
    client, clerk, past_session, housing_question
):
    appointment = appointment_at(past_session)
    client.force_login(clerk)
    form = {
        "outcome": "written",
        "record": "Просит отремонтировать кровлю.",
        "category": "housing-question",
    }
    url = f"{CONSOLE}appointments/{appointment.pk}/record"
    assert client.post(url, form).status_code == 302
    assert client.post(url, form).status_code == 302
    appeal = Appeal.objects.get()
    page = client.get(f"{CONSOLE}sessions/{past_session.pk}/").content.decode()
    assert appeal.registration_number in page


def test_an_oral_answer_without_agreement_comes_back_at_the_field(client, clerk, past_session):
    appointment = appointment_at(past_session)
    client.force_login(clerk)
    response = client.post(
        f"{CONSOLE}appointments/{appointment.pk}/record",
        {"outcome": "oral", "record": "Разъяснён порядок."},
    )
    assert response.status_code == 400
    assert "agreed_to_oral_answer" in response.context["form"].errors
