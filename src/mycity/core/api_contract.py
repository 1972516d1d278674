"""What the OpenAPI document promises beyond what ninja derives from the endpoints' types.

ninja documents the success answer of each operation; clients (and the contract fuzzer
in CI) need every answer. Errors all have one shape (`core.errors.error_body`), and which
of them an operation can answer follows from what the operation has:

- parameters or a body: 400, some value is not valid (with field details);
- path parameters: 404, the city, appeal, notice ... does not exist or is not visible;
- a body: 413, the body is larger than the server takes;
- authentication: 401 without credentials, 403 when the caller may not do this.

Statuses that come from the domain (409 a conflict with the appeal's state, 422 a
refused idempotency key, 429 too many submissions) are declared by the operation itself
with `errors(...)` in its `openapi_extra`.
"""

from functools import cached_property
from typing import Any

from django.utils.translation import get_language
from ninja import NinjaAPI

ERROR_REF = {"$ref": "#/components/schemas/Error"}

ERROR_SCHEMAS: dict[str, Any] = {
    "ErrorDetail": {
        "title": "ErrorDetail",
        "type": "object",
        "properties": {
            "field": {
                "type": "string",
                "description": "The field the message is about (dotted for nested ones, "
                "`files[0]` for a file); empty when it is about the request as a whole.",
            },
            "message": {"type": "string", "description": "In the request's language."},
        },
        "required": ["field", "message"],
    },
    "Error": {
        "title": "Error",
        "type": "object",
        "description": "Every error the API answers has this shape.",
        "properties": {
            "code": {
                "type": "string",
                "description": "Stable, for programs: `invalid`, `not_found`, "
                "`unauthenticated`, `forbidden`, `move_not_allowed`, `stale_appeal` ...",
            },
            "message": {"type": "string", "description": "For people, in their language."},
            "details": {"type": "array", "items": {"$ref": "#/components/schemas/ErrorDetail"}},
        },
        "required": ["code", "message", "details"],
    },
}

ERROR_MEANINGS = {
    400: "Some value is not valid (code `invalid` or a more precise one, with field details).",
    401: "No valid credentials: sign in or send `Authorization: Bearer <token>`.",
    403: "The caller may not do this (`forbidden`), or the token lacks the scope this "
    "needs (`missing_scope`).",
    404: "There is no such thing, or the caller may not see it.",
    409: "The thing's state does not allow this now, or someone changed it meanwhile.",
    413: "The body or one of its files is larger than the server takes.",
    422: "The request contradicts an earlier one (see the code).",
    429: "Too many requests of this kind for now; try again later.",
}


FEATURE_COLLECTION: dict[str, Any] = {
    "type": "object",
    "description": "A GeoJSON FeatureCollection (RFC 7946).",
    "properties": {
        "type": {"type": "string", "enum": ["FeatureCollection"]},
        "features": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "type": {"type": "string", "enum": ["Feature"]},
                    "geometry": {"type": ["object", "null"]},
                    "properties": {"type": ["object", "null"]},
                },
                "required": ["type", "geometry", "properties"],
            },
        },
    },
    "required": ["type", "features"],
}


def geojson(description: str, **extra: Any) -> dict[str, Any]:
    """`openapi_extra` for an operation that answers GeoJSON (`application/geo+json`)."""
    schema = FEATURE_COLLECTION | {"properties": FEATURE_COLLECTION["properties"] | extra}
    return {
        "responses": {
            "200": {
                "description": description,
                "content": {"application/geo+json": {"schema": schema}},
            }
        }
    }


def errors(*statuses: int) -> dict[str, Any]:
    """`openapi_extra` for an operation that can also answer these statuses."""
    return {"responses": {str(status): _error_response(status) for status in statuses}}


# An operation that needs exactly one of some query parameters says so with
# `exactly_one_of(...)`; OpenAPI cannot relate separate parameters, so the document
# shows them as one exploded object parameter (the same `?q=...` on the wire) whose
# schema has the oneOf.
_ONE_OF = "x-mycity-exactly-one-of"


def exactly_one_of(name: str, *parameters: str) -> dict[str, Any]:
    """`openapi_extra` for an operation that takes exactly one of these query parameters."""
    return {_ONE_OF: {"name": name, "parameters": list(parameters)}}


def _not_null(schema: dict[str, Any]) -> dict[str, Any]:
    """ninja states an optional value as anyOf [its type, null]; where null cannot be
    sent (a query parameter, a form field) the value is there or not."""
    schema = dict(schema)
    alternatives = [s for s in schema.get("anyOf", []) if s.get("type") != "null"]
    if "anyOf" in schema and len(alternatives) == 1:
        del schema["anyOf"]
        schema |= alternatives[0]
    return schema


def _forms_without_null(operation: dict[str, Any]) -> None:
    for kind, body in operation.get("requestBody", {}).get("content", {}).items():
        if kind in ("multipart/form-data", "application/x-www-form-urlencoded"):
            schema = body.get("schema", {})
            properties = schema.get("properties", {})
            schema["properties"] = {name: _not_null(s) for name, s in properties.items()}


def _merge_alternatives(operation: dict[str, Any], group: dict[str, Any]) -> None:
    names = group["parameters"]
    merged = [p for p in operation.get("parameters", []) if p["name"] in names]
    properties = {}
    for parameter in merged:
        schema = _not_null(parameter["schema"])
        if parameter.get("description"):
            schema["description"] = parameter["description"]
        properties[parameter["name"]] = schema
    operation["parameters"] = [p for p in operation["parameters"] if p["name"] not in names] + [
        {
            "in": "query",
            "name": group["name"],
            "style": "form",
            "explode": True,
            "required": True,
            "description": "Exactly one of: " + ", ".join(f"`{n}`" for n in names) + ".",
            "schema": {
                "type": "object",
                "properties": properties,
                "oneOf": [
                    {
                        "required": [name],
                        "not": {"anyOf": [{"required": [o]} for o in names if o != name]},
                    }
                    for name in names
                ],
            },
        }
    ]


def _error_response(status: int) -> dict[str, Any]:
    return {
        "description": ERROR_MEANINGS[status],
        "content": {"application/json": {"schema": ERROR_REF}},
    }


def declare_errors(document: dict[str, Any]) -> dict[str, Any]:
    """Adds to each operation of an OpenAPI document the errors it can answer."""
    document.setdefault("components", {}).setdefault("schemas", {}).update(ERROR_SCHEMAS)
    for operations in document.get("paths", {}).values():
        for operation in operations.values():
            group = operation.pop(_ONE_OF, None)
            if group:
                _merge_alternatives(operation, group)
            _forms_without_null(operation)
            parameters = operation.get("parameters", [])
            has_body = "requestBody" in operation
            statuses = set()
            if parameters or has_body:
                statuses.add(400)
            if any(p.get("in") == "path" for p in parameters):
                statuses.add(404)
            if has_body:
                statuses.add(413)
            if operation.get("security"):
                statuses |= {401, 403}
            responses = _by_status(operation.get("responses", {}))
            for status in sorted(statuses):
                responses.setdefault(str(status), _error_response(status))
            # Keep the document's order stable: successes first, then errors by status.
            operation["responses"] = dict(sorted(responses.items()))
    return document


def _by_status(responses: dict[Any, Any]) -> dict[str, Any]:
    """Responses keyed by status as a string; ninja keys its own by int, `openapi_extra`
    by string, and one status declared both ways is one response."""
    merged: dict[str, Any] = {}
    for status, response in responses.items():
        into = merged.setdefault(str(status), {})
        content = into.get("content", {}) | response.get("content", {})
        into.update(response)
        if content:
            into["content"] = content
    return merged


class ContractAPI(NinjaAPI):
    """A NinjaAPI whose OpenAPI document declares every error of every operation.

    The document is made once per process (and language): making it walks every
    operation's schemas, half a second here, and a busy machine turned that into
    clients' timeouts. Nothing in it changes while the process runs.
    """

    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> Any:
        key = (path_prefix, repr(sorted((path_params or {}).items())), get_language())
        made = self._documents.get(key)
        if made is None:
            made = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
            declare_errors(made)
            self._documents[key] = made
        # Shared: a caller reads it (renders it, compares it), never changes it.
        return made

    @cached_property
    def _documents(self) -> dict[tuple[str | None, str, str | None], Any]:
        return {}
