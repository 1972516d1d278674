"""Webhook endpoints through the API (scope `staff`): the city's administrator manages
the city's and its organisations', a head only their organisation's; another's endpoint
is a 404, a resident is refused."""

import pytest

from mycity.appeals.actions.api_keys import issue_api_client
from mycity.webhooks.models import Endpoint, Message
from mycity.webhooks.services import register_endpoint

URL = "/api/v1/cities/polotsk/webhooks"
NEW = {"url": "https://hooks.example.org/mycity", "events": ["appeal.registered"]}


def bearer(city, user, scopes=("staff",)) -> dict:
    key = issue_api_client(city=city, name="dispatch", user=user, scopes=scopes).key
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


@pytest.fixture
def lighting_endpoint(city, lighting_service, head_of_lighting):
    return register_endpoint(
        actor=head_of_lighting,
        city=city,
        organisation=lighting_service,
        url="https://gorsvet.example.org/hooks",
        events=["appeal.assigned"],
    )


def test_a_head_registers_their_organisations_endpoint_and_gets_its_secret(
    client, city, head_of_lighting
):
    response = client.post(
        URL,
        NEW | {"organisation": "gorsvet"},
        content_type="application/json",
        **bearer(city, head_of_lighting),
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["organisation"] == "gorsvet"
    assert body["secret"].startswith("whsec_")
    assert body["state"] == "active"
    assert Endpoint.objects.get().created_by == head_of_lighting


def test_a_head_cannot_register_the_citys_or_another_organisations_endpoint(
    client, city, head_of_lighting, organisation
):
    for owner in ("", organisation.slug):
        response = client.post(
            URL,
            NEW | {"organisation": owner},
            content_type="application/json",
            **bearer(city, head_of_lighting),
        )
        assert response.status_code == 400
        assert response.json()["details"][0]["field"] == "organisation"
    assert not Endpoint.objects.exists()


def test_a_private_address_is_refused_with_the_field(client, city, city_admin):
    response = client.post(
        URL,
        NEW | {"url": "https://169.254.169.254/latest"},
        content_type="application/json",
        **bearer(city, city_admin),
    )
    assert response.status_code == 400
    assert response.json()["details"][0]["field"] == "url"


def test_another_organisations_endpoint_is_not_found(
    client, city, lighting_endpoint, head_of_housing
):
    auth = bearer(city, head_of_housing)
    assert client.get(URL, **auth).json() == []
    for path in ("", "/messages"):
        assert client.get(f"{URL}/{lighting_endpoint.pk}{path}", **auth).status_code == 404
    for action in ("pause", "resume", "rotate-secret", "ping"):
        assert client.post(f"{URL}/{lighting_endpoint.pk}/{action}", **auth).status_code == 404
    assert client.delete(f"{URL}/{lighting_endpoint.pk}", **auth).status_code == 404
    assert Endpoint.objects.filter(pk=lighting_endpoint.pk, state="active").exists()


def test_another_citys_staff_do_not_see_the_endpoint(
    client, other_city, lighting_endpoint, executor_of_other_city
):
    from mycity.accounts.models import RoleKind
    from tests.conftest import person

    admin = person("admin@orsha.example.org", RoleKind.CITY_ADMIN, city=other_city)
    response = client.get(f"{URL}/{lighting_endpoint.pk}", **bearer(other_city, admin))
    assert response.status_code == 403  # no webhooks of theirs in this city


def test_the_city_administrator_sees_every_endpoint_of_the_city(
    client, city, city_admin, lighting_endpoint
):
    body = client.get(URL, **bearer(city, city_admin)).json()
    assert [e["id"] for e in body] == [lighting_endpoint.pk]
    assert "secret" not in body[0]


def test_a_resident_is_refused(client, city, resident, lighting_endpoint):
    assert client.get(URL, **bearer(city, resident, scopes=("resident",))).status_code == 403
    client.force_login(resident)
    assert client.get(URL).status_code == 403
    assert client.post(URL, NEW, content_type="application/json").status_code == 403


def test_anonymous_is_unauthenticated(client, city):
    assert client.get(URL).status_code == 401


def test_edit_pause_resume_rotate_and_delete(client, city, head_of_lighting, lighting_endpoint):
    auth = bearer(city, head_of_lighting)
    one = f"{URL}/{lighting_endpoint.pk}"
    response = client.put(
        one,
        {"url": "https://gorsvet.example.org/v2", "events": ["appeal.answered"]},
        content_type="application/json",
        **auth,
    )
    assert response.status_code == 200, response.content
    assert response.json()["events"] == ["appeal.answered"]
    assert client.post(f"{one}/pause", **auth).json()["state"] == "paused"
    assert client.post(f"{one}/ping", **auth).status_code == 409
    assert client.post(f"{one}/resume", **auth).json()["state"] == "active"
    old = lighting_endpoint.secret
    rotated = client.post(f"{one}/rotate-secret", **auth).json()
    assert rotated["secret"] != old
    assert client.delete(one, **auth).status_code == 204
    assert not Endpoint.objects.exists()


def test_a_ping_and_its_attempts_are_listed(
    client, city, head_of_lighting, lighting_service, receiver, django_capture_on_commit_callbacks
):
    endpoint = register_endpoint(
        actor=head_of_lighting,
        city=city,
        organisation=lighting_service,
        url=receiver.url(),
        events=["appeal.assigned"],
    )
    auth = bearer(city, head_of_lighting)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"{URL}/{endpoint.pk}/ping", **auth)
    assert response.status_code == 202, response.content
    assert response.json()["event"] == "webhook.ping"
    [message] = client.get(f"{URL}/{endpoint.pk}/messages", **auth).json()
    assert message["state"] == "delivered"
    assert message["webhook_id"] == Message.objects.get().webhook_id
    assert message["attempts"][0]["status_code"] == 204
    assert receiver.received[0].headers["webhook-id"] == message["webhook_id"]
