"""The citizen app installs and works offline in Chromium."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True)


# evaluate() awaits the promise over the DevTools protocol; wait_for_function() would
# poll with eval() in the page, which the site's CSP (rightly) refuses.
CONTROLLED = """
navigator.serviceWorker.ready.then(() => navigator.serviceWorker.controller
  ? true
  : new Promise((resolve) => navigator.serviceWorker.addEventListener(
      "controllerchange", () => resolve(true), { once: true })))
"""


def wait_for_the_service_worker(page) -> None:
    # Ready, and in control of the page (it claims the open pages when it activates).
    assert page.evaluate(CONTROLLED) is True


def test_chromium_finds_nothing_that_stops_installing_the_app(site, profile_context, problems):
    page = profile_context.new_page()
    problems.watch(page)
    page.goto(site.url + "/polotsk/")
    wait_for_the_service_worker(page)
    devtools = profile_context.new_cdp_session(page)
    errors = devtools.send("Page.getInstallabilityErrors")["installabilityErrors"]
    assert errors == []
    manifest = devtools.send("Page.getAppManifest")
    assert manifest["errors"] == []
    assert problems.items == []


def test_a_page_seen_before_opens_offline_and_an_unseen_one_says_there_is_no_network(
    site, page, context
):
    page.goto(site.url + "/polotsk/")
    wait_for_the_service_worker(page)
    page.reload()  # now through the worker, which keeps a copy
    expect(page.get_by_role("heading", level=1)).to_have_text("Полоцк")
    context.set_offline(True)
    try:
        page.reload()
        expect(page.get_by_role("heading", level=1)).to_have_text("Полоцк")
        page.goto(site.url + "/cities/")
        expect(page.get_by_role("heading", level=1)).to_have_text("Нет связи")
    finally:
        context.set_offline(False)
