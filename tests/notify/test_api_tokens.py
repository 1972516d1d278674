"""A personal access token works for every /me/… endpoint, as the browser session does:
a native app has no session."""

import json

import pytest

from mycity.accounts.models import RoleKind
from mycity.appeals.actions.api_keys import issue_api_client
from mycity.notify.models import PushSubscription
from tests.factories import RoleFactory
from tests.notify.helpers import notify_about
from tests.notify.test_web_push import Browser, b64, vapid  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db


def bearer(token):
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


@pytest.fixture
def token(city, resident):
    return issue_api_client(city=city, name="Mobile app", user=resident).key


def test_a_token_reads_and_marks_my_notifications(client, resident, dispatcher, token):
    mine = notify_about(resident, subject="Принято")
    notify_about(dispatcher, subject="Не ваше")
    body = client.get("/api/v1/me/notifications", **bearer(token)).json()
    assert [item["id"] for item in body["items"]] == [mine.pk]
    marked = client.post(
        "/api/v1/me/notifications/read",
        json.dumps({"ids": [mine.pk]}),
        content_type="application/json",
        **bearer(token),
    )
    assert marked.status_code == 200
    assert marked.json() == {"marked": 1, "unread_count": 0}


def test_a_token_keeps_my_push_subscription(client, vapid, resident, token):  # noqa: F811
    browser = Browser()
    body = {
        "endpoint": "https://fcm.googleapis.com/fcm/send/app-1",
        "keys": {"p256dh": browser.p256dh, "auth": b64(browser.auth)},
    }
    created = client.post(
        "/api/v1/me/push-subscriptions",
        json.dumps(body),
        content_type="application/json",
        **bearer(token),
    )
    assert created.status_code == 201
    assert PushSubscription.objects.get().user == resident
    removed = client.post(
        "/api/v1/me/push-subscriptions/remove",
        json.dumps({"endpoint": body["endpoint"]}),
        content_type="application/json",
        **bearer(token),
    )
    assert removed.status_code == 204
    assert not PushSubscription.objects.exists()


@pytest.mark.parametrize("credentials", [{}, bearer("not-a-token")])
def test_without_a_valid_token_or_session_it_is_a_401(client, credentials):
    response = client.get("/api/v1/me/notifications", **credentials)
    assert response.status_code == 401
    assert response.json()["code"] == "unauthenticated"


def test_a_switched_off_token_is_no_credentials(client, city, resident):
    issued = issue_api_client(city=city, name="Old phone", user=resident)
    issued.client.is_active = False
    issued.client.save()
    assert client.get("/api/v1/me/notifications", **bearer(issued.key)).status_code == 401


def test_a_staff_token_acts_with_the_roles_the_person_has_when_it_is_used(client, city, dispatcher):
    token = issue_api_client(city=city, name="Dispatch desk", user=dispatcher).key
    queue = f"/api/v1/cities/{city.slug}/appeals"
    assert client.get(queue, **bearer(token)).status_code == 200
    dispatcher.roles.filter(kind=RoleKind.DISPATCHER).delete()
    assert client.get(queue, **bearer(token)).status_code == 403
    RoleFactory(user=dispatcher, kind=RoleKind.DISPATCHER, city=city)
    assert client.get(queue, **bearer(token)).status_code == 200
