"""The city administrator's API on districts: drawn or pasted as GeoJSON, or imported from
an OpenStreetMap extract or a GeoJSON file, through the same services as the console's
district pages, refused and audited the same way."""

import json
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from mycity.accounts.models import RoleKind
from mycity.cities.models import District
from mycity.core.models import SetupChange
from mycity.core.request_limits import body_limit_for
from tests.conftest import bearer, person
from tests.console.test_osm_districts import extract_with_districts
from tests.factories import DistrictFactory
from tests.osm_extracts import LAT, LON, square

pytestmark = pytest.mark.django_db

BASE = "/api/v1/cities/polotsk/staff/districts"


def polygon(lat=LAT, lon=LON, half=0.01):
    ring = [[lo, la] for la, lo in square(lat, lon, half)]
    return {"type": "Polygon", "coordinates": [[*ring, ring[0]]]}


def district_body(**changes):
    return {"slug": "zapad", "name_ru": "Запад", "boundary": polygon()} | changes


def send(client, method, url, body, **headers):
    return getattr(client, method)(
        url, json.dumps(body), content_type="application/json", **headers
    )


def import_file(client, data, name="districts.osm.pbf", level="9", **headers):
    return client.post(
        f"{BASE}/import",
        {"file": SimpleUploadedFile(name, data), "admin_level": level},
        **headers,
    )


def test_the_administrator_adds_a_district_and_reads_it_back(client, city_admin, city):
    client.force_login(city_admin)
    response = send(client, "post", BASE, district_body(name_be="Захад"))
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["slug"], body["names"]) == (
        "zapad",
        {"ru": "Запад", "be": "Захад", "en": "Запад"},
    )
    assert body["boundary"]["type"] == "Polygon"
    assert client.get(f"{BASE}/{body['id']}").json() == body
    assert client.get(BASE).json() == [body]
    change = SetupChange.objects.get(action="district.saved")
    assert change.after["slug"] == "zapad"
    assert change.actor == city_admin


def test_a_feature_collection_as_exported_is_taken_as_its_area(client, city_admin, city):
    client.force_login(city_admin)
    exported = {
        "type": "FeatureCollection",
        "features": [{"type": "Feature", "properties": {"name": "Запад"}, "geometry": polygon()}],
    }
    response = send(client, "post", BASE, district_body(boundary=exported))
    assert response.status_code == 201, response.content
    assert District.objects.get(city=city).boundary["type"] == "Polygon"


# An outline that crosses itself: corners in the order of a figure eight.
BOWTIE = {
    "type": "Polygon",
    "coordinates": [
        [
            [LON - 0.01, LAT - 0.01],
            [LON + 0.01, LAT + 0.01],
            [LON + 0.01, LAT - 0.01],
            [LON - 0.01, LAT + 0.01],
            [LON - 0.01, LAT - 0.01],
        ]
    ],
}


@pytest.mark.parametrize(
    "boundary",
    [
        {},
        {"type": "Point", "coordinates": [LON, LAT]},
        {"type": "Polygon"},
        {"type": "Polygon", "coordinates": "not a list"},
        {"type": "Polygon", "coordinates": [[["a", "b"]]]},
        {"type": "MultiPolygon", "coordinates": [1]},
        {"type": "Polygon", "coordinates": [[[1e400, 2], [3, 4], [5, 6], [1e400, 2]]]},
        {"type": "FeatureCollection", "features": "none"},
        BOWTIE,
        polygon(lat=LAT + 1),  # mostly outside the city
    ],
    ids=[
        "empty",
        "point",
        "no-coordinates",
        "text",
        "letters",
        "flat",
        "infinite",
        "bad-collection",
        "self-crossing",
        "outside",
    ],
)
def test_a_boundary_that_is_no_area_of_the_city_is_a_400_on_the_field(
    client, city_admin, city, boundary
):
    client.force_login(city_admin)
    response = send(client, "post", BASE, district_body(boundary=boundary))
    assert response.status_code == 400, response.content
    assert "boundary" in [d["field"] for d in response.json()["details"]]
    assert not District.objects.exists()
    assert not SetupChange.objects.filter(action="district.saved").exists()


def test_a_slug_another_district_has_is_refused_as_on_the_page(client, city_admin, city):
    DistrictFactory(city=city, slug="zapad")
    client.force_login(city_admin)
    response = send(client, "post", BASE, district_body())
    assert response.status_code == 400
    assert [d["field"] for d in response.json()["details"]] == ["slug"]
    assert District.objects.count() == 1


def test_a_slug_of_other_letters_is_refused_by_the_schema(client, city_admin, city):
    client.force_login(city_admin)
    response = send(client, "post", BASE, district_body(slug="Запад"))
    assert response.status_code == 400
    assert [d["field"] for d in response.json()["details"]] == ["slug"]


def test_changing_a_district_is_audited_with_before_and_after(client, city_admin, city):
    district = DistrictFactory(city=city, slug="zapad", name_ru="Запад", boundary=polygon())
    client.force_login(city_admin)
    response = send(
        client,
        "put",
        f"{BASE}/{district.pk}",
        district_body(name_ru="Западный", boundary=polygon(half=0.02)),
    )
    assert response.status_code == 200, response.content
    district.refresh_from_db()
    assert district.name_ru == "Западный"
    change = SetupChange.objects.get(action="district.saved")
    assert change.before["name_ru"] == "Запад"
    assert change.after["name_ru"] == "Западный"
    assert set(change.after) == {"name_ru", "name_be", "name_en", "boundary"}


def test_a_refused_change_leaves_the_district_as_it_was(client, city_admin, city):
    district = DistrictFactory(city=city, slug="zapad", name_ru="Запад", boundary=polygon())
    client.force_login(city_admin)
    response = send(
        client, "put", f"{BASE}/{district.pk}", district_body(name_ru="Новый", boundary=BOWTIE)
    )
    assert response.status_code == 400
    district.refresh_from_db()
    assert (district.name_ru, district.boundary) == ("Запад", polygon())
    assert not SetupChange.objects.filter(action="district.saved").exists()


def test_another_citys_district_is_not_found(client, city_admin, city, other_city):
    foreign = DistrictFactory(city=other_city)
    client.force_login(city_admin)
    assert client.get(f"{BASE}/{foreign.pk}").status_code == 404
    assert send(client, "put", f"{BASE}/{foreign.pk}", district_body()).status_code == 404
    assert client.get(f"{BASE}/999999").status_code == 404


def test_only_the_citys_administrator_sets_up_its_districts(
    client, city, other_city, dispatcher, tmp_path
):
    orsha_admin = person("admin@orsha.example.org", RoleKind.CITY_ADMIN, city=other_city)
    data = extract_with_districts(tmp_path)
    for user in (orsha_admin, dispatcher):
        client.force_login(user)
        assert client.get(BASE).status_code == 404
        assert send(client, "post", BASE, district_body()).status_code == 404
        assert import_file(client, data).status_code == 404
    client.logout()
    assert client.get(BASE).status_code == 401
    assert not District.objects.exists()


def test_a_staff_token_of_the_administrator_works(client, city_admin, city):
    response = send(client, "post", BASE, district_body(), **bearer(city_admin, city))
    assert response.status_code == 201, response.content


def test_an_extract_becomes_districts_and_importing_it_again_changes_nothing(
    client, city_admin, city, tmp_path
):
    data = extract_with_districts(tmp_path)
    client.force_login(city_admin)
    first = import_file(client, data)
    assert first.status_code == 200, first.content
    body = first.json()
    assert (body["created"], body["updated"], body["outside"]) == (2, 0, 1)
    assert sorted(d["names"]["ru"] for d in body["districts"]) == ["Задвинье", "Центр"]
    assert SetupChange.objects.filter(action="district.saved").count() == 2
    boundaries = {d.slug: d.boundary for d in District.objects.filter(city=city)}

    again = import_file(client, data)
    assert again.status_code == 200
    assert (again.json()["created"], again.json()["updated"]) == (0, 2)
    assert {d.slug: d.boundary for d in District.objects.filter(city=city)} == boundaries
    # Nothing differs, so nothing more is audited.
    assert SetupChange.objects.filter(action="district.saved").count() == 2


def test_a_geojson_file_of_named_areas_is_imported(client, city_admin, city):
    features = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"name": "Задвинье", "name:en": "Zadvinye", "admin_level": "9"},
                "geometry": polygon(lon=LON - 0.02),
            },
            {
                "type": "Feature",
                "properties": {"name": "Область", "admin_level": "4"},
                "geometry": polygon(half=0.04),
            },
        ],
    }
    client.force_login(city_admin)
    response = import_file(client, json.dumps(features).encode(), name="districts.geojson")
    assert response.status_code == 200, response.content
    assert [d["slug"] for d in response.json()["districts"]] == ["zadvinye"]


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"not a pbf", "polotsk.osm.pbf", "не является выгрузкой OpenStreetMap"),
        (b"{not json", "districts.geojson", "Это не GeoJSON."),
        (b"x", "districts.xlsx", "Загрузите файл .osm.pbf, .geojson или .json."),
        (b"[" * 100_000, "districts.geojson", "Это не GeoJSON."),
        (
            b'{"type": "Feature", "geometry": {"type": "Polygon", "coordinates": 1}}',
            "districts.geojson",
            "Область — недопустимый GeoJSON.",
        ),
    ],
    ids=["corrupt-pbf", "corrupt-geojson", "other-kind", "nested-without-end", "no-outline"],
)
def test_a_file_that_cannot_be_read_is_a_400_on_the_file(
    client, city_admin, city, data, name, message
):
    client.force_login(city_admin)
    response = import_file(client, data, name=name)
    assert response.status_code == 400, response.content
    [detail] = response.json()["details"]
    assert detail["field"] == "file"
    assert message in detail["message"]
    assert not District.objects.exists()


def test_a_level_with_no_boundary_inside_the_city_is_a_400(client, city_admin, city, tmp_path):
    data = extract_with_districts(tmp_path)
    client.force_login(city_admin)
    response = import_file(client, data, level="10")
    assert response.status_code == 400
    assert [d["field"] for d in response.json()["details"]] == ["admin_level"]
    assert import_file(client, data, level="3").status_code == 400
    assert not District.objects.exists()


def test_the_import_takes_a_file_of_50_mb_and_the_rest_of_the_api_does_not():
    assert body_limit_for("/api/v1/cities/polotsk/staff/districts/import") > 50 * 1024 * 1024
    assert body_limit_for("/console/polotsk/districts/") > 50 * 1024 * 1024
    assert body_limit_for("/api/v1/cities/polotsk/staff/districts") == 1024 * 1024


def test_a_file_over_50_mb_is_refused_before_it_is_read(client, city_admin, city, monkeypatch):
    monkeypatch.setattr("mycity.setup.osm_districts.MAX_FILE_BYTES", 10)
    client.force_login(city_admin)
    response = import_file(client, b"x" * 11, name="big.osm.pbf")
    assert response.status_code == 400
    assert response.json()["details"][0]["message"] == "Файл больше 50 МБ."


def test_a_geojson_files_own_ids_of_any_letters_give_valid_slugs(client, city_admin, city):
    # QGIS and geojson.io keep whatever id the author gave: words, underscores.
    features = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"name": "Запад", "id": "Западный"},
                "geometry": polygon(lon=LON - 0.02),
            },
            {
                "type": "Feature",
                "properties": {"name": "Восток", "id": "district_east"},
                "geometry": polygon(lon=LON + 0.02),
            },
        ],
    }
    client.force_login(city_admin)
    response = import_file(client, json.dumps(features).encode(), name="districts.geojson")
    assert response.status_code == 200, response.content
    slugs = sorted(d["slug"] for d in response.json()["districts"])
    assert len(slugs) == 2
    assert all(re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", slug) for slug in slugs), slugs
