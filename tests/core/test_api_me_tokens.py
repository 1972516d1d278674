"""Every /me/… operation of the API takes a personal access token with the `resident`
scope, as it takes the browser session: a native app has no session. Walked from the
API's own document, so a new /me/… operation is covered without being listed here."""

import pytest

from mycity.api import api
from tests.api_tokens import bearer, token_for

pytestmark = pytest.mark.django_db

# The push service's public key is the same for everyone and needs no credentials.
PUBLIC = {("get", "/api/v1/me/push-subscriptions/key")}
# A member of staff's own desk (the daily digest): staff work, so the `staff` scope.
STAFF_WORK = {"/api/v1/me/staff-preferences"}


def me_operations():
    document = api.get_openapi_schema()
    return [
        (method, path, operation)
        for path, operations in document["paths"].items()
        if path.startswith("/api/v1/me")
        for method, operation in operations.items()
    ]


def test_every_me_operation_asks_for_a_token_or_a_session():
    for method, path, operation in me_operations():
        if (method, path) in PUBLIC:
            continue
        schemes = {name for requirement in operation["security"] for name in requirement}
        assert schemes == {"StaffToken", "SessionAuth"}, (method, path)


def test_every_me_read_answers_a_resident_token(client, city, resident):
    resident.home_city = city
    resident.save()
    resident_token = bearer(token_for(resident, city))
    public_token = bearer(token_for(resident, city, "public"))
    reads = [path for method, path, _op in me_operations() if method == "get" and "{" not in path]
    assert "/api/v1/me/subscriptions" in reads and "/api/v1/me/settings" in reads
    for path in reads:
        if path in STAFF_WORK:
            refused = client.get(path, **resident_token)
            assert (refused.status_code, refused.json()["code"]) == (403, "missing_scope"), path
            continue
        assert client.get(path, **resident_token).status_code == 200, path
        if ("get", path) not in PUBLIC:
            refused = client.get(path, **public_token)
            assert refused.status_code == 403, path
            assert refused.json()["code"] == "missing_scope", path
