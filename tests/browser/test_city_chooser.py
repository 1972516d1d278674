import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_chooser_lists_cities_under_their_regions(site, page):
    page.goto(site.url + "/cities/")
    vitebsk = page.locator(
        "section.region", has=page.get_by_role("heading", name="Витебская область")
    )
    minsk = page.locator("section.region", has=page.get_by_role("heading", name="Минская область"))
    expect(vitebsk.get_by_role("button")).to_contain_text(["Полоцк"])
    expect(minsk.get_by_role("button")).to_contain_text(["Орша"])


def test_choosing_a_city_opens_it_and_becomes_the_home(site, page):
    page.goto(site.url + "/cities/")
    page.get_by_role("button", name="Орша").click()
    expect(page).to_have_url(site.url + "/orsha/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Орша")
    page.goto(site.url + "/")
    expect(page).to_have_url(site.url + "/orsha/")
    page.get_by_role("link", name="Выбрать город").click()
    expect(page.get_by_role("button", name="Орша")).to_have_attribute("aria-current", "true")


def test_the_city_last_looked_at_becomes_the_home_without_a_set_cookie(site, page):
    # The city's page answers no Set-Cookie (shared caches keep it); its script
    # remembers the city, and overwrites the one chosen earlier with the chooser.
    answer = page.goto(site.url + "/orsha/")
    assert answer is not None and "set-cookie" not in answer.headers
    page.goto(site.url + "/")
    expect(page).to_have_url(site.url + "/orsha/")
    page.goto(site.url + "/cities/")
    page.get_by_role("button", name="Орша").click()
    page.goto(site.url + "/polotsk/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Полоцк")
    page.goto(site.url + "/")
    expect(page).to_have_url(site.url + "/polotsk/")
