"""An executor works a whole day's appeals from a phone (390×844): the shortlist, the
card, taking work, the after-photo from the camera, the way to the place, and the same
without a connection, sent once when it returns."""

import io

import pytest
from PIL import Image
from playwright.sync_api import expect

from mycity.appeals.models import Answer, AppealEvent, AppealFile, FileRole, Status
from tests.appeal_fixtures import submit_report
from tests.browser.conftest import sign_in_as
from tests.browser.test_pwa import wait_for_the_service_worker
from tests.factories import CategoryFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.parametrize("browser_locale", ["en-US"]),
]


def after_photo() -> dict:
    picture = io.BytesIO()
    Image.new("RGB", (640, 480), (90, 120, 90)).save(picture, "JPEG")
    return {"name": "after.jpg", "mimeType": "image/jpeg", "buffer": picture.getvalue()}


KEPT_DATABASES = "indexedDB.databases().then((all) => all.map((db) => db.name))"
FITS = "document.documentElement.scrollWidth <= window.innerWidth"


def test_an_executor_completes_appeals_from_a_phone_online_and_offline(
    site, context, demo, resident, city
):
    pothole = CategoryFactory(city=city, slug="pothole", name_en="Pothole", activity="roads")
    by_the_school = submit_report(resident, pothole, description="A pothole by the school")
    by_the_bridge = submit_report(resident, pothole, description="A pothole on the bridge")
    # Offline, failed requests are what should happen: not the watched `page`.
    page = context.new_page()
    sign_in_as(page, site, "executor")
    page.get_by_role("link", name="In the field").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Today in the field")
    page.wait_for_load_state()  # the stylesheets applied before measuring
    assert page.evaluate(FITS)
    item = page.locator(".field-item", has_text=by_the_school.number)
    expect(item.get_by_role("link", name="Navigate")).to_have_attribute(
        "href", f"geo:{by_the_school.lat:.6f},{by_the_school.lon:.6f}?z=18"
    )
    assert "openstreetmap.org" in item.get_by_role("link", name="On the map").get_attribute("href")

    # With a connection: the card, taking work, the answer with the camera's photo.
    item.get_by_role("link", name=by_the_school.number).click()
    expect(page.get_by_role("link", name="Navigate")).to_be_visible()
    page.get_by_role("button", name="Take into work").click()
    expect(page.locator(".status")).to_have_text("In progress")
    page.get_by_label("Answer").fill("Filled with asphalt.")
    camera = page.locator("input[type=file][capture=environment]")
    camera.set_input_files(after_photo())
    page.get_by_role("button", name="Send the answer").click()
    expect(page.locator(".status")).to_have_text("Answered")
    assert AppealFile.objects.filter(appeal=by_the_school, role=FileRole.AFTER).count() == 1

    # Keep today's shortlist on the phone, then lose the connection.
    page.get_by_role("link", name="In the field").click()
    wait_for_the_service_worker(page)
    page.get_by_role("button", name="Keep today's appeals on this phone").click()
    expect(page.locator("[data-keep-state]")).to_contain_text("Kept on this phone")
    context.set_offline(True)
    try:
        page.reload()  # the page kept on the phone, filled from what it keeps
        offline_item = page.locator(".field-item", has_text=by_the_bridge.number)
        expect(offline_item).to_be_visible()
        assert page.evaluate(FITS)
        offline_item.get_by_role("button", name="Take into work").click()
        expect(offline_item).to_contain_text("Taken into work (waiting to be sent)")
        offline_item.get_by_label("Answer").fill("Patched the bridge's pothole.")
        offline_item.get_by_label("Result").select_option("satisfied")
        offline_item.get_by_label("Photo after the work").set_input_files(after_photo())
        offline_item.get_by_role("button", name="Keep the answer to send").click()
        expect(offline_item).to_contain_text("Waiting for the connection")
        by_the_bridge.refresh_from_db()
        assert by_the_bridge.status == Status.ASSIGNED
        # The first try of the answer, just after the connection is back, is lost on the
        # way (as in the street): the phone tries again by itself.
        lost: list[str] = []

        def lose_the_first_answer(route):
            if not lost:
                lost.append(route.request.url)
                return route.abort("connectionreset")
            return route.continue_()

        page.route("**/api/v1/appeals/*/answer", lose_the_first_answer)
    finally:
        context.set_offline(False)

    # Back online: sent, in order, once, the lost answer again by itself.
    expect(page.locator("[data-outbox] [data-sent]")).to_have_count(2, timeout=20_000)
    assert len(lost) == 1
    expect(page.locator("[data-outbox]")).to_contain_text(f"Sent: {by_the_bridge.number}")
    expect(offline_item).not_to_contain_text("Waiting for the connection")
    by_the_bridge.refresh_from_db()
    assert by_the_bridge.status == Status.ANSWERED
    assert by_the_bridge.result == "satisfied"
    page.goto(site.url + f"/console/{city.slug}/field/")
    page.reload()
    expect(page.locator("[data-keep-state]")).to_contain_text("Kept on this phone")
    assert Answer.objects.filter(appeal=by_the_bridge).count() == 1
    assert (
        AppealEvent.objects.filter(appeal=by_the_bridge, to_status=Status.IN_PROGRESS).count() == 1
    )
    assert AppealFile.objects.filter(appeal=by_the_bridge, role=FileRole.AFTER).count() == 1

    # Signing out on a shared phone leaves nothing of the shortlist behind.
    assert "mycity-field" in page.evaluate(KEPT_DATABASES)
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(lambda url: "/console/" not in url)
    assert "mycity-field" not in page.evaluate(KEPT_DATABASES)
    assert page.evaluate("caches.has('field-shell')") is False
