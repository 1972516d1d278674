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
    // What still waits to be sent; a sent report stays only as the news that it was.
    const read = opened.result.transaction(store).objectStore(store).getAll();
    read.onsuccess = () => {
      opened.result.close();
      resolve(read.result.filter((entry) => !entry.sent).length);
    };
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
    # Opening the app again sends nothing more, and the news that it was sent is not
    # lost by going elsewhere: it stays until the resident has seen the report.
    page.goto(site.url + "/polotsk/")
    expect(page.locator("#report-queue")).to_contain_text("отправлено")
    page.goto(site.url + "/my/appeals/")
    expect(page.get_by_role("link", name=re.compile(appeal.number))).to_be_visible()
    page.locator("#report-queue").get_by_role("link", name="Открыть").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(appeal.number)
    expect(page.locator("#report-queue")).to_be_hidden()
    page.goto(site.url + "/polotsk/")
    expect(page.locator("#report-queue")).to_be_hidden()
    assert Appeal.objects.filter(applicant=resident).count() == 1


# Every entry of every cache of the worker: its path and, for pages, its text.
CACHED = """
caches.keys().then((names) => Promise.all(names.map((name) => caches.open(name)
  .then((cache) => cache.keys().then((requests) => Promise.all(requests.map((request) =>
    cache.match(request).then((response) => {
      const path = new URL(request.url).pathname;
      const page = (response.headers.get("Content-Type") || "").startsWith("text/html");
      return (page ? response.text() : Promise.resolve("")).then((text) => [path, text]);
    }))))))))
  .then((lists) => lists.flat())
"""


def cached_entries(page, waiting_for: str) -> dict[str, str]:
    """The worker's caches, once `waiting_for` is among them (it is kept in the
    background after the page is shown)."""
    for _ in range(50):
        entries = dict(page.evaluate(CACHED))
        if waiting_for in entries:
            return entries
        page.wait_for_timeout(200)
    raise AssertionError(f"{waiting_for} was never kept: {sorted(entries)}")


def test_the_residents_own_pages_are_never_kept_on_the_phone(
    site, context, city, resident, street_light
):
    from tests.appeal_fixtures import submit_report
    from tests.browser.test_my_appeals import sign_in

    appeal = submit_report(resident, street_light, description="Фонарь у дома 7")
    sign_in(context, site, resident)
    page = context.new_page()
    page.goto(site.url + "/polotsk/")
    wait_for_the_service_worker(page)
    for path in ("/my/appeals/", f"/my/appeals/{appeal.pk}/", "/my/data/", "/polotsk/map/"):
        page.goto(site.url + path)
        expect(page.get_by_role("heading", level=1)).to_be_visible()

    entries = cached_entries(page, "/polotsk/map/")
    assert [path for path in entries if path.startswith("/my/")] == []
    # The public page seen signed in is kept as anyone sees it: without the resident.
    assert "data-sign-out" not in entries["/polotsk/map/"]
    assert all(resident.email not in text for text in entries.values())

    # After the session ends, offline, the phone has nothing of theirs to show.
    context.clear_cookies()
    context.set_offline(True)
    try:
        page.goto(site.url + "/my/appeals/")
        expect(page.get_by_role("heading", level=1)).to_have_text("Нет связи")
        expect(page.get_by_text(appeal.number)).to_have_count(0)
    finally:
        context.set_offline(False)
