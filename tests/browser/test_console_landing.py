"""On a phone, a dispatcher finds an appeal by its number whatever tab is open, and
each person lands where their work is."""

import pytest
from playwright.sync_api import expect

from mycity.appeals.actions.moves import answer_appeal
from tests.appeal_fixtures import submit_report
from tests.browser.conftest import sign_in_as
from tests.factories import CategoryFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.parametrize("browser_locale", ["en-US"]),
]


@pytest.fixture
def phone(page):
    page.set_viewport_size({"width": 320, "height": 640})
    return page


@pytest.fixture
def pothole(city, demo):
    return CategoryFactory(
        city=city,
        slug="pothole",
        name_en="Pothole",
        activity="roads",
        default_organisation=demo["roads"],
    )


def test_the_dispatcher_finds_an_answered_appeal_by_its_number_from_the_new_tab(
    site, phone, demo, resident, pothole
):
    answered = submit_report(resident, pothole)
    answer_appeal(actor=demo["executor"], appeal=answered, text="Filled on Monday.")
    submit_report(resident, CategoryFactory(city=pothole.city, slug="bench", activity="parks"))
    sign_in_as(phone, site, "dispatcher")
    expect(phone.locator(".tabs a[aria-current=page]")).to_contain_text("New")
    phone.get_by_label("Number").fill(answered.number)
    phone.get_by_role("button", name="Show").click()
    rows = phone.locator("#queue-rows tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(answered.number)
    expect(rows.first).to_contain_text("Answered")
    # Typing the number also sends the form through htmx: let that answer land too.
    phone.wait_for_load_state("networkidle")


def test_the_executor_lands_on_the_appeals_in_work(site, phone, demo, resident, pothole):
    assigned = submit_report(resident, pothole)
    sign_in_as(phone, site, "executor")
    expect(phone.locator(".tabs a[aria-current=page]")).to_contain_text("In work")
    expect(phone.get_by_role("link", name=assigned.number)).to_be_visible()
