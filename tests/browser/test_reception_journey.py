"""A resident finds the personal reception from the city's page, books a time with an
official and sees the booking on the reception page."""

import pytest
from playwright.sync_api import expect

from mycity.cities.models import Organisation
from mycity.reception import services
from mycity.reception.models import Appointment
from tests.browser.test_my_appeals import sign_in
from tests.reception.conftest import next_week_at, session_at

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def browser_locale() -> str:
    # The page's words in their source language: the journey, not the translation.
    return "en-US"


def test_a_resident_books_a_reception_time_and_sees_it(site, page, context, city, resident):
    official = services.add_official(
        actor=None,
        city=city,
        organisation=Organisation.objects.get(city=city, slug="ispolkom"),
        full_name="Смирнов Андрей Николаевич",
        position="Председатель райисполкома",
    )
    session = session_at(official, next_week_at(10))
    sign_in(context, site, resident)
    page.goto(site.url + "/polotsk/")
    page.get_by_role("link", name="Personal reception").click()
    expect(page.get_by_role("heading", name="Смирнов Андрей Николаевич")).to_be_visible()
    page.get_by_role("link", name="Book").first.click()
    page.get_by_label("Time").select_option(index=1)
    page.get_by_label("Full name").fill("Иванова Анна Петровна")
    page.get_by_label("Postal address").fill("211400, г. Полоцк, ул. Нижне-Покровская, 5, кв. 3")
    page.get_by_label("Phone").fill("+375 29 123-45-67")
    page.get_by_label("What it is about, in a few words").fill("Ремонт крыши дома")
    page.get_by_role("button", name="Book this time").click()
    expect(page.get_by_role("status").filter(has_text="You are booked")).to_contain_text("10:15")
    bookings = page.locator(".my-bookings")
    expect(bookings).to_contain_text("Ремонт крыши дома")
    expect(bookings).to_contain_text("Смирнов Андрей Николаевич")
    appointment = Appointment.objects.get()
    assert (appointment.resident, appointment.session) == (resident, session)
