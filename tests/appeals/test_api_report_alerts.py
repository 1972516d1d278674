"""A resident's alerts about public reports through the API, with the rules of
appeals/alerts.py (tests/appeals/test_report_alerts.py)."""

import pytest

from mycity.appeals.models import ReportAlert
from tests.api_tokens import bearer, token_for
from tests.appeal_fixtures import INSIDE, OUTSIDE, submit_report
from tests.conftest import person
from tests.factories import CategoryFactory, DistrictFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def token(city, resident):
    return bearer(token_for(resident, city))


def follow(client, body, credentials):
    return client.post(
        "/api/v1/me/report-alerts", body, content_type="application/json", **credentials
    )


AREA = {"kind": "area", "city": "polotsk", "lat": INSIDE[0], "lon": INSIDE[1], "radius_m": 500}


def test_a_resident_follows_an_area_a_district_and_a_category_with_a_token(
    client, city, resident, token, street_light
):
    DistrictFactory(city=city, slug="centre")
    area = follow(client, AREA | {"label": "Дом", "channels": ["email"]}, token)
    assert area.status_code == 201, area.content
    assert area.json()["channels"] == ["in_app", "email"]
    district = follow(client, {"kind": "district", "city": "polotsk", "district": "centre"}, token)
    assert district.status_code == 201
    category = follow(
        client, {"kind": "category", "city": "polotsk", "category": street_light.slug}, token
    )
    assert category.status_code == 201
    listed = client.get("/api/v1/me/report-alerts?city=polotsk", **token).json()
    assert {a["kind"] for a in listed} == {"area", "district", "category"}
    assert ReportAlert.objects.filter(user=resident).count() == 3


def test_a_resident_follows_one_public_report_and_again_changes_nothing(
    client, resident, token, leaking_roof, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        roof = submit_report(resident, leaking_roof, extra={"entrance": 2})
    first = follow(client, {"kind": "report", "appeal_id": roof.pk}, token)
    assert first.status_code == 201, first.content
    again = follow(client, {"kind": "report", "appeal_id": roof.pk}, token)
    assert again.json()["id"] == first.json()["id"]
    assert ReportAlert.objects.count() == 1


def test_the_same_district_twice_is_a_409(client, city, token):
    DistrictFactory(city=city, slug="centre")
    centre = {"kind": "district", "city": "polotsk", "district": "centre"}
    assert follow(client, centre, token).status_code == 201
    again = follow(client, centre, token)
    assert again.status_code == 409
    assert again.json()["code"] == "alert_exists"
    assert ReportAlert.objects.count() == 1


def test_a_point_outside_the_city_is_a_400(client, token):
    refused = follow(client, AREA | {"lat": OUTSIDE[0], "lon": OUTSIDE[1]}, token)
    assert refused.status_code == 400
    assert refused.json()["details"][0]["field"] == "point"


def test_an_unoffered_radius_is_a_400_naming_the_field(client, token):
    refused = follow(client, AREA | {"radius_m": 300}, token)
    assert refused.status_code == 400
    assert "radius_m" in refused.json()["details"][0]["field"]


def test_a_private_category_or_a_private_report_cannot_be_followed(client, city, token):
    private = CategoryFactory(city=city, slug="neighbours", is_public=False)
    refused = follow(
        client, {"kind": "category", "city": "polotsk", "category": private.slug}, token
    )
    assert refused.status_code == 400
    assert refused.json()["details"][0]["field"] == "category"
    unknown = follow(client, {"kind": "report", "appeal_id": 999999}, token)
    assert unknown.status_code == 400
    assert unknown.json()["details"][0]["field"] == "appeal_id"


def test_a_resident_stops_their_alert_but_not_another_persons(client, city, resident, token):
    mine = follow(client, AREA, token).json()["id"]
    neighbour = person("neighbour@example.org", None)
    theirs = follow(client, AREA, bearer(token_for(neighbour, city))).json()["id"]
    assert client.delete(f"/api/v1/me/report-alerts/{theirs}", **token).status_code == 404
    assert client.delete(f"/api/v1/me/report-alerts/{mine}", **token).status_code == 204
    assert list(ReportAlert.objects.values_list("pk", flat=True)) == [theirs]


def test_a_browser_session_follows_too(client, resident):
    client.force_login(resident)
    assert follow(client, AREA, {}).status_code == 201


def test_a_token_without_the_resident_scope_is_a_403(client, city, resident):
    refused = follow(client, AREA, bearer(token_for(resident, city, "public")))
    assert refused.status_code == 403
    assert refused.json()["code"] == "missing_scope"


def test_anonymous_is_a_401(client):
    assert follow(client, AREA, {}).status_code == 401
    assert client.delete("/api/v1/me/report-alerts/1").status_code == 401
