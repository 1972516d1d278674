import pytest

from mycity.cities.freshness import city_pages_changed
from tests.factories import DistrictFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


def test_home_goes_to_the_default_city(client, city):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/polotsk/"


def test_home_goes_to_the_chosen_city(client, city, other_city):
    client.cookies["mycity_city"] = "orsha"
    assert client.get("/")["Location"] == "/orsha/"


def test_home_goes_to_a_signed_in_residents_home_city(client, city, other_city, resident):
    resident.home_city = other_city
    resident.save(update_fields=["home_city"])
    client.force_login(resident)
    assert client.get("/")["Location"] == "/orsha/"


def test_home_shows_the_chooser_without_a_default(client, city, settings):
    settings.MYCITY_DEFAULT_CITY = ""
    assert client.get("/")["Location"] == "/cities/"


def test_the_chooser_groups_cities_by_region(client, city, other_city):
    other_city.region = "minsk"
    other_city.save(update_fields=["region"])
    html = client.get("/cities/").content.decode()
    assert html.index("Витебская область") < html.index("Полоцк")
    assert html.index("Минская область") < html.index("Орша")


def test_choosing_a_city_remembers_it(client, city, other_city):
    response = client.post("/cities/", {"city": "orsha"})
    assert response.status_code == 302
    assert response["Location"] == "/orsha/"
    assert response.cookies["mycity_city"].value == "orsha"
    # The city's page has a script of its own that overwrites the cookie when another
    # city is looked at (web/city-choice.js): it cannot overwrite an HttpOnly one.
    assert not response.cookies["mycity_city"]["httponly"]
    assert client.get("/")["Location"] == "/orsha/"


def test_the_city_home_remembers_its_city_in_the_browser_not_by_a_set_cookie(client, city):
    response = client.get("/polotsk/")
    assert not response.cookies
    html = response.content.decode()
    assert 'data-city="polotsk"' in html
    assert 'data-cookie="mycity_city"' in html
    assert "web/city-choice" in html


def test_choosing_an_unknown_city_is_a_400(client, city):
    response = client.post("/cities/", {"city": "atlantis"})
    assert response.status_code == 400
    assert "Выберите город из списка." in response.content.decode()


def test_the_city_home_lists_what_the_city_has(client, city):
    DistrictFactory(city=city, name_ru="Экимань")
    OrganisationFactory(
        city=city, kind="department", name_ru="Полоцкий райисполком", phone="+375 214 42-21-90"
    )
    OrganisationFactory(city=city, kind="executor", name_ru="Водоканал")
    html = client.get("/polotsk/").content.decode()
    assert "<h1>Полоцк</h1>" in html
    assert "Экимань" in html
    assert "Полоцкий райисполком" in html and "Водоканал" in html
    assert 'href="tel:+37521442-21-90"' in html
    assert "1</strong> район" in html


def test_the_city_home_is_in_belarusian_for_a_belarusian_browser(client, city):
    html = client.get("/polotsk/", HTTP_ACCEPT_LANGUAGE="be").content.decode()
    assert '<html lang="be">' in html
    assert "<h1>Полацк</h1>" in html
    assert "Што ўжо ёсць у горадзе" in html


def test_an_unknown_city_is_a_404_page_in_the_visitors_language(client, city):
    response = client.get("/atlantis/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 404
    assert "There is no such city." in response.content.decode()


def test_every_page_has_a_language_switcher_that_is_a_plain_form(client, city):
    for url in ("/polotsk/", "/cities/", "/accounts/login/"):
        html = client.get(url).content.decode()
        assert 'class="language-switcher" method="post" action="/language/"' in html, url


def test_the_city_home_costs_a_fixed_number_of_queries(
    client, city, settings, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    settings.PUBLIC_READS_CACHE = True
    for _n in range(10):
        OrganisationFactory(city=city)
        DistrictFactory(city=city)
    client.get("/polotsk/")
    with django_capture_on_commit_callbacks(execute=True):
        city_pages_changed(city)
    # Computed again after a write: city, summary, districts, organisations, notices, news
    # (+ their tags): nine; and the cache's read (one), the claim to compute it and its
    # release (five and one), and the writes of the answer and of its stamp (five each)
    # in the database's cache table.
    with django_assert_max_num_queries(26):
        client.get("/polotsk/")
    # Read again: the cache alone.
    with django_assert_max_num_queries(1):
        client.get("/polotsk/")
