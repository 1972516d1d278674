"""The formats of the API's compound parameters, as patterns the OpenAPI document states.

A value that matches is one the server takes: the pattern is the whole rule, not a
first sieve before a stricter parser.
"""

import base64
import json
import re
from datetime import date, datetime
from typing import Annotated, Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja.parser import Parser
from pydantic import BeforeValidator, Field

from mycity.core.errors import DomainError

_LAT = r"[+-]?(90(\.0+)?|[1-8]?[0-9](\.[0-9]+)?)"
_LON = r"[+-]?(180(\.0+)?|(1[0-7][0-9]|[1-9]?[0-9])(\.[0-9]+)?)"

# The largest id a database integer holds: a larger one is not valid, not "not found".
MAX_ID = 2**63 - 1
# A row's id in a path or a body: 1 to MAX_ID (anything else is a 422, not a 500).
RowId = Annotated[int, Field(ge=1, le=MAX_ID)]

# "lat,lon" in degrees, e.g. 55.4856,28.7683.
POINT_PATTERN = rf"^{_LAT},{_LON}$"
# Two opposite corners, "lat,lon,lat,lon", in either order.
BBOX_PATTERN = rf"^{_LAT},{_LON},{_LAT},{_LON}$"

# A page cursor is the base64url (padded) of the last item's id in decimal digits; a
# client passes back what `next_cursor` gave. Each three digits encode as one of these
# four-character groups, a last one or two digits as a padded group. Up to 18 digits
# (24 characters), so that no cursor overflows a database integer.
_FIRST_TWO = "(M[DTjz]|N[DTjz]|O[DT])"
CURSOR_PATTERN = (
    rf"^({_FIRST_TWO}[AEIMQUYcgk][w-z0-5])*"
    rf"((M[AQgw]|N[AQgw]|O[AQ])==|{_FIRST_TWO}[AEIMQUYcgk]=)?$"
)
CURSOR_MAX_LENGTH = 24


_ISO_DATE = re.compile(r"\s*\d{4}-\d{2}-\d{2}")


def _iso_only(value: object) -> object:
    # pydantic takes a bare number for a date as seconds since 1970; the document
    # promises ISO 8601, and a number is more likely a mistake than a timestamp.
    if isinstance(value, str) and not _ISO_DATE.match(value):
        raise ValueError("not an ISO 8601 date")
    return value


# A date-time (or date) parameter that must be written as ISO 8601.
IsoDateTime = Annotated[datetime, BeforeValidator(_iso_only)]
IsoDate = Annotated[date, BeforeValidator(_iso_only)]


def _not_bool(value: object) -> object:
    # pydantic reads true as 1; in a JSON body a boolean is no number.
    if isinstance(value, bool):
        raise ValueError("a boolean is not a number")
    return value


def _only_bool(value: object) -> object:
    # pydantic reads 1, "yes" and "on" as true; in a JSON body only true and false are.
    if not isinstance(value, bool):
        raise ValueError("not a boolean")
    return value


# Whole numbers and booleans of JSON bodies, as the document states them. A bounded
# number puts its bounds before NOT_BOOL, `Annotated[int, Field(ge=1), NOT_BOOL]`, or
# the document loses them.
NOT_BOOL = BeforeValidator(_not_bool)
JsonInt = Annotated[int, NOT_BOOL]
JsonBool = Annotated[bool, BeforeValidator(_only_bool)]
# The id of a row named in a JSON body: a whole number the database can hold.
ObjectId = Annotated[int, Field(ge=1, le=MAX_ID), NOT_BOOL]


def cursor_for(last_id: int) -> str:
    return base64.urlsafe_b64encode(str(last_id).encode()).decode()


def id_of_cursor(cursor: str) -> int:
    """The id in a cursor that matched CURSOR_PATTERN."""
    return int(base64.urlsafe_b64decode(cursor.encode()).decode())


class BodyNotAnObject(DomainError):
    code = "invalid"
    message = _("Send a JSON object.")


class UnreadableJsonBody(DomainError):
    code = "invalid"
    message = _("The request's body is not valid JSON.")


class ObjectBodyParser(Parser):
    """Every JSON body the API takes is an object; an optional body may be left out.

    ninja reads a body of another JSON type (`[null]`, `3`) as an empty object when every
    field of the body's schema is optional, so an operation would take what its document
    refuses. ninja turns what this raises into an HttpError whose cause it keeps; the
    error handlers answer with the cause's own (translated) message.
    """

    def parse_body(self, request: HttpRequest) -> Any:
        try:
            body = json.loads(request.body)
        except (ValueError, RecursionError) as exc:  # RecursionError: nested without end
            raise UnreadableJsonBody() from exc
        if not isinstance(body, dict):
            raise BodyNotAnObject()
        return body
