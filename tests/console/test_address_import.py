"""Importing and re-importing the address registry from the console."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from mycity.appeals.models import Appeal
from mycity.cities.models import Building
from mycity.core.models import SetupChange
from tests.appeal_fixtures import submit_report

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
    assert change.after == {"added": 1, "changed": 1, "vanished": 1, "refused": 1}


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
