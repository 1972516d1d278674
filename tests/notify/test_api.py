import json

import pytest

from tests.notify.helpers import notify_about

pytestmark = pytest.mark.django_db
URL = "/api/v1/me/notifications"


@pytest.fixture(autouse=True)
def _api_urls(settings):
    settings.ROOT_URLCONF = "tests.notify.urls"


def post_read(client, body=None):
    raw = "" if body is None else json.dumps(body)
    return client.post(f"{URL}/read", data=raw, content_type="application/json")


def test_the_list_needs_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 401
    assert response.json()["code"] == "unauthenticated"


def test_marking_read_needs_sign_in(client):
    assert post_read(client).status_code == 401


def test_the_list_shows_only_the_callers_notifications(client, resident, dispatcher):
    mine = notify_about(resident, data={"appeal": 12})
    notify_about(dispatcher, subject="Не ваше")
    client.force_login(resident)
    body = client.get(URL).json()
    assert body["unread_count"] == 1
    assert body["next_before"] is None
    [item] = body["items"]
    assert item == {
        "id": mine.pk,
        "topic": "appeal.status_changed",
        "subject": "Обращение № 12 принято",
        "body": "Ваше обращение принято в работу.",
        "url": "/appeals/12",
        "data": {"appeal": 12},
        "created_at": item["created_at"],
        "read_at": None,
    }


def test_the_list_pages_with_the_before_cursor(client, resident):
    for i in range(3):
        notify_about(resident, subject=f"N{i}")
    client.force_login(resident)
    first = client.get(URL, {"limit": 2}).json()
    assert [i["subject"] for i in first["items"]] == ["N2", "N1"]
    second = client.get(URL, {"limit": 2, "before": first["next_before"]}).json()
    assert [i["subject"] for i in second["items"]] == ["N0"]
    assert second["next_before"] is None


def test_a_limit_out_of_range_is_a_400(client, resident):
    client.force_login(resident)
    response = client.get(URL, {"limit": 1000})
    assert response.status_code == 400
    assert response.json()["details"][0]["field"] == "limit"


def test_listing_costs_the_same_queries_for_one_or_many(
    client, resident, django_assert_num_queries
):
    client.force_login(resident)
    notify_about(resident)
    client.get(URL)  # the session's first load
    # session, the user's language, the user, the page, the unread count
    with django_assert_num_queries(5):
        client.get(URL)
    for _ in range(5):
        notify_about(resident)
    with django_assert_num_queries(5):
        assert len(client.get(URL).json()["items"]) == 6


def test_posting_read_with_ids_marks_those(client, resident):
    first = notify_about(resident)
    notify_about(resident)
    client.force_login(resident)
    response = post_read(client, {"ids": [first.pk]})
    assert response.status_code == 200
    assert response.json() == {"marked": 1, "unread_count": 1}


@pytest.mark.parametrize("body", [None, {}, {"ids": None}])
def test_posting_read_without_ids_marks_all(client, resident, body):
    notify_about(resident)
    notify_about(resident)
    client.force_login(resident)
    assert post_read(client, body).json() == {"marked": 2, "unread_count": 0}


def test_posting_read_with_another_users_ids_marks_nothing(client, resident, dispatcher):
    theirs = notify_about(dispatcher)
    client.force_login(resident)
    assert post_read(client, {"ids": [theirs.pk]}).json() == {"marked": 0, "unread_count": 0}
    theirs.refresh_from_db()
    assert theirs.read_at is None


@pytest.mark.parametrize("body", ["[1, 2]", "5", '"all"'])
def test_a_body_that_is_no_object_is_a_400(client, resident, body):
    notify_about(resident)
    client.force_login(resident)
    response = client.post(f"{URL}/read", data=body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert client.get(URL).json()["unread_count"] == 1
