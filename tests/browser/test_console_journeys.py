"""The staff console's journeys in Chromium: a report routed, answered, moderated, and
what its applicant then sees through the API."""

import pytest
from django.test import Client
from playwright.sync_api import expect

from mycity.appeals.models import Appeal
from tests.appeal_fixtures import jpeg, submit_report
from tests.browser.conftest import as_applicant, sign_in_as
from tests.factories import CategoryFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.parametrize("browser_locale", ["en-US"]),
]


def test_a_dispatcher_routes_a_new_report(site, page, demo, resident, city):
    pothole = CategoryFactory(city=city, slug="pothole", name_en="Pothole", activity="gas")
    appeal = submit_report(resident, pothole, description="A deep pothole by the bus stop")
    assert appeal.organisation is None
    sign_in_as(page, site, "dispatcher")
    page.get_by_role("link", name=appeal.number).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Appeal {appeal.number}")
    expect(page.get_by_text(resident.email)).to_be_visible()
    page.locator("form:has(button[value='assign']) select[name=organisation]").select_option(
        "roads"
    )
    page.get_by_role("button", name="Route to an organisation").click()
    expect(page.locator(".timeline li").last).to_contain_text("Assigned")
    seen = as_applicant(appeal)
    assert (seen["status"], seen["organisation"]["slug"]) == ("assigned", "roads")


def test_an_executor_answers_a_report(site, page, demo, resident, city):
    pothole = CategoryFactory(city=city, slug="pothole", name_en="Pothole", activity="roads")
    appeal = submit_report(resident, pothole)
    sign_in_as(page, site, "executor")
    page.get_by_role("link", name="In work").click()
    page.get_by_role("link", name=appeal.number).click()
    page.get_by_role("button", name="Take into work").click()
    expect(page.locator(".status")).to_have_text("In progress")
    page.get_by_label("Answer").fill("The pothole was filled on Monday.")
    page.get_by_role("button", name="Send the answer").click()
    expect(page.locator(".status")).to_have_text("Answered")
    seen = as_applicant(appeal)
    assert seen["status"] == "answered"
    assert seen["answers"][0]["text"] == "The pothole was filled on Monday."


def test_a_moderator_approves_a_report_with_its_photo(site, page, demo, resident, city):
    graffiti = CategoryFactory(
        city=city,
        slug="graffiti",
        name_en="Graffiti",
        activity="roads",
        needs_moderation=True,
    )
    appeal = submit_report(resident, graffiti, files=[jpeg(800, 600)])
    sign_in_as(page, site, "moderator")
    page.get_by_role("link", name=appeal.number).click()
    expect(page.get_by_role("img", name="Photo 1")).to_be_visible()
    page.get_by_role("button", name="Approve").click()
    # Approved, the report leaves the moderator's hands: back to the moderation queue.
    expect(page.get_by_role("status")).to_contain_text(f"Done: appeal {appeal.number}.")
    seen = as_applicant(appeal)
    assert seen["status"] == "assigned"
    public = Client().get(f"/api/v1/appeals/{appeal.pk}").json()
    assert public["files"][0]["role"] == "photo"


def test_a_refused_action_shows_its_reason_in_place(site, page, demo, resident, city, problems):
    pothole = CategoryFactory(city=city, slug="pothole", name_en="Pothole", activity="roads")
    appeal = submit_report(resident, pothole)
    sign_in_as(page, site, "dispatcher")
    page.goto(f"{site.url}/console/{city.slug}/appeals/{appeal.pk}/")
    # The browser would stop an empty required reason: the test removes the check to see
    # the server's own refusal.
    page.locator("form:has(button[value='reject']) textarea").evaluate("e => e.required = false")
    page.get_by_role("button", name="Reject").click()
    expect(page.get_by_role("alert")).to_contain_text("Give a reason")
    assert Appeal.objects.get(pk=appeal.pk).status == "assigned"
    problems.items.clear()  # the 400 itself is the expected answer


def test_the_card_maps_the_appeal_with_its_neighbours(
    site, page, demo, resident, city, tiles_asked
):
    lamp = CategoryFactory(city=city, slug="lamp", name_en="Lamp", activity="lighting")
    neighbour = submit_report(resident, lamp, description="Another dark lamp")
    appeal = submit_report(resident, lamp)
    sign_in_as(page, site, "dispatcher")
    page.get_by_role("link", name=appeal.number).click()
    expect(page.locator(".card-map.leaflet-container")).to_be_visible()
    expect(page.locator("path.map-point")).to_have_count(2)
    expect(page.locator("path.map-point-main")).to_have_count(1)
    expect(page.locator(".leaflet-tile-loaded").first).to_be_visible()
    # Asked of the tile server the page's policy allows, at the card's zoom.
    assert tiles_asked and all("tile.openstreetmap.org/17/" in url for url in tiles_asked)
    page.locator("path.map-point:not(.map-point-main)").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Appeal {neighbour.number}")
