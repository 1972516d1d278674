import pytest

from tests.factories import BuildingFactory, StreetFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def building(city):
    street = StreetFactory(city=city, name_ru="Нижне-Покровская", name_be="Ніжне-Пакроўская")
    return BuildingFactory(street=street, number="5")


def test_settings_need_sign_in(client, city):
    response = client.get("/settings/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_a_resident_saves_name_language_city_and_address(client, resident, city, building):
    client.force_login(resident)
    response = client.post(
        "/settings/",
        {
            "full_name": " Анна Жителева ",
            "language": "be",
            "home_city": city.pk,
            "address_query": "Нижне-Покровская 5",
        },
    )
    assert response.status_code == 302
    assert response.cookies["mycity_language"].value == "be"
    resident.refresh_from_db()
    assert (resident.full_name, resident.language, resident.home_city, resident.home_building) == (
        "Анна Жителева",
        "be",
        city,
        building,
    )


def test_an_unknown_address_is_a_400_with_a_field_error(client, resident, city, building):
    client.force_login(resident)
    response = client.post(
        "/settings/", {"language": "ru", "home_city": city.pk, "address_query": "Несуществующая 1"}
    )
    assert response.status_code == 400
    assert "Такого адреса нет в реестре этого города." in response.content.decode()
    resident.refresh_from_db()
    assert resident.home_building is None


def test_an_address_without_a_city_is_refused(client, resident, building):
    client.force_login(resident)
    response = client.post("/settings/", {"language": "ru", "address_query": "Нижне-Покровская 5"})
    assert response.status_code == 400
    assert "Выберите город вашего адреса." in response.content.decode()


def test_a_bad_language_is_a_field_error(client, resident, city):
    client.force_login(resident)
    response = client.post("/settings/", {"language": "xx"})
    assert response.status_code == 400
    resident.refresh_from_db()
    assert resident.language == ""
