import pytest
from django.utils import translation
from django.utils.translation import gettext

from tests.factories import BuildingFactory, StreetFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/cities/polotsk/addresses"


@pytest.fixture
def registry(city):
    pokrovskaya = StreetFactory(
        city=city,
        name_ru="Нижне-Покровская",
        name_be="Ніжне-Пакроўская",
        name_en="Nizhne-Pokrovskaya",
    )
    skoriny = StreetFactory(
        city=city,
        kind="avenue",
        name_ru="Франциска Скорины",
        name_be="Францыска Скарыны",
        name_en="Frantsisk Skorina",
    )
    for number, lat in [
        ("12", 55.4870),
        ("12А", 55.4871),
        ("12/1", 55.4872),
        ("120", 55.4873),
        ("5", 55.4874),
    ]:
        BuildingFactory(street=pokrovskaya, number=number, lat=lat, lon=28.7600)
    BuildingFactory(street=skoriny, number="1", lat=55.4900, lon=28.7800)
    return {"pokrovskaya": pokrovskaya, "skoriny": skoriny}


def labels(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [item["label"] for item in response.json()["items"]]


def test_a_street_prefix_finds_the_street(client, registry):
    assert labels(client.get(URL, {"q": "Ниж"})) == ["ул. Нижне-Покровская"]


def test_a_house_number_finds_that_building_first_then_its_variants_never_120(client, registry):
    assert labels(client.get(URL, {"q": "Нижне-Покровская 12"})) == [
        "ул. Нижне-Покровская, 12",
        "ул. Нижне-Покровская, 12А",
        "ул. Нижне-Покровская, 12/1",
    ]


def test_belarusian_spelling_finds_the_street_and_labels_follow_the_language(client, registry):
    response = client.get(URL, {"q": "пакроў 5"}, HTTP_ACCEPT_LANGUAGE="be")
    assert labels(response) == ["вул. Ніжне-Пакроўская, 5"]


def test_a_building_carries_coordinates_and_its_street(client, registry):
    item = client.get(URL, {"q": "Скорины 1"}).json()["items"][0]
    assert (item["kind"], item["number"], item["lat"], item["lon"]) == (
        "building",
        "1",
        55.49,
        28.78,
    )
    assert item["street"]["names"]["be"] == "Францыска Скарыны"


def test_near_returns_the_closest_buildings_with_distances(client, registry):
    items = client.get(URL, {"near": "55.4900,28.7801", "limit": 2}).json()["items"]
    assert [i["label"] for i in items] == ["пр-т Франциска Скорины, 1", "ул. Нижне-Покровская, 5"]
    assert items[0]["distance_m"] < items[1]["distance_m"]
    assert 0 < items[0]["distance_m"] < 10


def test_near_a_point_with_no_building_around_is_an_empty_list(client, city):
    assert client.get(URL, {"near": "55.4856,28.7683"}).json() == {"items": []}


def test_another_citys_streets_are_never_found(client, registry, other_city):
    StreetFactory(city=other_city, name_ru="Нижняя", name_be="Ніжняя")
    assert labels(client.get(URL, {"q": "Ниж"})) == ["ул. Нижне-Покровская"]


def test_the_limit_caps_the_results(client, city):
    for n in range(8):
        StreetFactory(city=city, name_ru=f"Садовая {n}-я", name_be=f"Садовая {n}-я")
    assert len(labels(client.get(URL, {"q": "Сад", "limit": 3}))) == 3


def error(response, status=400):
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"code", "message", "details"}
    return body


@pytest.mark.parametrize("params", [{}, {"q": "Ниж", "near": "55.48,28.76"}])
def test_either_q_or_near_is_required(client, city, params):
    body = error(client.get(URL, params))
    assert body["details"][0]["field"] == "q"


@pytest.mark.parametrize("q", ["", "я" * 101])
def test_an_empty_or_overlong_query_is_refused(client, city, q):
    body = error(client.get(URL, {"q": q}))
    assert [d["field"] for d in body["details"]] == ["q"]


@pytest.mark.parametrize("near", ["abc", "55.4", "55,28,1", "nan,nan", "inf,1", "91,0", "0,181"])
def test_a_malformed_point_is_refused_with_a_message(client, city, near):
    body = error(client.get(URL, {"near": near}))
    assert body["details"][0]["field"] == "near"
    assert body["message"]


def test_a_point_outside_the_city_is_refused(client, city):
    body = error(client.get(URL, {"near": "53.9,27.56"}))
    assert body["code"] == "outside_city"
    with translation.override("ru"):
        assert body["message"] == gettext("The point is outside the city.")


@pytest.mark.parametrize("limit", ["0", "51", "x"])
def test_a_bad_limit_is_refused(client, city, limit):
    body = error(client.get(URL, {"q": "Ниж", "limit": limit}))
    assert [d["field"] for d in body["details"]] == ["limit"]


def test_errors_speak_the_requests_language(client, city):
    ru = error(client.get(URL, {"q": "Ниж", "limit": "0"}))
    en = error(client.get(URL, {"q": "Ниж", "limit": "0"}, HTTP_ACCEPT_LANGUAGE="en"))
    assert en["details"][0]["message"] == "Must be at least 1."
    assert ru["details"][0]["message"] == "Должно быть не меньше 1."


def test_an_unknown_city_is_a_404(client, db):
    assert error(client.get("/api/v1/cities/atlantis/addresses", {"q": "x"}), 404)["code"] == (
        "city_not_found"
    )


def test_the_separate_operations_answer_as_the_combined_one(client, registry):
    # Client generators cannot send the combined operation's object parameter, so words
    # and a point have operations of their own, answering exactly the same.
    for params, own in [
        ({"q": "Нижне-Покровская 12"}, f"{URL}/search"),
        ({"near": "55.4870,28.7600", "limit": "2"}, f"{URL}/nearest"),
    ]:
        assert client.get(own, params).json() == client.get(URL, params).json()


def test_the_separate_operations_refuse_what_is_missing_or_outside(client, registry):
    assert client.get(f"{URL}/search").status_code == 400
    assert client.get(f"{URL}/nearest").status_code == 400
    outside = client.get(f"{URL}/nearest", {"near": "53.9,27.56"})
    assert (outside.status_code, outside.json()["code"]) == (400, "outside_city")
    assert client.get("/api/v1/cities/atlantis/addresses/search?q=a").status_code == 404
