"""The API's published contract: the OpenAPI document in docs/ is the one the code makes,
and it declares every answer of every operation in the one error model."""

import json
from pathlib import Path

import pytest
from ninja import Schema

from mycity.api import API_VERSION, api

PUBLISHED = Path(__file__).resolve().parents[2] / "docs" / "openapi.json"
REGENERATE = "make openapi"


@pytest.fixture(scope="module")
def document():
    return json.loads(json.dumps(api.get_openapi_schema(), default=str))


def operations(document):
    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            yield f"{method.upper()} {path}", operation


def test_the_published_document_is_the_one_the_code_makes(document):
    published = json.loads(PUBLISHED.read_text())
    assert published == document, (
        f"docs/openapi.json differs from the API's document: review the change, note it in "
        f"docs/api.md's changelog, and run `{REGENERATE}`."
    )


def test_the_document_carries_the_api_version(document):
    assert document["info"]["version"] == API_VERSION
    assert API_VERSION.startswith("1."), "a new major version is a new path, /api/v2"
    assert all(path.startswith("/api/v1/") for path in document["paths"])


def test_every_error_an_operation_can_answer_is_declared_with_the_error_model(document):
    for name, operation in operations(document):
        responses = operation["responses"]
        parameters = operation.get("parameters", [])
        expected = set()
        if parameters or "requestBody" in operation:
            expected.add("400")
        if any(p["in"] == "path" for p in parameters):
            expected.add("404")
        if operation.get("security"):
            expected |= {"401", "403"}
        assert expected <= set(responses), name
        for status, response in responses.items():
            if status >= "400":
                schema = response["content"]["application/json"]["schema"]
                assert schema == {"$ref": "#/components/schemas/Error"}, (name, status)
    error = document["components"]["schemas"]["Error"]
    assert error["required"] == ["code", "message", "details"]


def test_state_changes_of_an_appeal_declare_the_conflict(document):
    for name, operation in operations(document):
        if name.startswith("POST /api/v1/appeals/{appeal_id}/"):
            assert "409" in operation["responses"], name


def test_geojson_is_declared_as_geojson(document):
    for name, operation in operations(document):
        if name.endswith(".geojson"):
            content = operation["responses"]["200"]["content"]
            assert list(content) == ["application/geo+json"], name


def test_parameters_that_go_together_are_one_object_with_one_of(document):
    addresses = document["paths"]["/api/v1/cities/{slug}/addresses"]["get"]
    where = next(p for p in addresses["parameters"] if p["name"] == "where")
    assert where["style"] == "form" and where["explode"] and where["required"]
    assert [v["required"] for v in where["schema"]["oneOf"]] == [["q"], ["near"]]
    assert not {"q", "near"} & {p["name"] for p in addresses["parameters"]}
    affecting = document["paths"]["/api/v1/cities/{slug}/notices/affecting"]["get"]
    which = next(p for p in affecting["parameters"] if p["name"] == "which")
    assert [v["required"] for v in which["schema"]["oneOf"]] == [["building"], ["address"]]


def test_form_fields_are_never_null(document):
    # A form cannot send null: a field is there or not.
    for name, operation in operations(document):
        body = operation.get("requestBody", {}).get("content", {}).get("multipart/form-data")
        for field, schema in (body or {}).get("schema", {}).get("properties", {}).items():
            assert "null" not in json.dumps(schema), (name, field)


def _schemas(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _schemas(sub)


def test_no_two_schemas_of_the_document_share_a_name(document):
    # The document names each schema by its class: two classes of one name would make
    # one operation promise the other's answer.
    named = {}
    for cls in _schemas(Schema):
        if cls.__module__.startswith("mycity."):
            named.setdefault(cls.__name__, set()).add(f"{cls.__module__}.{cls.__qualname__}")
    shared = {
        name: classes
        for name, classes in named.items()
        if len(classes) > 1 and name in document["components"]["schemas"]
    }
    assert not shared


def test_bounds_are_stated_in_json_schema_words(document):
    # pydantic writes a bound it cannot place as its own keyword ("ge"), which no
    # client or validator reads: a bound of the code must be one of the document.
    def walk(node, where):
        if isinstance(node, dict):
            leaked = {"ge", "le", "gt", "lt"} & set(node)
            assert not leaked or "properties" in where[-2:], (where, leaked)
            for key, value in node.items():
                walk(value, [*where, key])
        elif isinstance(node, list):
            for value in node:
                walk(value, where)

    walk(document, ["#"])
