"""Webhook endpoints through the API (scope `staff`), mounted at /cities: the same
services as the console's pages (console/webhook_views.py). A city's administrator
manages the city's endpoints and its organisations'; the head of an organisation its
organisation's; anyone else is refused (403), and another's endpoint is a 404."""

from datetime import datetime
from typing import Any, Literal, cast

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from mycity.accounts.models import User
from mycity.appeals.api import STAFF
from mycity.cities.models import City
from mycity.cities.selectors import city_by_slug
from mycity.core.api_contract import errors
from mycity.webhooks import services
from mycity.webhooks.access import (
    endpoints_for,
    get_endpoint_for,
    owner_by_key,
    require_webhooks,
)
from mycity.webhooks.errors import InvalidEndpoint
from mycity.webhooks.events import EventType
from mycity.webhooks.models import Endpoint, Message
from mycity.webhooks.selectors import PAGE, recent_messages

router = Router(tags=["webhooks"], auth=STAFF)

EventName = Literal[
    "appeal.registered",
    "appeal.assigned",
    "appeal.answered",
    "appeal.reopened",
    "appeal.overdue",
    "notice.published",
]
assert set(EventName.__args__) == set(EventType.values)  # type: ignore[attr-defined]


class WebhookEndpointIn(Schema):
    url: str = Field(
        ...,
        min_length=1,
        max_length=1000,
        pattern=r"^https://\S+$",
        description="An https address on a public network; private, loopback and "
        "link-local addresses are refused.",
    )
    events: list[EventName] = Field(..., min_length=1, max_length=6)
    description: str = Field("", max_length=200)


class NewWebhookEndpointIn(WebhookEndpointIn):
    organisation: str = Field(
        "",
        max_length=100,
        pattern=r"^[-a-zA-Z0-9_]*$",
        description="The organisation's slug; empty for the city's own endpoint.",
    )


class WebhookEndpointOut(Schema):
    id: int
    city: str
    organisation: str | None = Field(description="The organisation's slug; null: the city's.")
    url: str
    description: str
    events: list[str]
    state: Literal["active", "paused", "disabled"]
    disabled_at: datetime | None
    disabled_reason: str
    failing_since: datetime | None
    created_at: datetime


class WebhookEndpointSecretOut(WebhookEndpointOut):
    secret: str = Field(
        description="The signing secret (`whsec_…`, Standard Webhooks); keep it safe."
    )


class WebhookAttemptOut(Schema):
    number: int
    at: datetime
    status_code: int | None
    duration_ms: int
    error: str
    next_retry_at: datetime | None


class WebhookMessageOut(Schema):
    id: int
    webhook_id: str = Field(description="The `webhook-id` header, the same on every retry.")
    event: str
    state: Literal["pending", "sending", "delivered", "failed"]
    attempts: list[WebhookAttemptOut]
    created_at: datetime
    next_attempt_at: datetime | None
    delivered_at: datetime | None
    last_error: str


class WebhookMessagesQuery(Schema):
    before: int | None = Field(None, ge=1, description="Messages older than this id.")


def endpoint_out(endpoint: Endpoint) -> dict[str, Any]:
    return {
        "id": endpoint.pk,
        "city": endpoint.city.slug,
        "organisation": endpoint.organisation.slug if endpoint.organisation else None,
        "url": endpoint.url,
        "description": endpoint.description,
        "events": endpoint.events,
        "state": endpoint.state,
        "disabled_at": endpoint.disabled_at,
        "disabled_reason": endpoint.disabled_reason,
        "failing_since": endpoint.failing_since,
        "created_at": endpoint.created_at,
    }


def with_secret(endpoint: Endpoint) -> dict[str, Any]:
    return endpoint_out(endpoint) | {"secret": endpoint.secret}


def message_out(message: Message) -> dict[str, Any]:
    return {
        "id": message.pk,
        "webhook_id": message.webhook_id,
        "event": message.event_type,
        "state": message.state,
        "attempts": [
            {
                "number": a.number,
                "at": a.at,
                "status_code": a.status_code,
                "duration_ms": a.duration_ms,
                "error": a.error,
                "next_retry_at": a.next_retry_at,
            }
            for a in message.attempt_rows.all()
        ],
        "created_at": message.created_at,
        "next_attempt_at": message.due_at if message.state == Message.State.PENDING else None,
        "delivered_at": message.delivered_at,
        "last_error": message.last_error,
    }


def _city(request: HttpRequest, slug: str) -> tuple[User, City]:
    user = cast(User, request.auth)  # type: ignore[attr-defined]
    city = city_by_slug(slug)
    require_webhooks(user, city)
    return user, city


def _endpoint(request: HttpRequest, slug: str, endpoint_id: int) -> tuple[User, Endpoint]:
    user, city = _city(request, slug)
    return user, get_endpoint_for(user, city, endpoint_id)


@router.get(
    "/{slug}/webhooks",
    response=list[WebhookEndpointOut],
    summary="Staff: the webhook endpoints I manage in the city",
)
def list_endpoints(request: HttpRequest, slug: str) -> list[dict[str, Any]]:
    user, city = _city(request, slug)
    return [endpoint_out(e) for e in endpoints_for(user, city)]


@router.post(
    "/{slug}/webhooks",
    response={201: WebhookEndpointSecretOut},
    summary="Staff: register a webhook endpoint (its secret is in the answer)",
    description="The city's administrator registers the city's endpoint (`organisation` "
    "empty) or an organisation's; the head of an organisation its organisation's.",
)
def register_endpoint(
    request: HttpRequest, slug: str, payload: NewWebhookEndpointIn
) -> Status[dict[str, Any]]:
    user, city = _city(request, slug)
    owner = owner_by_key(user, city, payload.organisation)
    if owner is None:
        raise InvalidEndpoint(
            _("You cannot register endpoints for this organisation."), field="organisation"
        )
    endpoint = services.register_endpoint(
        actor=user,
        city=city,
        organisation=owner.organisation,
        url=payload.url,
        events=payload.events,
        description=payload.description,
    )
    return Status(201, with_secret(endpoint))


@router.get(
    "/{slug}/webhooks/{endpoint_id}",
    response=WebhookEndpointSecretOut,
    summary="Staff: one webhook endpoint, with its secret",
)
def get_endpoint(request: HttpRequest, slug: str, endpoint_id: int) -> dict[str, Any]:
    _user, endpoint = _endpoint(request, slug, endpoint_id)
    return with_secret(endpoint)


@router.put(
    "/{slug}/webhooks/{endpoint_id}",
    response=WebhookEndpointOut,
    summary="Staff: change a webhook endpoint's address, events and description",
)
def update_endpoint(
    request: HttpRequest, slug: str, endpoint_id: int, payload: WebhookEndpointIn
) -> dict[str, Any]:
    user, endpoint = _endpoint(request, slug, endpoint_id)
    services.update_endpoint(
        actor=user,
        endpoint=endpoint,
        url=payload.url,
        events=payload.events,
        description=payload.description,
    )
    return endpoint_out(endpoint)


@router.delete(
    "/{slug}/webhooks/{endpoint_id}",
    response={204: None},
    summary="Staff: delete a webhook endpoint with its messages",
)
def delete_endpoint(request: HttpRequest, slug: str, endpoint_id: int) -> Status[None]:
    user, endpoint = _endpoint(request, slug, endpoint_id)
    services.delete_endpoint(actor=user, endpoint=endpoint)
    return Status(204, None)


@router.post(
    "/{slug}/webhooks/{endpoint_id}/pause",
    response=WebhookEndpointOut,
    summary="Staff: pause a webhook endpoint (nothing is sent or written for it)",
)
def pause_endpoint(request: HttpRequest, slug: str, endpoint_id: int) -> dict[str, Any]:
    user, endpoint = _endpoint(request, slug, endpoint_id)
    return endpoint_out(services.pause_endpoint(actor=user, endpoint=endpoint))


@router.post(
    "/{slug}/webhooks/{endpoint_id}/resume",
    response=WebhookEndpointOut,
    summary="Staff: resume a paused or switched-off webhook endpoint",
)
def resume_endpoint(request: HttpRequest, slug: str, endpoint_id: int) -> dict[str, Any]:
    user, endpoint = _endpoint(request, slug, endpoint_id)
    return endpoint_out(services.resume_endpoint(actor=user, endpoint=endpoint))


@router.post(
    "/{slug}/webhooks/{endpoint_id}/rotate-secret",
    response=WebhookEndpointSecretOut,
    summary="Staff: a new secret; the old one still signs beside it for 24 hours",
)
def rotate_secret(request: HttpRequest, slug: str, endpoint_id: int) -> dict[str, Any]:
    user, endpoint = _endpoint(request, slug, endpoint_id)
    return with_secret(services.rotate_secret(actor=user, endpoint=endpoint))


@router.post(
    "/{slug}/webhooks/{endpoint_id}/ping",
    response={202: WebhookMessageOut},
    summary="Staff: send a `webhook.ping` message to the endpoint",
    openapi_extra=errors(409),
)
def ping_endpoint(request: HttpRequest, slug: str, endpoint_id: int) -> Status[dict[str, Any]]:
    user, endpoint = _endpoint(request, slug, endpoint_id)
    message = services.send_test_ping(actor=user, endpoint=endpoint)
    message.refresh_from_db()
    return Status(202, message_out(message))


@router.get(
    "/{slug}/webhooks/{endpoint_id}/messages",
    response=list[WebhookMessageOut],
    summary=f"Staff: the endpoint's latest {PAGE} messages, each with its attempts",
)
def endpoint_messages(
    request: HttpRequest, slug: str, endpoint_id: int, query: Query[WebhookMessagesQuery]
) -> list[dict[str, Any]]:
    _user, endpoint = _endpoint(request, slug, endpoint_id)
    return [message_out(m) for m in recent_messages(endpoint, before_id=query.before)]
