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
        "registration_format": "{org}-{seq}/{yy}",
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


def test_the_operator_edits_a_category_through_the_service(client, operator, city):
    from mycity.appeals.models import Category
    from tests.factories import CategoryFactory

    category = CategoryFactory(city=city, slug="potholes")
    client.force_login(operator)
    assert client.get("/admin/appeals/category/").status_code == 200
    form = {
        "city": city.pk,
        "slug": "potholes",
        "name_ru": "Ямы",
        "name_be": "Ямы",
        "name_en": "Potholes",
        "kind": "problem",
        "activity": "roads",
        "service_time_value": "10",
        "service_time_unit": "working_days",
        "extra_fields": json.dumps([{"name": "Bad Name!"}]),
        "display_order": "1",
        "is_active": "on",
    }
    response = client.post(f"/admin/appeals/category/{category.pk}/change/", form)
    assert response.status_code == 200  # the form comes back with the error
    assert "extra field needs a name" in response.content.decode()
    assert Category.objects.get(pk=category.pk).name_ru != "Ямы"
    form["extra_fields"] = json.dumps([{"name": "lane", "type": "integer"}])
    response = client.post(f"/admin/appeals/category/{category.pk}/change/", form)
    assert response.status_code == 302
    assert Category.objects.get(pk=category.pk).extra_fields == [
        {"name": "lane", "type": "integer"}
    ]


def test_the_operator_makes_a_category_pre_moderated_and_its_reports_wait_for_a_moderator(
    client, operator, city, resident
):
    from mycity.appeals.models import Category, Status
    from tests.appeal_fixtures import submit_report
    from tests.factories import CategoryFactory

    category = CategoryFactory(city=city, slug="graffiti", activity="general", is_public=True)
    assert not category.needs_moderation
    client.force_login(operator)
    page = client.get(f"/admin/appeals/category/{category.pk}/change/").content.decode()
    assert 'name="needs_moderation"' in page
    form = {
        "city": city.pk,
        "slug": "graffiti",
        "name_ru": "Граффити",
        "name_be": "Графіці",
        "name_en": "Graffiti",
        "kind": "problem",
        "activity": "general",
        "is_public": "on",
        "needs_moderation": "on",
        "service_time_value": "3",
        "service_time_unit": "working_days",
        "extra_fields": "[]",
        "display_order": "1",
        "is_active": "on",
    }
    response = client.post(f"/admin/appeals/category/{category.pk}/change/", form)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Category.objects.get(pk=category.pk).needs_moderation
    report = submit_report(resident, Category.objects.get(pk=category.pk))
    assert report.status == Status.MODERATION and not report.is_public


def test_appeals_are_read_only_in_the_admin(client, operator, city):
    client.force_login(operator)
    assert client.get("/admin/appeals/appeal/").status_code == 200
    assert client.get("/admin/appeals/appeal/add/").status_code == 403
