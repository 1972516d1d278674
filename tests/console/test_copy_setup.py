"""Copying Polotsk's setup into another city."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from mycity.accounts.models import RoleKind
from mycity.appeals.models import Category
from mycity.cities.errors import InvalidSetup
from mycity.cities.models import Organisation
from mycity.setup.copy import export_setup, import_setup
from tests.conftest import person
from tests.factories import CategoryFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue(city, street_light, leaking_roof):
    """Polotsk's catalogue: a top level with the two categories under it."""
    top = CategoryFactory(city=city, slug="housing-and-streets", activity="general")
    Category.objects.filter(pk__in=[street_light.pk, leaking_roof.pk]).update(parent=top)
    street_light.refresh_from_db()
    return city


@pytest.fixture
def orsha_admin(other_city):
    return person("admin@orsha.example.org", RoleKind.CITY_ADMIN, city=other_city)


def test_the_export_is_documented_json(catalogue):
    data = json.loads(json.dumps(export_setup(catalogue)))
    assert (data["format"], data["version"], data["source"]) == ("mycity-city-setup", 1, "polotsk")
    slugs = [c["slug"] for c in data["categories"]]
    assert slugs.index("housing-and-streets") < slugs.index("street-light-out")
    light = next(c for c in data["categories"] if c["slug"] == "street-light-out")
    assert light["default_organisation"] == "gorsvet"
    assert light["extra_fields"][0]["name"] == "pole_number"
    assert {o["slug"] for o in data["organisations"]} >= {"gorsvet", "zhes-1"}
    assert "service_area" not in data["organisations"][0]


def test_importing_into_another_city_makes_the_catalogue_and_its_organisations(
    catalogue, orsha_admin, other_city
):
    report = import_setup(actor=orsha_admin, city=other_city, data=export_setup(catalogue))
    assert set(report.categories_created) == {
        "housing-and-streets",
        "street-light-out",
        "roof-leak",
    }
    light = Category.objects.get(city=other_city, slug="street-light-out")
    assert light.parent.slug == "housing-and-streets"
    assert light.default_organisation.city == other_city
    assert light.extra_fields[0]["name"] == "pole_number"
    gorsvet = Organisation.objects.get(city=other_city, slug="gorsvet")
    assert gorsvet.service_area is None and gorsvet.phone == ""


def test_importing_again_updates_and_makes_nothing_twice(catalogue, orsha_admin, other_city):
    import_setup(actor=orsha_admin, city=other_city, data=export_setup(catalogue))
    report = import_setup(actor=orsha_admin, city=other_city, data=export_setup(catalogue))
    assert report.categories_created == [] and len(report.categories_updated) == 3
    assert Category.objects.filter(city=other_city).count() == 3


def test_a_bad_item_leaves_nothing_imported_and_names_the_item(catalogue, orsha_admin, other_city):
    data = export_setup(catalogue)
    data["categories"][-1]["slug"] = "Bad Slug"
    with pytest.raises(InvalidSetup) as refused:
        import_setup(actor=orsha_admin, city=other_city, data=data)
    assert any("categories[" in d["field"] for d in refused.value.as_dict()["details"])
    assert not Category.objects.filter(city=other_city).exists()
    assert not Organisation.objects.filter(city=other_city, slug="gorsvet").exists()


def test_something_else_is_refused(orsha_admin, other_city):
    with pytest.raises(InvalidSetup):
        import_setup(actor=orsha_admin, city=other_city, data={"format": "gtfs"})


def test_copying_from_a_city_on_the_page(client, catalogue, orsha_admin, other_city):
    client.force_login(orsha_admin)
    url = reverse("console:copy_setup", kwargs={"slug": other_city.slug})
    response = client.post(url, {"source": "polotsk"})
    assert response.status_code == 302
    assert Category.objects.filter(city=other_city).count() == 3


def test_a_file_that_is_not_json_is_a_field_error(client, orsha_admin, other_city):
    client.force_login(orsha_admin)
    url = reverse("console:copy_setup", kwargs={"slug": other_city.slug})
    response = client.post(url, {"file": SimpleUploadedFile("x.json", b"\xff\xfe")})
    assert response.status_code == 400


def test_the_export_download_is_for_the_citys_administrators(
    client, catalogue, orsha_admin, city_admin
):
    url = reverse("console:export_setup", kwargs={"slug": "polotsk"})
    client.force_login(orsha_admin)
    assert client.get(url).status_code == 404
    client.force_login(city_admin)
    response = client.get(url)
    assert response.json()["source"] == "polotsk"
