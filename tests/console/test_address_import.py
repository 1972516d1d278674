"""Importing and re-importing the address registry from the console."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from mycity.appeals.models import Appeal
from mycity.cities.models import Building
from mycity.core.models import SetupChange
from tests.appeal_fixtures import submit_report
from tests.factories import BuildingFactory
from tests.osm_extracts import LAT, LON, Extract

pytestmark = pytest.mark.django_db

FIRST = (
    "street_ru,number,lat,lon\n"
    "улица Ленина,1,55.4860,28.7690\n"
    "улица Ленина,2,55.4862,28.7692\n"
    "улица Ленина,3,55.4864,28.7694\n"
)
SECOND = (
    "street_ru,number,lat,lon\n"
    "улица Ленина,1,55.4860,28.7690\n"
    "улица Ленина,2,55.4870,28.7700\n"
    "улица Ленина,4,55.4866,28.7696\n"
    "улица Ленина,5,10.0,10.0\n"
)


def upload(client, city, text, name="registry.csv"):
    return client.post(
        reverse("console:addresses", kwargs={"slug": city.slug}),
        {"file": SimpleUploadedFile(name, text.encode(), "text/csv")},
    )


def test_a_reimport_reports_added_changed_and_vanished(client, city_admin, city):
    client.force_login(city_admin)
    first = upload(client, city, FIRST)
    assert first.context["result"].report.created == 3
    second = upload(client, city, SECOND).context["result"].report
    assert (second.created, second.changed, second.vanished) == (1, 1, ["Ленина, 3"])
    assert len(second.refused) == 1  # the point far outside the city
    # Vanished addresses are kept: appeals may point at them.
    assert Building.objects.filter(city=city).count() == 4
    change = SetupChange.objects.filter(action="addresses.imported").latest("pk")
    assert change.after == {
        "format": "csv",
        "added": 1,
        "changed": 1,
        "vanished": 1,
        "refused": 1,
    }


def test_open_appeals_at_vanished_addresses_are_listed(
    client, city_admin, city, resident, leaking_roof
):
    client.force_login(city_admin)
    upload(client, city, FIRST)
    third = Building.objects.get(city=city, number="3")
    appeal = submit_report(resident, leaking_roof, extra={"entrance": 1})
    Appeal.objects.filter(pk=appeal.pk).update(building=third)
    response = upload(client, city, SECOND)
    assert response.context["result"].appeals_at_vanished == [appeal]
    assert appeal.number in response.content.decode()


def test_strict_import_refuses_all(client, city_admin, city):
    client.force_login(city_admin)
    response = client.post(
        reverse("console:addresses", kwargs={"slug": city.slug}),
        {"file": SimpleUploadedFile("r.csv", SECOND.encode()), "strict": "on"},
    )
    assert response.context["result"].report.applied is False
    assert not Building.objects.filter(city=city).exists()
    assert not SetupChange.objects.filter(action="addresses.imported").exists()


def test_a_file_of_another_kind_is_a_field_error(client, city_admin, city):
    client.force_login(city_admin)
    assert upload(client, city, "x", name="registry.xlsx").status_code == 400


def test_a_dispatcher_cannot_import(client, dispatcher, city):
    client.force_login(dispatcher)
    assert upload(client, city, FIRST).status_code == 404
    assert not Building.objects.exists()


def test_an_osm_extract_is_imported_from_the_console(client, city_admin, city, tmp_path):
    extract = Extract()
    extract.building(LAT, LON, {"addr:street": "улица Ленина", "addr:housenumber": "1"})
    data = extract.write(tmp_path / "city.osm.pbf").read_bytes()
    client.force_login(city_admin)
    response = client.post(
        reverse("console:addresses", kwargs={"slug": city.slug}),
        {"file": SimpleUploadedFile("polotsk.osm.pbf", data, "application/octet-stream")},
    )
    assert response.status_code == 200
    assert response.context["result"].report.created == 1
    assert SetupChange.objects.get(action="addresses.imported").after["format"] == "osm"


def test_a_corrupt_pbf_upload_is_a_field_error(client, city_admin, city):
    client.force_login(city_admin)
    response = upload(client, city, "not a pbf", name="polotsk.osm.pbf")
    assert response.status_code == 400
    assert "не является выгрузкой OpenStreetMap" in response.content.decode()
    assert not Building.objects.exists()


def vanished_with_appeal(client, city, resident, category):
    upload(client, city, FIRST)
    third = Building.objects.get(city=city, number="3")
    appeal = submit_report(resident, category, extra={"entrance": 1})
    Appeal.objects.filter(pk=appeal.pk).update(building=third)
    upload(client, city, SECOND)
    return third, appeal


def settle(client, city, **data):
    return client.post(reverse("console:settle_address", kwargs={"slug": city.slug}), data)


def test_a_vanished_address_with_appeals_is_listed_to_settle(
    client, city_admin, city, resident, leaking_roof
):
    client.force_login(city_admin)
    third, _appeal = vanished_with_appeal(client, city, resident, leaking_roof)
    page = client.get(reverse("console:addresses", kwargs={"slug": city.slug}))
    assert page.context["vanished"] == [(third, 1)]


def test_mapping_a_vanished_address_moves_its_appeals_and_keeps_it(
    client, city_admin, city, resident, leaking_roof
):
    client.force_login(city_admin)
    third, appeal = vanished_with_appeal(client, city, resident, leaking_roof)
    response = settle(client, city, building=third.pk, successor="Ленина, 4")
    assert response.status_code == 302
    fourth = Building.objects.get(city=city, number="4")
    appeal.refresh_from_db()
    third.refresh_from_db()
    assert (appeal.building, third.replaced_by) == (fourth, fourth)
    change = SetupChange.objects.get(action="address.mapped")
    assert change.before == {"building": "Ленина, 3", "appeals": [appeal.number]}
    assert change.after == {"building": "Ленина, 4"}
    assert (
        client.get(reverse("console:addresses", kwargs={"slug": city.slug})).context["vanished"]
        == []
    )


def test_keeping_a_vanished_address_as_historical_keeps_its_appeals(
    client, city_admin, city, resident, leaking_roof
):
    client.force_login(city_admin)
    third, appeal = vanished_with_appeal(client, city, resident, leaking_roof)
    assert settle(client, city, building=third.pk, keep="on").status_code == 302
    third.refresh_from_db()
    appeal.refresh_from_db()
    assert (third.kept_as_historical, appeal.building) == (True, third)
    assert SetupChange.objects.filter(action="address.kept_historical").count() == 1


def test_an_unknown_successor_is_a_field_error(client, city_admin, city, resident, leaking_roof):
    client.force_login(city_admin)
    third, appeal = vanished_with_appeal(client, city, resident, leaking_roof)
    response = settle(client, city, building=third.pk, successor="Несуществующая, 99")
    assert response.status_code == 400
    assert "Такого адреса в реестре нет" in response.content.decode()
    appeal.refresh_from_db()
    assert appeal.building == third


def test_an_address_still_listed_cannot_be_settled(client, city_admin, city):
    client.force_login(city_admin)
    upload(client, city, FIRST)
    first = Building.objects.get(city=city, number="1")
    response = settle(client, city, building=first.pk, keep="on")
    assert response.status_code == 400
    first.refresh_from_db()
    assert first.kept_as_historical is False


def test_another_citys_address_cannot_be_settled(client, city_admin, city, other_city):
    foreign = BuildingFactory(street__city=other_city, city=other_city)
    type(foreign).objects.filter(pk=foreign.pk).update(vanished_at="2026-01-01T00:00:00Z")
    client.force_login(city_admin)
    assert settle(client, city, building=foreign.pk, keep="on").status_code == 400
    foreign.refresh_from_db()
    assert foreign.kept_as_historical is False
