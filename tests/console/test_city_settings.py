"""The city's settings and districts, changed by its administrator."""

import json

import pytest
from django.urls import reverse

from mycity.cities.errors import InvalidSetup
from mycity.cities.models import District
from mycity.core.models import SetupChange
from mycity.setup.city_settings import change_city_settings, save_district
from tests.factories import BuildingFactory, square

pytestmark = pytest.mark.django_db
LAT, LON = 55.4856, 28.7683


def fields_of(error):
    return {d["field"] for d in error.value.as_dict()["details"]}


def test_names_time_zone_and_format_are_saved_with_an_audit_row(city_admin, city):
    change_city_settings(
        actor=city_admin,
        city=city,
        values={"name_en": "Polatsk", "registration_format": "{org}/{year}-{seq:04}"},
    )
    city.refresh_from_db()
    assert (city.name_en, city.registration_format) == ("Polatsk", "{org}/{year}-{seq:04}")
    change = SetupChange.objects.get(action="city.saved")
    assert change.before == {"name_en": "Polotsk", "registration_format": "{org}-{seq}/{yy}"}


def test_a_format_without_a_sequence_an_unknown_zone_and_a_centre_outside_are_refused(
    city_admin, city
):
    with pytest.raises(InvalidSetup) as refused:
        change_city_settings(
            actor=city_admin,
            city=city,
            values={
                "registration_format": "{org}/{year}",
                "timezone": "Mars/Olympus",
                "centre_lat": 53.9,
            },
        )
    assert fields_of(refused) == {"registration_format", "timezone", "centre_lat"}
    city.refresh_from_db()
    assert city.registration_format == "{org}-{seq}/{yy}"
    assert not SetupChange.objects.filter(action="city.saved").exists()


def test_a_boundary_that_leaves_out_registered_addresses_is_refused(city_admin, city):
    BuildingFactory(city=city, lat=LAT + 0.04, lon=LON + 0.04)
    with pytest.raises(InvalidSetup) as refused:
        change_city_settings(
            actor=city_admin, city=city, values={"boundary": square(LAT, LON, 0.02)}
        )
    assert fields_of(refused) == {"boundary"}
    assert "1" in refused.value.as_dict()["details"][0]["message"]


def test_a_boundary_that_keeps_every_address_is_saved_with_its_box(city_admin, city):
    BuildingFactory(city=city, lat=LAT + 0.01, lon=LON)
    change_city_settings(actor=city_admin, city=city, values={"boundary": square(LAT, LON, 0.02)})
    city.refresh_from_db()
    assert city.max_lat == pytest.approx(LAT + 0.02)


def test_another_citys_admin_cannot_change_it(client, city, other_city):
    from mycity.accounts.models import RoleKind
    from tests.conftest import person

    client.force_login(person("a@orsha.example.org", RoleKind.CITY_ADMIN, city=other_city))
    assert (
        client.get(reverse("console:city_settings", kwargs={"slug": city.slug})).status_code == 404
    )


def test_the_registration_format_preview(client, city_admin, city):
    client.force_login(city_admin)
    url = reverse("console:registration_preview", kwargs={"slug": city.slug})
    assert (
        "zhes-1-00042"
        in client.get(url, {"registration_format": "{org}-{seq:05}"}).content.decode()
    )
    assert "{seq}" in client.get(url, {"registration_format": "{org}"}).content.decode()


def test_a_district_is_drawn_and_audited(city_admin, city):
    district = save_district(
        actor=city_admin,
        city=city,
        district=None,
        values={"slug": "zapad", "name_ru": "Запад", "boundary": square(LAT, LON - 0.02, 0.02)},
    )
    assert district.name_en == "Запад"
    assert SetupChange.objects.get(action="district.saved").after["slug"] == "zapad"


def test_a_district_outside_the_city_and_a_duplicate_slug_are_refused(city_admin, city):
    save_district(
        actor=city_admin,
        city=city,
        district=None,
        values={"slug": "zapad", "name_ru": "Запад", "boundary": square(LAT, LON, 0.01)},
    )
    with pytest.raises(InvalidSetup) as refused:
        save_district(
            actor=city_admin,
            city=city,
            district=None,
            values={"slug": "zapad", "name_ru": "Ещё", "boundary": square(53.9, 27.5, 0.01)},
        )
    assert fields_of(refused) == {"slug", "boundary"}
    assert District.objects.filter(city=city).count() == 1


def test_a_district_imported_from_a_geojson_file(client, city_admin, city):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(city_admin)
    collection = {
        "type": "FeatureCollection",
        "features": [{"type": "Feature", "properties": {}, "geometry": square(LAT, LON, 0.01)}],
    }
    upload = SimpleUploadedFile(
        "d.geojson", json.dumps(collection).encode(), "application/geo+json"
    )
    response = client.post(
        reverse("console:new_district", kwargs={"slug": city.slug}),
        {"slug": "centr", "name_ru": "Центр", "boundary_file": upload},
    )
    assert response.status_code == 302
    assert District.objects.get(slug="centr").boundary == square(LAT, LON, 0.01)


def test_a_file_that_is_not_geojson_is_a_field_error(client, city_admin, city):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(city_admin)
    response = client.post(
        reverse("console:new_district", kwargs={"slug": city.slug}),
        {
            "slug": "centr",
            "name_ru": "Центр",
            "boundary_file": SimpleUploadedFile("d.txt", b"hello"),
        },
    )
    assert response.status_code == 400
    assert not District.objects.exists()


def test_the_settings_page_saves(client, city_admin, city):
    client.force_login(city_admin)
    url = reverse("console:city_settings", kwargs={"slug": city.slug})
    page = client.get(url)
    assert page.status_code == 200
    form = page.context["form"]
    data = {name: form.initial.get(name) or "" for name in form.fields}
    data["name_be"] = "Полацак"
    assert client.post(url, data).status_code == 302
    city.refresh_from_db()
    assert city.name_be == "Полацак"
