"""Districts imported from an OpenStreetMap extract's administrative boundaries."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from mycity.cities.models import District
from mycity.core.models import SetupChange
from tests.factories import DistrictFactory
from tests.osm_extracts import LAT, LON, Extract, square

pytestmark = pytest.mark.django_db


def extract_with_districts(tmp_path):
    extract = Extract()
    extract.boundary(
        [(LAT - 0.04, LON - 0.04), (LAT - 0.04, LON), (LAT + 0.04, LON), (LAT + 0.04, LON - 0.04)],
        {"admin_level": "9", "name": "Задвинье", "name:be": "Задзвінне", "name:en": "Zadvinye"},
    )
    extract.boundary(
        [(LAT - 0.04, LON), (LAT - 0.04, LON + 0.04), (LAT + 0.04, LON + 0.04), (LAT + 0.04, LON)],
        {"admin_level": "9", "name": "Центр", "name:be": "Цэнтр"},
    )
    # The region around the city, and a district of a town far away.
    extract.boundary(square(LAT, LON, 0.5), {"admin_level": "4", "name": "Витебская область"})
    extract.boundary(square(LAT + 1, LON, 0.02), {"admin_level": "9", "name": "Далёкий"})
    return extract.write(tmp_path / "districts.osm.pbf").read_bytes()


def post(client, city, data, level="9", name="districts.osm.pbf"):
    return client.post(
        reverse("console:districts", kwargs={"slug": city.slug}),
        {"file": SimpleUploadedFile(name, data), "admin_level": level},
    )


def test_boundaries_of_the_chosen_level_inside_the_city_become_districts(
    client, city_admin, city, tmp_path
):
    client.force_login(city_admin)
    response = post(client, city, extract_with_districts(tmp_path))
    assert response.status_code == 302
    districts = {d.name_ru: d for d in District.objects.filter(city=city)}
    assert sorted(districts) == ["Задвинье", "Центр"]
    zadvinye = districts["Задвинье"]
    assert (zadvinye.slug, zadvinye.name_be, zadvinye.name_en) == (
        "zadvinye",
        "Задзвінне",
        "Zadvinye",
    )
    assert districts["Центр"].slug.startswith("osm-")
    assert zadvinye.boundary["type"] == "MultiPolygon"
    assert SetupChange.objects.filter(action="district.saved").count() == 2


def test_a_district_of_the_same_name_is_updated_not_doubled(client, city_admin, city, tmp_path):
    existing = DistrictFactory(city=city, slug="zadvinye-old", name_ru="Задвинье")
    client.force_login(city_admin)
    post(client, city, extract_with_districts(tmp_path))
    existing.refresh_from_db()
    assert existing.slug == "zadvinye-old"
    assert existing.name_be == "Задзвінне"
    assert District.objects.filter(city=city).count() == 2


def test_a_level_with_no_boundary_inside_the_city_is_a_field_error(
    client, city_admin, city, tmp_path
):
    client.force_login(city_admin)
    response = post(client, city, extract_with_districts(tmp_path), level="10")
    assert response.status_code == 400
    assert "нет административной границы уровня 10" in response.content.decode()
    assert not District.objects.exists()


def test_a_file_that_is_not_pbf_is_refused(client, city_admin, city):
    client.force_login(city_admin)
    response = post(client, city, b'{"type": "FeatureCollection"}', name="d.osm.pbf")
    assert response.status_code == 400
    assert "не является выгрузкой OpenStreetMap" in response.content.decode()
    response = post(client, city, b"{}", name="d.geojson")
    assert response.status_code == 400


def test_a_dispatcher_cannot_import_districts(client, dispatcher, city, tmp_path):
    client.force_login(dispatcher)
    assert post(client, city, extract_with_districts(tmp_path)).status_code == 404
    assert not District.objects.exists()


def test_a_geojson_file_of_named_areas_is_imported_on_the_page(client, city_admin, city):
    west, south, north = LON - 0.03, LAT - 0.03, LAT + 0.03
    ring = [[west, south], [LON, south], [LON, north], [west, south]]
    features = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"name": "Задвинье", "name:en": "Zadvinye"},
                "geometry": {"type": "Polygon", "coordinates": [ring]},
            }
        ],
    }
    client.force_login(city_admin)
    response = post(client, city, json.dumps(features).encode(), name="districts.geojson")
    assert response.status_code == 302
    assert District.objects.get(city=city).slug == "zadvinye"
