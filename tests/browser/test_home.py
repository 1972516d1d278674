import pytest
from django.utils import translation
from django.utils.translation import gettext
from playwright.sync_api import expect

from tests.browser.conftest import screenshot

pytestmark = pytest.mark.django_db(transaction=True)


def section_heading(language: str) -> str:
    with translation.override(language):
        return gettext("What the city has so far")


@pytest.mark.parametrize(
    ("browser_locale", "language", "name"),
    [
        ("ru-RU", "ru", "Полоцк"),
        ("be-BY", "be", "Полацк"),
        ("en-GB", "en", "Polotsk"),
    ],
)
def test_the_home_page_opens_on_polotsk_in_the_browsers_language(site, page, language, name):
    page.goto(site.url + "/")
    expect(page).to_have_url(site.url + "/polotsk/")
    expect(page.locator("html")).to_have_attribute("lang", language)
    expect(page.get_by_role("heading", level=1)).to_have_text(name)
    expect(page.get_by_role("heading", name=section_heading(language))).to_be_visible()
    current = page.locator(".language-switcher button[aria-current='true']")
    expect(current).to_have_attribute("value", language)


def test_the_home_page_loads_its_stylesheet_and_htmx_from_this_site(site, page):
    loaded: list[str] = []
    page.on("response", lambda r: loaded.append(r.url) if r.status == 200 else None)
    page.goto(site.url + "/polotsk/")
    assert any(url.endswith("/static/web/site.css") for url in loaded)
    assert any(url.endswith("/static/vendor/htmx/htmx.min.js") for url in loaded)
    assert all(url.startswith(site.url) for url in loaded)
    assert page.evaluate("typeof window.htmx") == "object"


def test_the_home_page_reads_and_switches_language_without_javascript(site, browser):
    context = browser.new_context(java_script_enabled=False, locale="ru-RU")
    try:
        page = context.new_page()
        page.goto(site.url + "/polotsk/")
        expect(page.get_by_role("heading", level=1)).to_have_text("Полоцк")
        with page.expect_navigation():
            page.locator(".language-switcher button[value='en']").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Polotsk")
    finally:
        context.close()


def test_the_skip_link_is_the_first_stop_and_moves_focus_to_the_content(site, page):
    page.goto(site.url + "/polotsk/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.className")
    assert focused == "skip-link"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


def test_organisation_phones_are_tappable(site, page):
    page.goto(site.url + "/polotsk/")
    expect(page.locator("a[href='tel:+37521442-21-90']")).to_have_text("+375 214 42-21-90")


def test_the_home_page_fits_a_phone_screen(site, page):
    page.goto(site.url + "/polotsk/")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
    screenshot(page, "home-phone-ru")
