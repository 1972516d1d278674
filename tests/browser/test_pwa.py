"""The citizen app installs and works offline in Chromium."""

import re

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


WAITING_REPORTS = """
new Promise((resolve) => {
  const opened = indexedDB.open("mycity", 1);
  const store = "waiting-reports";
  opened.onupgradeneeded = () => opened.result.createObjectStore(store, { keyPath: "key" });
  opened.onsuccess = () => {
    const read = opened.result.transaction(store).objectStore(store).count();
    read.onsuccess = () => { opened.result.close(); resolve(read.result); };
  };
})
"""


def test_a_report_made_offline_waits_on_the_phone_and_arrives_once_when_back_online(
    site, context, city, resident, street_light
):
    from mycity.appeals.models import Appeal
    from tests.browser.test_my_appeals import sign_in
    from tests.browser.test_report import tap_the_map

    sign_in(context, site, resident)
    # Not the watched `page`: offline, the failed requests are what should happen.
    page = context.new_page()
    page.goto(site.url + "/polotsk/")
    wait_for_the_service_worker(page)
    page.goto(site.url + "/polotsk/report/")  # seen once online: kept for offline use
    expect(page.locator(".leaflet-container")).to_have_count(1)

    context.set_offline(True)
    try:
        page.reload()  # the app shell and the form, from the phone
        expect(page.get_by_role("heading", level=1)).to_have_text("Сообщить о проблеме")
        page.get_by_label("Что случилось").select_option("street-light-out")
        tap_the_map(page)
        page.get_by_label("Опишите проблему").fill("Не горит фонарь во дворе")
        page.get_by_label(re.compile("Я согласен")).check()
        page.get_by_role("button", name="Отправить сообщение").click()
        queue = page.locator("#report-queue")
        expect(queue).to_contain_text("будет отправлено")
        expect(queue).to_contain_text("Не горит фонарь во дворе")
        # The form is ready for another report.
        expect(page.get_by_label("Опишите проблему")).to_have_value("")
        assert page.evaluate(WAITING_REPORTS) == 1
        assert not Appeal.objects.filter(applicant=resident).exists()
    finally:
        context.set_offline(False)

    # Back online: the page that is open sends it.
    expect(page.locator("#report-queue")).to_contain_text("отправлено")
    expect(page.get_by_role("link", name="Открыть")).to_be_visible()
    assert page.evaluate(WAITING_REPORTS) == 0
    appeal = Appeal.objects.get(applicant=resident)
    assert appeal.description == "Не горит фонарь во дворе"
    # Opening the app again sends nothing more.
    page.goto(site.url + "/polotsk/")
    page.goto(site.url + "/my/appeals/")
    expect(page.get_by_role("link", name=re.compile(appeal.number))).to_be_visible()
    assert Appeal.objects.filter(applicant=resident).count() == 1
