"""Open311 out through the API: connect an organisation's own Open311 system, read the
connection (never the key in full) and what was sent there. For the city administrator
or the organisation's head, with a `staff` token or a session; the same services as the
console's page (console/open311_views.py)."""

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.responses import Status

from mycity.appeals import open311_out
from mycity.appeals.access import get_organisation_to_link
from mycity.appeals.api import STAFF
from mycity.appeals.models import DispatchState, Open311Link
from mycity.core.errors import NotFound

router = Router(tags=["open311 out"], auth=STAFF)

_PATH = "/{slug}/organisations/{organisation}/open311"
_SLUG = r"^[-a-zA-Z0-9_]+$"


class Open311LinkOut(Schema):
    endpoint: str
    jurisdiction_id: str
    api_key_hint: str = Field(description="The key's last characters; the key is never shown.")
    service_codes: dict[str, str] = Field(description="Our category's slug → their code.")
    is_active: bool
    last_pull_at: datetime | None
    last_pull_error: str


class Open311LinkIn(Schema):
    endpoint: str = Field(
        ..., min_length=1, max_length=500, description="https address of their Open311 v2 base."
    )
    jurisdiction_id: str = Field("", max_length=100)
    api_key: str = Field(
        "", max_length=200, description="Empty keeps the stored key; required the first time."
    )
    service_codes: dict[str, str] = Field(default_factory=dict)
    is_active: bool = True


class DispatchOut(Schema):
    appeal_id: int
    number: str
    state: DispatchState
    service_code: str
    attempts: int
    service_request_id: str = Field(description="Their id of the request; empty until known.")
    last_error: str
    sent_at: datetime | None


def _link_out(link: Open311Link) -> dict[str, Any]:
    return {
        "endpoint": link.endpoint,
        "jurisdiction_id": link.jurisdiction_id,
        "api_key_hint": open311_out.masked_key(link),
        "service_codes": link.service_codes,
        "is_active": link.is_active,
        "last_pull_at": link.last_pull_at,
        "last_pull_error": link.last_pull_error,
    }


def _link(request: HttpRequest, slug: str, organisation: str) -> Open311Link:
    found = open311_out.link_of(get_organisation_to_link(request.auth, slug, organisation))  # type: ignore[attr-defined]
    if found is None:
        raise NotFound()
    return found


@router.get(
    _PATH,
    response=Open311LinkOut,
    summary="City administrator or head: the organisation's own Open311 system",
)
def read_link(request: HttpRequest, slug: str, organisation: str) -> dict[str, Any]:
    return _link_out(_link(request, slug, organisation))


@router.put(
    _PATH,
    response=Open311LinkOut,
    summary="City administrator or head: connect the organisation's own Open311 system",
    description="Problem reports assigned to the organisation whose category is mapped are "
    "then filed there, and its status updates pulled back (docs/open311.md).",
)
def save_link(
    request: HttpRequest, slug: str, organisation: str, payload: Open311LinkIn
) -> dict[str, Any]:
    target = get_organisation_to_link(request.auth, slug, organisation)  # type: ignore[attr-defined]
    link = open311_out.save_open311_link(
        actor=request.auth,  # type: ignore[attr-defined]
        organisation=target,
        values=open311_out.LinkValues(
            endpoint=payload.endpoint,
            jurisdiction_id=payload.jurisdiction_id,
            api_key=payload.api_key,
            service_codes=payload.service_codes,
            is_active=payload.is_active,
        ),
    )
    return _link_out(link)


@router.delete(
    _PATH,
    response={204: None},
    summary="City administrator or head: disconnect the organisation's own system",
)
def remove_link(request: HttpRequest, slug: str, organisation: str) -> Status[None]:
    target = get_organisation_to_link(request.auth, slug, organisation)  # type: ignore[attr-defined]
    if not open311_out.remove_open311_link(actor=request.auth, organisation=target):  # type: ignore[attr-defined]
        raise NotFound()
    return Status(204, None)


@router.get(
    _PATH + "/dispatches",
    response=list[DispatchOut],
    summary="City administrator or head: the latest appeals sent to their system",
)
def list_dispatches(request: HttpRequest, slug: str, organisation: str) -> list[dict[str, Any]]:
    link = _link(request, slug, organisation)
    return [
        {
            "appeal_id": d.appeal_id,
            "number": d.appeal.number,
            "state": d.state,
            "service_code": d.service_code,
            "attempts": d.attempts,
            "service_request_id": d.remote_id,
            "last_error": d.last_error,
            "sent_at": d.sent_at,
        }
        for d in open311_out.dispatches_of(link)
    ]
