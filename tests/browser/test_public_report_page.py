"""A public report's page on a phone: found from the map's list, readable at 320 px,
joined with "me too", followed, and clean in axe's audit; the executor's field page
passes the same audit."""

import pytest
from playwright.sync_api import expect

from mycity.appeals.models import MeToo, ReportAlert
from tests.appeal_fixtures import submit_report
from tests.browser.conftest import BrowserProblems, screenshot, serve_map_tiles, sign_in_as
from tests.browser.test_accessibility import serious_violations
from tests.browser.test_my_appeals import sign_in
from tests.conftest import person

pytestmark = pytest.mark.django_db(transaction=True)
FITS = "document.documentElement.scrollWidth <= window.innerWidth"


def test_a_neighbour_finds_a_report_on_the_map_joins_and_follows_it_on_a_phone(
    site, browser, resident, street_light, city
):
    from mycity.accounts.models import RoleKind

    report = submit_report(resident, street_light, description="Не горит фонарь у школы")
    neighbour = person("neighbour@example.org", RoleKind.RESIDENT, city=city)
    # The audit injects axe as a script of its own, which the site's CSP would refuse.
    context = browser.new_context(
        locale="en-US", viewport={"width": 320, "height": 700}, bypass_csp=True
    )
    serve_map_tiles(context, [])
    sign_in(context, site, neighbour)
    page = context.new_page()
    problems = BrowserProblems()
    problems.watch(page)
    try:
        page.goto(site.url + "/polotsk/map/")
        page.get_by_role("link", name=report.number).click()
        expect(page.get_by_role("heading", level=1)).to_have_text(f"Report {report.number}")
        page.wait_for_load_state()
        assert page.evaluate(FITS)
        expect(page.locator(".leaflet-container")).to_have_count(1)
        expect(page.get_by_label("Link to this report")).to_have_value(
            f"{site.url}/polotsk/reports/{report.pk}/"
        )
        assert serious_violations(page) == []
        screenshot(page, "public-report-320")
        page.get_by_role("button", name="Me too").click()
        expect(page.get_by_text("You have joined this report.")).to_be_visible()
        assert MeToo.objects.filter(appeal=report, user=neighbour).exists()
        page.get_by_role("button", name="Follow the updates of this report").click()
        expect(page.locator(".messages")).to_contain_text("You will be told of the updates")
        assert ReportAlert.objects.filter(user=neighbour, appeal=report).exists()
    finally:
        context.close()
    assert problems.items == []


def test_the_field_page_passes_the_audit_on_a_phone(site, browser, demo, resident, city):
    from tests.factories import CategoryFactory

    pothole = CategoryFactory(city=city, slug="pothole", name_en="Pothole", activity="roads")
    submit_report(resident, pothole, description="A pothole by the school")
    context = browser.new_context(
        locale="en-US", viewport={"width": 390, "height": 844}, bypass_csp=True
    )
    page = context.new_page()
    try:
        sign_in_as(page, site, "executor")
        page.goto(site.url + f"/console/{city.slug}/field/")
        page.wait_for_load_state()
        assert serious_violations(page) == []
        screenshot(page, "field-console-390")
    finally:
        context.close()
