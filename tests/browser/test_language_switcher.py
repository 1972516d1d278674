import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True)


def switch_to(page, language: str) -> None:
    with page.expect_navigation():
        page.locator(f".language-switcher button[value='{language}']").click()


def test_each_switcher_button_changes_the_language_on_the_same_page(site, page):
    page.goto(site.url + "/polotsk/")
    for label, language, name in [
        ("Бел", "be", "Полацк"),
        ("Eng", "en", "Polotsk"),
        ("Рус", "ru", "Полоцк"),
    ]:
        button = page.locator(f".language-switcher button[value='{language}']")
        expect(button).to_contain_text(label)
        switch_to(page, language)
        expect(page).to_have_url(site.url + "/polotsk/")
        expect(page.locator("html")).to_have_attribute("lang", language)
        expect(page.get_by_role("heading", level=1)).to_have_text(name)


def test_the_choice_survives_a_reload(site, page):
    page.goto(site.url + "/polotsk/")
    switch_to(page, "be")
    page.reload()
    expect(page.locator("html")).to_have_attribute("lang", "be")


@pytest.mark.parametrize("browser_locale", ["en-GB"])
def test_the_choice_beats_the_browsers_language(site, page):
    page.goto(site.url + "/polotsk/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    switch_to(page, "ru")
    page.goto(site.url + "/cities/")
    expect(page.locator("html")).to_have_attribute("lang", "ru")
    expect(page.get_by_role("heading", level=1)).to_have_text("Выбрать город")
