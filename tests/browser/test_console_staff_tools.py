"""The console's staff tools in Chromium, where htmx does the work: an answer started
from a template, and several reports routed at once from the queue."""

import pytest
from playwright.sync_api import expect

from mycity.console.services import create_answer_template
from tests.appeal_fixtures import submit_report
from tests.browser.conftest import as_applicant, htmx_settled, sign_in_as
from tests.factories import CategoryFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.parametrize("browser_locale", ["en-US"]),
]


def test_an_executor_answers_from_a_template(site, page, demo, resident, city):
    pothole = CategoryFactory(city=city, slug="pothole", name_en="Pothole", activity="roads")
    appeal = submit_report(resident, pothole)
    create_answer_template(
        actor=demo["executor"],
        organisation=demo["roads"],
        title="Filled",
        text="The pothole of appeal {number} was filled.",
    )
    sign_in_as(page, site, "executor")
    page.get_by_role("link", name="In work").click()
    page.get_by_role("link", name=appeal.number).click()
    page.get_by_role("button", name="Take into work").click()
    expect(page.locator(".status")).to_have_text("In progress")
    # The answer form came with that swap: its template choice listens once wired.
    htmx_settled(page)
    page.get_by_label("Start from a template").select_option(label="Filled")
    answer = page.locator("textarea[name=text]")
    expect(answer).to_have_value(f"The pothole of appeal {appeal.number} was filled.")
    page.get_by_role("button", name="Send the answer").click()
    expect(page.locator(".status")).to_have_text("Answered")
    seen = as_applicant(appeal)
    assert seen["answers"][0]["text"] == f"The pothole of appeal {appeal.number} was filled."


def test_a_dispatcher_routes_two_reports_at_once(site, page, demo, resident, city):
    unrouted = CategoryFactory(city=city, slug="pothole", name_en="Pothole", activity="gas")
    first, second = (submit_report(resident, unrouted) for _ in range(2))
    sign_in_as(page, site, "dispatcher")
    page.get_by_label(f"Select {first.number}").check()
    page.get_by_label(f"Select {second.number}").check()
    page.locator("#bulk-form select[name=organisation]").select_option("roads")
    page.get_by_role("button", name="Route selected").click()
    expect(page.locator("#bulk-result")).to_contain_text("Done: 2. Refused: 0.")
    # The rows refresh: routed, the reports have left the tab of new ones.
    expect(page.locator("#queue-rows")).not_to_contain_text(first.number)
    assert as_applicant(first)["status"] == "assigned"
    assert as_applicant(second)["organisation"]["slug"] == "roads"
