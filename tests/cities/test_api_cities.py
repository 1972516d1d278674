import pytest
from django.utils import translation
from django.utils.translation import gettext

from tests.factories import CityFactory, DistrictFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


def message(text: str, language: str) -> str:
    with translation.override(language):
        return gettext(text)


def test_cities_lists_active_cities_with_names_in_three_languages(client, city, other_city):
    CityFactory(slug="hidden", is_active=False)
    response = client.get("/api/v1/cities")
    assert response.status_code == 200
    body = response.json()
    assert [c["slug"] for c in body] == ["orsha", "polotsk"]  # by population, largest first
    polotsk = body[1]
    assert polotsk["names"] == {"ru": "Полоцк", "be": "Полацк", "en": "Polotsk"}
    assert polotsk["name"] == "Полоцк"
    assert polotsk["region_name"] == "Витебская область"
    assert polotsk["centre"] == {"lat": city.centre_lat, "lon": city.centre_lon}


@pytest.mark.parametrize(
    ("language", "name", "region"),
    [
        ("be", "Полацк", "Віцебская вобласць"),
        ("en", "Polotsk", "Vitebsk Region"),
    ],
)
def test_names_follow_the_requests_language(client, city, language, name, region):
    body = client.get("/api/v1/cities", HTTP_ACCEPT_LANGUAGE=language).json()
    assert (body[0]["name"], body[0]["region_name"]) == (name, region)


def test_a_city_has_its_boundary_and_districts(client, city):
    DistrictFactory(city=city, slug="ekiman", name_ru="Экимань")
    body = client.get("/api/v1/cities/polotsk").json()
    assert body["boundary"]["type"] == "Polygon"
    assert [d["slug"] for d in body["districts"]] == ["ekiman"]
    assert body["districts"][0]["boundary"]["type"] == "Polygon"


@pytest.mark.parametrize("language", ["ru", "be", "en"])
def test_an_unknown_city_is_a_404_in_the_requests_language(client, db, language):
    response = client.get("/api/v1/cities/atlantis", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 404
    body = response.json()
    assert body["code"] == "city_not_found"
    assert body["message"] == message("There is no such city.", language)
    assert body["details"] == [{"field": "slug", "message": body["message"]}]


def test_an_inactive_city_is_not_found(client):
    CityFactory(slug="hidden", is_active=False)
    assert client.get("/api/v1/cities/hidden").status_code == 404


def test_organisations_filter_by_kind(client, city):
    OrganisationFactory(city=city, slug="ispolkom", kind="department", display_order=0)
    OrganisationFactory(city=city, slug="vodokanal", kind="executor")
    everything = client.get("/api/v1/cities/polotsk/organisations").json()
    assert [o["slug"] for o in everything] == ["ispolkom", "vodokanal"]
    executors = client.get("/api/v1/cities/polotsk/organisations?kind=executor").json()
    assert [o["slug"] for o in executors] == ["vodokanal"]
    assert executors[0]["service_area"] is None
    assert executors[0]["activities"] == ["housing"]


def test_an_unknown_organisation_kind_is_a_400_naming_the_field(client, city):
    response = client.get("/api/v1/cities/polotsk/organisations?kind=bank")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert [d["field"] for d in body["details"]] == ["kind"]


def test_organisations_of_another_city_are_not_listed(client, city, other_organisation):
    assert client.get("/api/v1/cities/polotsk/organisations").json() == []


@pytest.mark.parametrize("count", [1, 20])
def test_listing_costs_the_same_number_of_queries_for_any_number_of_rows(
    client, city, count, django_assert_max_num_queries
):
    for n in range(count):
        CityFactory(slug=f"town{n}")
        OrganisationFactory(city=city, slug=f"org-{n}")
    with django_assert_max_num_queries(1):
        assert client.get("/api/v1/cities").status_code == 200
    with django_assert_max_num_queries(2):
        assert client.get("/api/v1/cities/polotsk/organisations").status_code == 200


def test_the_openapi_document_lists_the_endpoints(client, db):
    document = client.get("/api/v1/openapi.json").json()
    assert document["openapi"].startswith("3.")
    assert {
        "/api/v1/cities",
        "/api/v1/cities/{slug}",
        "/api/v1/cities/{slug}/organisations",
        "/api/v1/cities/{slug}/addresses",
    } <= set(document["paths"])


def test_the_api_docs_page_loads_its_scripts_from_this_site(client, db):
    html = client.get("/api/v1/docs").content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in html
    assert "cdn" not in html.lower()
