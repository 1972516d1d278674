"""A person's settings and quiet hours through the API, with the services of the
settings and subscriptions pages."""

from datetime import time

import pytest

from tests.api_tokens import bearer, token_for
from tests.factories import BuildingFactory, StreetFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def token(city, resident):
    return bearer(token_for(resident, city))


def patch(client, body, credentials):
    return client.patch("/api/v1/me/settings", body, content_type="application/json", **credentials)


def put_quiet(client, body, credentials):
    return client.put(
        "/api/v1/me/quiet-hours", body, content_type="application/json", **credentials
    )


def test_a_resident_changes_name_language_and_home_address_with_a_token(
    client, city, resident, token
):
    home = BuildingFactory(street=StreetFactory(city=city, name_ru="Нижне-Покровская"))
    changed = patch(
        client,
        {"full_name": " Иванова Анна ", "language": "be", "home_building": home.pk},
        token,
    )
    assert changed.status_code == 200, changed.content
    resident.refresh_from_db()
    assert (resident.full_name, resident.language) == ("Иванова Анна", "be")
    assert resident.home_building == home and resident.home_city == city
    body = client.get("/api/v1/me/settings", **token).json()
    assert body["home_city"] == "polotsk" and body["home_building"]["id"] == home.pk
    assert body["email"] == resident.email


def test_only_what_is_sent_changes(client, resident, token):
    resident.full_name = "Иванова Анна"
    resident.save()
    patch(client, {"language": "en"}, token)
    resident.refresh_from_db()
    assert (resident.full_name, resident.language) == ("Иванова Анна", "en")


def test_an_address_of_another_city_than_the_home_city_is_a_400(client, other_city, token):
    elsewhere = BuildingFactory(street=StreetFactory(city=other_city))
    refused = patch(client, {"home_city": "polotsk", "home_building": elsewhere.pk}, token)
    assert refused.status_code == 400
    assert refused.json()["details"][0]["field"] == "home_building"


def test_an_unknown_city_or_language_is_a_400(client, token):
    assert patch(client, {"home_city": "atlantis"}, token).json()["details"][0]["field"] == (
        "home_city"
    )
    refused = patch(client, {"language": "fr"}, token)
    assert refused.status_code == 400
    assert refused.json()["details"][0]["field"] == "language"


def test_quiet_hours_are_set_and_cleared(client, resident, token):
    set_ = put_quiet(client, {"quiet_from": "22:00", "quiet_until": "07:00"}, token)
    assert set_.status_code == 200
    resident.refresh_from_db()
    assert (resident.quiet_from, resident.quiet_until) == (time(22), time(7))
    assert client.get("/api/v1/me/quiet-hours", **token).json() == {
        "quiet_from": "22:00:00",
        "quiet_until": "07:00:00",
    }
    put_quiet(client, {"quiet_from": None, "quiet_until": None}, token)
    resident.refresh_from_db()
    assert resident.quiet_from is None


def test_half_quiet_hours_are_a_400_on_the_end(client, resident, token):
    refused = put_quiet(client, {"quiet_from": "22:00", "quiet_until": None}, token)
    assert refused.status_code == 400
    assert refused.json()["details"][0]["field"] == "quiet_until"
    resident.refresh_from_db()
    assert resident.quiet_from is None


def test_a_browser_session_works_too(client, resident):
    client.force_login(resident)
    assert patch(client, {"language": "ru"}, {}).status_code == 200
    assert put_quiet(client, {"quiet_from": "23:00", "quiet_until": "06:00"}, {}).status_code == 200


def test_a_token_without_the_resident_scope_is_a_403(client, city, resident):
    refused = patch(client, {"language": "ru"}, bearer(token_for(resident, city, "public")))
    assert refused.status_code == 403
    assert refused.json()["code"] == "missing_scope"


def test_anonymous_is_a_401(client):
    assert client.get("/api/v1/me/settings").status_code == 401
    assert put_quiet(client, {"quiet_from": None, "quiet_until": None}, {}).status_code == 401


def test_a_body_that_is_not_an_object_is_a_400(client, resident, token):
    refused = client.patch(
        "/api/v1/me/settings", "[null, null]", content_type="application/json", **token
    )
    assert refused.status_code == 400
    assert refused.json()["code"] == "invalid"
