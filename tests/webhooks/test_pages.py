"""The console's webhook pages: the same services as the API, behind the same checks."""

import pytest

from mycity.webhooks.models import Endpoint, Message
from mycity.webhooks.services import register_endpoint

LIST = "/console/polotsk/webhooks/"


@pytest.fixture
def lighting_endpoint(city, lighting_service, head_of_lighting):
    return register_endpoint(
        actor=head_of_lighting,
        city=city,
        organisation=lighting_service,
        url="https://gorsvet.example.org/hooks",
        events=["appeal.assigned"],
    )


def test_a_head_registers_an_endpoint_on_the_page(client, head_of_lighting, lighting_service):
    client.force_login(head_of_lighting)
    page = client.get(LIST)
    assert page.status_code == 200
    assert "gorsvet" in page.content.decode()
    response = client.post(
        LIST,
        {
            "owner": "gorsvet",
            "url": "https://gorsvet.example.org/hooks",
            "events": ["appeal.assigned", "appeal.overdue"],
        },
    )
    endpoint = Endpoint.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{LIST}{endpoint.pk}/"
    assert endpoint.organisation == lighting_service
    assert endpoint.events == ["appeal.assigned", "appeal.overdue"]
    card = client.get(response["Location"])
    assert endpoint.secret in card.content.decode()


def test_a_private_address_is_shown_next_to_the_field(client, head_of_lighting, lighting_service):
    client.force_login(head_of_lighting)
    response = client.post(
        LIST, {"owner": "gorsvet", "url": "https://10.0.0.7/x", "events": ["appeal.assigned"]}
    )
    assert response.status_code == 400
    assert response.context["form"].errors["url"] == [
        "Адрес находится в частной или зарезервированной сети."
    ]
    assert not Endpoint.objects.exists()


def test_the_page_shows_deliveries_with_their_attempts(client, head_of_lighting, lighting_endpoint):
    message = Message.objects.create(
        endpoint=lighting_endpoint,
        webhook_id="msg_abc",
        event_type="appeal.assigned",
        body="{}",
        dedupe_key="x",
        attempts=1,
    )
    from django.utils import timezone

    message.attempt_rows.create(
        number=1, at=timezone.now(), status_code=503, error="The endpoint answered 503."
    )
    client.force_login(head_of_lighting)
    page = client.get(f"{LIST}{lighting_endpoint.pk}/").content.decode()
    assert "msg_abc" in page
    assert "503" in page


def test_actions_pause_and_delete(client, head_of_lighting, lighting_endpoint):
    client.force_login(head_of_lighting)
    act = f"{LIST}{lighting_endpoint.pk}/act"
    assert client.post(act, {"action": "pause"}).status_code == 302
    lighting_endpoint.refresh_from_db()
    assert lighting_endpoint.state == "paused"
    ping = client.post(act, {"action": "ping"}, follow=True)
    assert "resume" in ping.content.decode().lower()
    assert client.post(act, {"action": "delete"})["Location"] == LIST
    assert not Endpoint.objects.exists()


def test_another_organisations_endpoint_is_not_found(client, head_of_housing, lighting_endpoint):
    client.force_login(head_of_housing)
    assert client.get(f"{LIST}{lighting_endpoint.pk}/").status_code == 404
    assert client.post(f"{LIST}{lighting_endpoint.pk}/act", {"action": "delete"}).status_code == 404
    assert Endpoint.objects.exists()


def test_staff_without_webhooks_and_residents_do_not_get_the_pages(client, dispatcher, resident):
    for user in (dispatcher, resident):
        client.force_login(user)
        assert client.get(LIST).status_code == 404
