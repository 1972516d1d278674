"""A resident's personal data through the API: the requests of the "My data" page and
the same JSON copy as its download (tests/privacy/test_my_data.py)."""

import pytest

from mycity.accounts.models import Subscription
from mycity.privacy import selectors
from mycity.privacy.models import DataRequest
from tests.api_tokens import bearer, token_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def token(city, resident):
    return bearer(token_for(resident, city))


def file(client, body, credentials):
    return client.post(
        "/api/v1/me/data-requests", body, content_type="application/json", **credentials
    )


def test_a_resident_files_a_request_and_follows_it_with_a_token(client, resident, token):
    filed = file(client, {"kind": "transfers", "city": "polotsk"}, token)
    assert filed.status_code == 201, filed.content
    body = filed.json()
    assert (body["kind"], body["status"], body["city"]) == ("transfers", "received", "polotsk")
    assert [e["to_status"] for e in body["events"]] == ["received"]
    listed = client.get("/api/v1/me/data-requests", **token).json()
    assert [r["id"] for r in listed] == [body["id"]]
    one = client.get(f"/api/v1/me/data-requests/{body['id']}", **token)
    assert one.status_code == 200 and one.json()["due_on"] == body["due_on"]
    assert DataRequest.objects.get().user == resident


def test_a_withdrawal_takes_effect_at_once(client, city, resident, token):
    Subscription.objects.create(user=resident, city=city, kind="notice_kind", topic="gas")
    filed = file(client, {"kind": "withdrawal", "city": "polotsk"}, token)
    assert filed.json()["status"] == "done"
    assert not Subscription.objects.filter(user=resident).exists()


def test_a_correction_that_says_nothing_is_a_400(client, token):
    refused = file(client, {"kind": "correction", "city": "polotsk"}, token)
    assert refused.status_code == 400
    assert refused.json()["details"][0]["field"] == "details"
    assert not DataRequest.objects.exists()


def test_the_copy_is_asked_by_its_own_operation_not_as_a_request(client, token):
    refused = file(client, {"kind": "copy", "city": "polotsk"}, token)
    assert refused.status_code == 400
    assert refused.json()["details"][0]["field"] == "kind"


def test_an_unknown_city_is_a_400(client, token):
    refused = file(client, {"kind": "deletion", "city": "atlantis"}, token)
    assert refused.status_code == 400
    assert refused.json()["details"][0]["field"] == "city"


def test_the_copy_is_the_webs_download_and_is_recorded_as_given(client, city, resident, token):
    response = client.post("/api/v1/me/data/copy?city=polotsk", **token)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    copy = response.json()
    expected = selectors.export(selectors.held_about(resident))
    del copy["generated_at"], expected["generated_at"]
    assert copy == expected
    assert copy["account"]["email"] == resident.email
    given = DataRequest.objects.get()
    assert (given.kind, given.status) == ("copy", "done")


def test_another_persons_request_is_not_found(client, city, token, neighbour):
    theirs = file(
        client, {"kind": "deletion", "city": "polotsk"}, bearer(token_for(neighbour, city))
    )
    assert client.get(f"/api/v1/me/data-requests/{theirs.json()['id']}", **token).status_code == 404


def test_a_browser_session_works_too(client, resident):
    client.force_login(resident)
    assert file(client, {"kind": "deletion", "city": "polotsk"}, {}).status_code == 201
    assert client.post("/api/v1/me/data/copy").status_code == 200


def test_a_token_without_the_resident_scope_is_a_403(client, city, resident):
    refused = client.post("/api/v1/me/data/copy", **bearer(token_for(resident, city, "public")))
    assert refused.status_code == 403
    assert refused.json()["code"] == "missing_scope"
    assert not DataRequest.objects.exists()


def test_anonymous_is_a_401(client):
    assert client.get("/api/v1/me/data-requests").status_code == 401
    assert client.post("/api/v1/me/data/copy").status_code == 401
