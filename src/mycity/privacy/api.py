"""A resident's personal data through the API: their requests to the operator (list,
one with its history, a new one of the kinds the "My data" page offers) and the copy of
everything held, the same JSON as the page's download. The same services and selectors
as privacy/views.py.

The browser session by default; src/mycity/api.py mounts the router at /me so that a
personal access token (scope `resident`) works too. A request cannot be withdrawn, as on
the web: the law's terms run from its receipt, and the officer answers each.
"""

from datetime import date, datetime
from typing import Annotated, Any, Literal, cast

from django.http import HttpRequest, HttpResponse
from ninja import Field, Path, Query, Router, Schema
from ninja.responses import Status
from ninja.security import django_auth

from mycity.accounts.models import User
from mycity.cities.models import City
from mycity.cities.selectors import active_cities, city_named
from mycity.core.api_formats import MAX_ID
from mycity.privacy import selectors, services
from mycity.privacy.access import get_own_request
from mycity.privacy.models import DataRequest, RequestKind, RequestStatus

router = Router(tags=["my personal data"], auth=django_auth)

SLUG = r"^[-a-zA-Z0-9_]+$"
# What a resident files; the copy is `POST /me/data/copy`, answered at once.
FiledKind = Literal["transfers", "correction", "withdrawal", "deletion"]


class RequestEventOut(Schema):
    at: datetime
    from_status: RequestStatus | Literal[""]
    to_status: RequestStatus
    note: str


class DataRequestOut(Schema):
    id: int
    kind: RequestKind
    status: RequestStatus
    city: str = Field(description="Whose operator answers it (a city's slug).")
    details: str
    corrected_name: str
    received_at: datetime
    due_on: date = Field(description="The last day of the operator's term.")
    done_at: datetime | None
    reason: str = Field(description="The reason of a refusal.")


class DataRequestDetailOut(DataRequestOut):
    events: list[RequestEventOut]


class DataRequestIn(Schema):
    kind: FiledKind = Field(
        description="`transfers`: to whom my data went; `correction` (with `details` or "
        "`corrected_name`); `withdrawal` of consent (takes effect at once); `deletion`."
    )
    city: str = Field(max_length=50, pattern=SLUG, description="Whose operator I ask.")
    details: str = Field("", max_length=2000)
    corrected_name: str = Field("", max_length=200)


class OperatorQuery(Schema):
    city: str | None = Field(
        None,
        max_length=50,
        pattern=SLUG,
        description="Whose operator records the copy as given; by default my home city's.",
    )


def _request_out(found: DataRequest) -> dict[str, Any]:
    return {
        "id": found.pk,
        "kind": found.kind,
        "status": found.status,
        "city": found.city.slug,
        "details": found.details,
        "corrected_name": found.corrected_name,
        "received_at": found.received_at,
        "due_on": found.due_on,
        "done_at": found.done_at,
        "reason": found.reason,
    }


def _detail_out(found: DataRequest) -> dict[str, Any]:
    return _request_out(found) | {
        "events": [
            {
                "at": e.created_at,
                "from_status": e.from_status,
                "to_status": e.to_status,
                "note": e.note,
            }
            for e in found.events.all()
        ]
    }


@router.get(
    "/data-requests", response=list[DataRequestOut], summary="My requests about my personal data"
)
def my_data_requests(request: HttpRequest) -> list[dict]:
    user = cast(User, request.auth)  # type: ignore[attr-defined]
    held = (
        DataRequest.objects.filter(user=user).select_related("city").order_by("-received_at", "-pk")
    )
    return [_request_out(r) for r in held]


@router.get(
    "/data-requests/{request_id}",
    response=DataRequestDetailOut,
    summary="One of my requests, with what happened to it (another person's is a 404)",
)
def my_data_request(
    request: HttpRequest, request_id: Annotated[int, Path(ge=1, le=MAX_ID)]
) -> dict:
    return _detail_out(get_own_request(request.auth, request_id))  # type: ignore[attr-defined]


@router.post(
    "/data-requests",
    response={201: DataRequestDetailOut},
    summary="Ask the city's operator about my personal data (Law 99-З, arts. 10–13)",
    description="A withdrawal of consent takes effect at once: subscriptions, alerts' "
    "channels and push subscriptions stop, as on the web. 400 `invalid_data_request` "
    "(field `details`): a correction that says nothing.",
)
def file_data_request(request: HttpRequest, payload: DataRequestIn) -> Status:
    user = cast(User, request.auth)  # type: ignore[attr-defined]
    filed = services.file_request(
        user=user,
        city=city_named(payload.city, field="city"),
        kind=payload.kind,
        details=payload.details,
        corrected_name=payload.corrected_name,
    )
    return Status(201, _detail_out(filed))


def _operator_city(user: User, slug: str | None) -> City | None:
    # As the page: the chosen city, else the home city, else any.
    if slug is not None:
        return city_named(slug, field="city")
    if user.home_city_id and user.home_city is not None:
        return user.home_city
    return active_cities().defer("boundary").first()


@router.post(
    "/data/copy",
    response=dict[str, Any],
    summary="A copy of everything held about me (the JSON of the web's download)",
    description="Given at once and recorded as an answered request for a copy (art. 11). "
    "The shape is described in docs/personal-data.md; `format` names its version.",
)
def copy_of_my_data(
    request: HttpRequest, response: HttpResponse, query: Query[OperatorQuery]
) -> dict[str, Any]:
    response["Cache-Control"] = "no-store"
    user = cast(User, request.auth)  # type: ignore[attr-defined]
    city = _operator_city(user, query.city)
    if city is not None:
        services.record_copy_given(user=user, city=city)
    return selectors.export(selectors.held_about(user))
