"""The city administrator's API on service areas as streets and house ranges, and the
gaps and overlaps per category."""

import json

import pytest

from mycity.appeals.actions.api_keys import issue_api_client
from mycity.cities.models import Organisation, ServiceAddress
from mycity.core.models import SetupChange
from tests.factories import BuildingFactory, StreetFactory

pytestmark = pytest.mark.django_db

LAT, LON = 55.4856, 28.7683


@pytest.fixture
def lenina(city, organisation):
    """Улица Ленина with houses 1–6; the fixture's ЖЭС № 1 (zhes-1) is set up through it."""
    street = StreetFactory(city=city, name_ru="Ленина", name_be="Леніна")
    for number in range(1, 7):
        BuildingFactory(street=street, number=str(number), lat=LAT, lon=LON)
    return street


def url(city_slug="polotsk", org="zhes-1"):
    return f"/api/v1/cities/{city_slug}/staff/organisations/{org}/service-addresses"


def put(client, lines, *, headers=None, **kwargs):
    return client.put(
        url(**kwargs),
        json.dumps({"lines": lines}),
        content_type="application/json",
        **(headers or {}),
    )


def test_the_administrator_sets_streets_and_reads_them_back(client, city_admin, lenina):
    client.force_login(city_admin)
    response = put(
        client, [{"street_id": lenina.pk, "number_from": 1, "number_to": 5, "parity": "odd"}]
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["serves_addresses"] is True
    assert body["lines"] == [
        {
            "street_id": lenina.pk,
            "street": "Ленина",
            "number_from": 1,
            "number_to": 5,
            "parity": "odd",
        }
    ]
    assert client.get(url()).json() == body
    change = SetupChange.objects.get(action="organisation.saved", subject="zhes-1")
    assert change.before["service_addresses"] == []
    assert change.after["service_addresses"] == ["Ленина 1–5 odd"]


def test_a_backward_range_is_a_400_with_the_field(client, city_admin, lenina):
    client.force_login(city_admin)
    response = put(client, [{"street_id": lenina.pk, "number_from": 9, "number_to": 3}])
    assert response.status_code == 400
    assert [d["field"] for d in response.json()["details"]] == ["service_addresses[0].number_to"]
    assert not ServiceAddress.objects.exists()
    assert Organisation.objects.get(slug="zhes-1").serves_addresses is False


def test_an_unknown_street_is_a_400(client, city_admin, lenina):
    client.force_login(city_admin)
    response = put(client, [{"street_id": 999_999}])
    assert response.status_code == 400
    assert response.json()["details"][0]["message"] == "Такой улицы в городе нет."


def test_another_citys_organisation_is_a_404(client, city_admin, lenina, other_organisation):
    client.force_login(city_admin)
    assert put(client, [{"street_id": lenina.pk}], org=other_organisation.slug).status_code == 404
    assert (
        put(
            client, [{"street_id": lenina.pk}], city_slug="orsha", org=other_organisation.slug
        ).status_code
        == 404
    )


def test_a_dispatcher_gets_a_404(client, dispatcher, lenina):
    client.force_login(dispatcher)
    assert put(client, [{"street_id": lenina.pk}]).status_code == 404
    assert client.get("/api/v1/cities/polotsk/staff/coverage").status_code == 404


def test_a_token_with_the_staff_scope_works_and_one_without_is_refused(
    client, city, city_admin, lenina
):
    staff = issue_api_client(city=city, name="app", user=city_admin, scopes=["staff"]).key
    public = issue_api_client(city=city, name="app", user=city_admin, scopes=["public"]).key
    assert client.get(url(), HTTP_AUTHORIZATION=f"Bearer {staff}").status_code == 200
    refused = client.get(url(), HTTP_AUTHORIZATION=f"Bearer {public}")
    assert refused.status_code == 403
    assert refused.json()["code"] == "missing_scope"


def test_the_coverage_counts_addresses_once_streets_are_served(
    client, city_admin, city, lenina, leaking_roof, organisation
):
    client.force_login(city_admin)
    put(client, [{"street_id": lenina.pk, "parity": "odd"}])
    [row] = client.get("/api/v1/cities/polotsk/staff/coverage").json()
    assert row["category"] == leaking_roof.slug
    assert (row["by_addresses"], row["address_gaps"], row["complete"]) == (True, 3, False)
    assert row["address_gap_examples"][0] == "Ленина, 2"
