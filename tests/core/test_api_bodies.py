"""Every JSON body the API takes is an object: a body of another JSON type is refused
with the API's error, whatever operation it is sent to and however lax its schema is."""

import json
import re

import pytest

from mycity.api import api
from tests.conftest import bearer

pytestmark = pytest.mark.django_db

ALL_SCOPES = ("public", "resident", "staff")
NOT_OBJECTS = ["[null, null]", "7", '"text"', "true", "null"]


def json_body_operations():
    document = json.loads(json.dumps(api.get_openapi_schema(), default=str))
    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            content = operation.get("requestBody", {}).get("content", {})
            if "application/json" in content:
                yield method, path


def concrete(path: str, city) -> str:
    path = path.replace("{slug}", city.slug).replace("{day}", "2026-12-07")
    return re.sub(r"\{[a-z_]+\}", "1", path)


def test_the_sweep_has_operations_to_check():
    assert len(list(json_body_operations())) > 40


@pytest.mark.parametrize("body", NOT_OBJECTS)
def test_no_operation_takes_a_json_body_that_is_not_an_object(client, city, dispatcher, body):
    # Some operations take the browser's session only, the others a token.
    client.force_login(dispatcher)
    headers = bearer(dispatcher, city, *ALL_SCOPES)
    taken, refused = [], 0
    for method, path in json_body_operations():
        send = getattr(client, method)
        response = send(concrete(path, city), body, content_type="application/json", **headers)
        if response.status_code < 400 or response.status_code >= 500:
            taken.append(f"{method.upper()} {path}: {response.status_code}")
        elif response.status_code == 400:
            assert response.json()["code"] == "invalid", path
            refused += 1
    assert taken == []
    # The body is read before the view looks up its rows or the actor's roles, so with
    # every scope nothing but the body decides.
    assert refused == len(list(json_body_operations()))


def test_a_body_that_is_not_json_is_refused_in_the_language_of_the_request(
    client, city, dispatcher
):
    response = client.post(
        "/api/v1/me/notifications/read",
        "{not json",
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
        **bearer(dispatcher, city, *ALL_SCOPES),
    )
    assert response.status_code == 400
    assert response.json() == {
        "code": "invalid",
        "message": "The request's body is not valid JSON.",
        "details": [],
    }


def test_an_optional_body_may_be_left_out(client, city, dispatcher):
    response = client.post(
        "/api/v1/me/notifications/read",
        "",
        content_type="application/json",
        **bearer(dispatcher, city, *ALL_SCOPES),
    )
    assert response.status_code == 200


def test_a_body_nested_without_end_is_refused_as_json_that_is_not_valid(client, city, dispatcher):
    # Well under the 1 MB a body may have, but deeper than Python's parser goes.
    response = client.post(
        "/api/v1/me/notifications/read",
        '{"ids": ' + "[" * 100_000,
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
        **bearer(dispatcher, city, *ALL_SCOPES),
    )
    assert response.status_code == 400
    assert response.json()["message"] == "The request's body is not valid JSON."
