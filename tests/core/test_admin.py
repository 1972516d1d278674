import json

import pytest

from mycity.cities.models import City
from tests.factories import BuildingFactory, OrganisationFactory, square


@pytest.fixture
def operator(db, django_user_model):
    return django_user_model.objects.create_superuser("ops@example.org", "correct-horse-battery")


@pytest.mark.parametrize(
    "model", ["city", "district", "organisation", "street", "building", "calendarday"]
)
def test_the_operator_can_list_and_open_each_registry_table(client, operator, city, model):
    OrganisationFactory(city=city)
    BuildingFactory(street__city=city)
    client.force_login(operator)
    assert client.get(f"/admin/cities/{model}/").status_code == 200
    assert client.get(f"/admin/cities/{model}/add/").status_code == 200


def test_a_city_saved_in_the_admin_gets_its_bounding_box(client, operator, city):
    client.force_login(operator)
    form = {
        "name_ru": "Полоцк",
        "name_be": "Полацк",
        "name_en": "Polotsk",
        "slug": "polotsk",
        "region": "vitebsk",
        "population": "82000",
        "centre_lat": "55.0",
        "centre_lon": "28.0",
        "boundary": json.dumps(square(55.0, 28.0, 0.1)),
        "timezone": "Europe/Minsk",
        "is_active": "on",
    }
    response = client.post(f"/admin/cities/city/{city.pk}/change/", form)
    assert response.status_code == 302, response.content.decode()[:2000]
    city = City.objects.get(pk=city.pk)
    assert (round(city.min_lat, 6), round(city.max_lat, 6)) == (54.9, 55.1)


def test_the_user_admin_opens(client, operator):
    client.force_login(operator)
    assert client.get("/admin/accounts/user/").status_code == 200
    assert client.get(f"/admin/accounts/user/{operator.pk}/change/").status_code == 200
