"""The city administrator's API on the address registry: import and re-import with the
report of what was added, changed and vanished, and the settling of vanished addresses
that appeals point at, through the same services as the console's addresses page,
refused and audited the same way."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from mycity.accounts.models import RoleKind
from mycity.appeals.models import Appeal
from mycity.cities.models import Building
from mycity.core.models import SetupChange
from mycity.core.request_limits import body_limit_for
from tests.appeal_fixtures import submit_report
from tests.conftest import bearer, person
from tests.console.test_address_import import FIRST, SECOND
from tests.factories import BuildingFactory
from tests.osm_extracts import LAT, LON, Extract

pytestmark = pytest.mark.django_db

BASE = "/api/v1/cities/polotsk/staff/addresses"


def upload(client, text, name="registry.csv", strict=False, **headers):
    data = text if isinstance(text, bytes) else text.encode()
    fields = {"file": SimpleUploadedFile(name, data)}
    if strict:
        fields["strict"] = "true"
    return client.post(f"{BASE}/import", fields, **headers)


def settle(client, building_id, body, **headers):
    return client.post(
        f"{BASE}/vanished/{building_id}/settlement",
        json.dumps(body),
        content_type="application/json",
        **headers,
    )


def test_an_import_reports_what_it_added_and_is_audited(client, city_admin, city):
    client.force_login(city_admin)
    response = upload(client, FIRST)
    assert response.status_code == 200, response.content
    report = response.json()
    assert (report["applied"], report["format"], report["added"], report["changed"]) == (
        True,
        "csv",
        3,
        0,
    )
    assert (report["vanished_count"], report["vanished"], report["refused"]) == (0, [], [])
    change = SetupChange.objects.get(action="addresses.imported")
    assert change.after == {"format": "csv", "added": 3, "changed": 0, "vanished": 0, "refused": 0}
    assert change.subject == "registry.csv"


def test_importing_the_same_file_again_adds_and_changes_nothing(client, city_admin, city):
    client.force_login(city_admin)
    upload(client, FIRST)
    buildings = sorted(Building.objects.filter(city=city).values_list("pk", "lat", "lon"))
    again = upload(client, FIRST).json()
    assert (again["added"], again["updated"], again["changed"], again["vanished_count"]) == (
        0,
        3,
        0,
        0,
    )
    assert sorted(Building.objects.filter(city=city).values_list("pk", "lat", "lon")) == buildings


def vanished_with_appeal(client, city, resident, category):
    """Ленина, 3 vanishes in the re-import while an open appeal points at it."""
    upload(client, FIRST)
    third = Building.objects.get(city=city, number="3")
    appeal = submit_report(resident, category, extra={"entrance": 1})
    Appeal.objects.filter(pk=appeal.pk).update(building=third)
    report = upload(client, SECOND).json()
    return third, appeal, report


def test_a_reimport_reports_changed_vanished_and_the_appeals_there(
    client, city_admin, city, resident, leaking_roof
):
    client.force_login(city_admin)
    third, appeal, report = vanished_with_appeal(client, city, resident, leaking_roof)
    assert (report["added"], report["changed"], report["vanished_count"]) == (1, 1, 1)
    assert report["vanished"] == [
        {
            "id": third.pk,
            "address": "Ленина, 3",
            "open_appeals": [{"id": appeal.pk, "number": appeal.number, "status": appeal.status}],
        }
    ]
    [refused] = report["refused"]  # the point far outside the city
    assert refused["row"] and refused["field"] and refused["message"]
    # Kept: the appeal still points at it.
    assert Building.objects.filter(city=city).count() == 4


def test_a_strict_import_with_a_refused_row_saves_nothing(client, city_admin, city):
    client.force_login(city_admin)
    report = upload(client, SECOND, strict=True).json()
    assert report["applied"] is False
    assert len(report["refused"]) == 1
    assert not Building.objects.filter(city=city).exists()
    assert not SetupChange.objects.filter(action="addresses.imported").exists()


def test_an_osm_extract_is_imported(client, city_admin, city, tmp_path):
    extract = Extract()
    extract.building(LAT, LON, {"addr:street": "улица Ленина", "addr:housenumber": "1"})
    data = extract.write(tmp_path / "city.osm.pbf").read_bytes()
    client.force_login(city_admin)
    report = upload(client, data, name="polotsk.osm.pbf").json()
    assert (report["format"], report["added"]) == ("osm", 1)
    assert upload(client, data, name="polotsk.osm.pbf").json()["added"] == 0


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"not a pbf", "polotsk.osm.pbf", "не является выгрузкой OpenStreetMap"),
        (b"x", "registry.xlsx", "Загрузите файл .csv, .geojson, .json или .osm.pbf."),
    ],
    ids=["corrupt-pbf", "other-kind"],
)
def test_a_file_that_cannot_be_imported_is_a_400_on_the_file(
    client, city_admin, city, data, name, message
):
    client.force_login(city_admin)
    response = upload(client, data, name=name)
    assert response.status_code == 400, response.content
    [detail] = response.json()["details"]
    assert detail["field"] == "file"
    assert message in detail["message"]
    assert not Building.objects.exists()
    assert not SetupChange.objects.filter(action="addresses.imported").exists()


def test_a_file_over_50_mb_is_refused(client, city_admin, city, monkeypatch):
    monkeypatch.setattr("mycity.setup.addresses.MAX_UPLOAD", 10)
    client.force_login(city_admin)
    response = upload(client, FIRST)
    assert response.status_code == 400
    assert response.json()["details"] == [{"field": "file", "message": "Файл больше 50 МБ."}]


def test_the_import_takes_a_body_of_50_mb():
    assert body_limit_for("/api/v1/cities/polotsk/staff/addresses/import") > 50 * 1024 * 1024
    assert body_limit_for("/console/polotsk/addresses/") > 50 * 1024 * 1024


def test_vanished_addresses_that_appeals_point_at_are_listed(
    client, city_admin, city, resident, leaking_roof
):
    client.force_login(city_admin)
    third, _appeal, _report = vanished_with_appeal(client, city, resident, leaking_roof)
    assert client.get(f"{BASE}/vanished").json() == {
        "count": 1,
        "addresses": [{"id": third.pk, "address": "Ленина, 3", "appeals": 1}],
    }


def test_mapping_by_the_typed_address_moves_the_appeals_and_is_audited(
    client, city_admin, city, resident, leaking_roof
):
    client.force_login(city_admin)
    third, appeal, _report = vanished_with_appeal(client, city, resident, leaking_roof)
    response = settle(client, third.pk, {"successor": "Ленина, 4"})
    assert response.status_code == 200, response.content
    fourth = Building.objects.get(city=city, number="4")
    assert response.json() == {
        "id": third.pk,
        "address": "Ленина, 3",
        "kept_as_historical": False,
        "successor": {"id": fourth.pk, "address": "Ленина, 4"},
    }
    appeal.refresh_from_db()
    assert appeal.building == fourth
    change = SetupChange.objects.get(action="address.mapped")
    assert change.before == {"building": "Ленина, 3", "appeals": [appeal.number]}
    assert change.after == {"building": "Ленина, 4"}
    assert client.get(f"{BASE}/vanished").json()["count"] == 0


def test_mapping_by_id_and_keeping_as_historical(client, city_admin, city, resident, leaking_roof):
    client.force_login(city_admin)
    third, appeal, _report = vanished_with_appeal(client, city, resident, leaking_roof)
    fourth = Building.objects.get(city=city, number="4")
    assert settle(client, third.pk, {"successor_id": fourth.pk}).status_code == 200
    appeal.refresh_from_db()
    assert appeal.building == fourth

    second = Building.objects.get(city=city, number="2")
    Building.objects.filter(pk=second.pk).update(vanished_at="2026-01-01T00:00:00Z")
    response = settle(client, second.pk, {"keep": True})
    assert response.json()["kept_as_historical"] is True
    assert SetupChange.objects.filter(action="address.kept_historical").count() == 1


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"successor": "Несуществующая, 99"}, "successor"),
        ({}, "successor"),
        ({"successor_id": 999_999}, "successor_id"),
    ],
    ids=["unknown-text", "nothing", "unknown-id"],
)
def test_a_successor_that_is_not_in_the_registry_is_a_400(
    client, city_admin, city, resident, leaking_roof, body, field
):
    client.force_login(city_admin)
    third, appeal, _report = vanished_with_appeal(client, city, resident, leaking_roof)
    response = settle(client, third.pk, body)
    assert response.status_code == 400
    assert [d["field"] for d in response.json()["details"]] == [field]
    appeal.refresh_from_db()
    assert appeal.building == third
    assert not SetupChange.objects.filter(action="address.mapped").exists()


def test_a_successor_in_another_city_is_refused(
    client, city_admin, city, other_city, resident, leaking_roof
):
    foreign = BuildingFactory(street__city=other_city, city=other_city)
    client.force_login(city_admin)
    third, _appeal, _report = vanished_with_appeal(client, city, resident, leaking_roof)
    assert settle(client, third.pk, {"successor_id": foreign.pk}).status_code == 400


def test_an_address_still_listed_cannot_be_settled(client, city_admin, city):
    client.force_login(city_admin)
    upload(client, FIRST)
    first = Building.objects.get(city=city, number="1")
    response = settle(client, first.pk, {"keep": True})
    assert response.status_code == 400
    first.refresh_from_db()
    assert first.kept_as_historical is False


def test_another_citys_address_is_not_found(client, city_admin, city, other_city):
    foreign = BuildingFactory(street__city=other_city, city=other_city)
    Building.objects.filter(pk=foreign.pk).update(vanished_at="2026-01-01T00:00:00Z")
    client.force_login(city_admin)
    assert settle(client, foreign.pk, {"keep": True}).status_code == 404
    foreign.refresh_from_db()
    assert foreign.kept_as_historical is False


def test_only_the_citys_administrator_imports(client, city, other_city, dispatcher, city_admin):
    orsha_admin = person("admin@orsha.example.org", RoleKind.CITY_ADMIN, city=other_city)
    for user in (orsha_admin, dispatcher):
        client.force_login(user)
        assert upload(client, FIRST).status_code == 404
        assert client.get(f"{BASE}/vanished").status_code == 404
    client.logout()
    assert upload(client, FIRST).status_code == 401
    assert not Building.objects.exists()
    # A staff token of the city's administrator imports.
    assert upload(client, FIRST, **bearer(city_admin, city)).status_code == 200


@pytest.mark.parametrize(
    "text",
    [
        "[" * 100_000,
        '{"type": "FeatureCollection", "features": [5, {"properties": [1]}]}',
        '{"type": "FeatureCollection", "features": [{"properties": {}, '
        '"geometry": {"type": "Point", "coordinates": []}}]}',
    ],
    ids=["nested-without-end", "features-not-objects", "point-without-coordinates"],
)
def test_a_geojson_file_of_another_shape_is_a_400_or_refused_rows_never_a_500(
    client, city_admin, city, text
):
    client.force_login(city_admin)
    response = upload(client, text, name="registry.geojson")
    assert response.status_code in (200, 400), response.content
    assert not Building.objects.filter(city=city).exists()
