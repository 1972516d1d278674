"""The citizen app installs and works offline in Chromium."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True)


def wait_for_the_service_worker(page) -> None:
    page.wait_for_function("navigator.serviceWorker.ready.then(() => true)")
    # The worker takes over pages opened after it activated (clients.claim()).
    page.wait_for_function("navigator.serviceWorker.controller !== null")


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
