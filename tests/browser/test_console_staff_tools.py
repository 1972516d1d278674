"""The console's staff tools in Chromium, where htmx does the work: an answer started
from a template, and several reports routed at once from the queue."""

import pytest
from django.test import Client
from playwright.sync_api import Page, expect

from mycity.accounts.models import RoleKind
from mycity.appeals.models import Appeal
from mycity.console.services import create_answer_template
from tests.appeal_fixtures import submit_report
from tests.conftest import _person
from tests.factories import CategoryFactory, OrganisationFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.parametrize("browser_locale", ["en-US"]),
]


@pytest.fixture
def demo(settings, city):
    settings.MYCITY_DEMO_SIGNIN = True
    roads = OrganisationFactory(
        city=city, slug="roads", name_en="Road Service", activities=["roads"]
    )
    return {
        "dispatcher": _person("dispatcher@polotsk.example", RoleKind.DISPATCHER, city=city),
        "executor": _person("executor@polotsk.example", RoleKind.EXECUTOR, organisation=roads),
        "roads": roads,
    }


def sign_in_as(page: Page, site, role: str) -> None:
    page.goto(site.url + "/console/demo/")
    page.locator("form", has=page.locator(f"button[value='{role}']")).get_by_role(
        "button", name="Sign in"
    ).click()


def status_seen_by_applicant(appeal: Appeal) -> dict:
    client = Client()
    client.force_login(appeal.applicant)
    return client.get(f"/api/v1/appeals/{appeal.pk}").json()


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
    page.get_by_label("Start from a template").select_option(label="Filled")
    answer = page.locator("textarea[name=text]")
    expect(answer).to_have_value(f"The pothole of appeal {appeal.number} was filled.")
    page.get_by_role("button", name="Send the answer").click()
    expect(page.locator(".status")).to_have_text("Answered")
    seen = status_seen_by_applicant(appeal)
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
    assert status_seen_by_applicant(first)["status"] == "assigned"
    assert status_seen_by_applicant(second)["organisation"]["slug"] == "roads"
