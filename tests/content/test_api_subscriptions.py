"""A resident's subscriptions through the API, with the rules of the page
(tests/content/test_subscriptions.py)."""

import pytest

from mycity.accounts.models import Subscription
from tests.api_tokens import bearer, token_for
from tests.content.conftest import house
from tests.factories import BuildingFactory, DistrictFactory, StreetFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def at_home(resident, city, street):
    resident.home_city, resident.home_building = city, house(street, "2")
    resident.save()
    return resident


@pytest.fixture
def token(city, at_home):
    return bearer(token_for(at_home, city))


def save(client, body, credentials):
    return client.put(
        "/api/v1/me/subscriptions", body, content_type="application/json", **credentials
    )


def test_a_resident_replaces_and_reads_their_subscriptions_with_a_token(
    client, token, street, centre
):
    work = house(street, "7")
    saved = save(
        client,
        {
            "city": "polotsk",
            "home": True,
            "addresses": [work.pk],
            "districts": [centre.slug],
            "kinds": ["gas"],
            "news_tags": ["дороги"],
            "event_categories": [],
            "channels": ["email", "webpush"],
        },
        token,
    )
    assert saved.status_code == 200, saved.content
    body = client.get("/api/v1/me/subscriptions", **token).json()
    assert body == saved.json()
    assert body["home"] is True
    assert [a["id"] for a in body["addresses"]] == [work.pk]
    assert body["districts"] == ["centre"] and body["kinds"] == ["gas"]
    assert body["channels"] == ["in_app", "email", "webpush"]
    # Saving again replaces, never adds.
    save(client, {"city": "polotsk", "kinds": ["road"]}, token)
    assert list(Subscription.objects.values_list("topic", flat=True)) == ["road"]


def test_a_browser_session_saves_too(client, at_home):
    client.force_login(at_home)
    assert save(client, {"city": "polotsk", "home": True}, {}).status_code == 200


def test_an_address_of_another_city_is_a_400_and_nothing_changes(client, token, other_city):
    save(client, {"city": "polotsk", "kinds": ["gas"]}, token)
    elsewhere = BuildingFactory(street=StreetFactory(city=other_city))
    refused = save(client, {"city": "polotsk", "addresses": [elsewhere.pk]}, token)
    assert refused.status_code == 400
    assert refused.json()["details"][0]["field"] == "addresses"
    assert list(Subscription.objects.values_list("topic", flat=True)) == ["gas"]


def test_a_district_of_another_city_is_a_400(client, token, other_city):
    DistrictFactory(city=other_city, slug="orsha-centre")
    refused = save(client, {"city": "polotsk", "districts": ["orsha-centre"]}, token)
    assert refused.status_code == 400
    assert refused.json()["details"][0]["field"] == "districts"


def test_an_unknown_kind_is_a_400_naming_the_field(client, token):
    refused = save(client, {"city": "polotsk", "kinds": ["fireworks"]}, token)
    assert refused.status_code == 400
    assert refused.json()["details"][0]["field"].startswith("kinds")


def test_home_without_a_home_address_is_a_400(client, city, resident):
    refused = save(client, {"city": "polotsk", "home": True}, bearer(token_for(resident, city)))
    assert refused.status_code == 400
    assert refused.json()["details"][0]["field"] == "home"


def test_a_token_without_the_resident_scope_is_a_403(client, city, at_home):
    public = bearer(token_for(at_home, city, "public"))
    refused = client.get("/api/v1/me/subscriptions", **public)
    assert refused.status_code == 403
    assert refused.json()["code"] == "missing_scope"


def test_anonymous_is_a_401(client):
    assert client.get("/api/v1/me/subscriptions").status_code == 401
    assert save(client, {"city": "polotsk"}, {}).status_code == 401
