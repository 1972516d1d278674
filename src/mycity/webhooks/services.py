"""Commands on webhook endpoints, and `emit`: the one way an event becomes messages.

A producer (an appeal's move, a notice being published) calls `emit` inside its own
transaction: one `Message` per endpoint that asked for the event is written with the
change, and the delivery task is enqueued only on commit (`delivery.py` sends them).
"""

import base64
import json
import secrets
import uuid
from collections.abc import Callable, Sequence
from datetime import timedelta
from functools import partial
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mycity.accounts.models import User
from mycity.accounts.permissions import Action, may
from mycity.cities.models import City, Organisation
from mycity.core.audit import record_change, record_differences
from mycity.webhooks.delivery import enqueue
from mycity.webhooks.errors import EndpointNotActive, InvalidEndpoint
from mycity.webhooks.events import PING, Audience, EventType
from mycity.webhooks.models import Endpoint, Message
from mycity.webhooks.outbound import RefusedAddress, check_url

__all__ = [
    "ROTATION_OVERLAP",
    "delete_endpoint",
    "emit",
    "new_secret",
    "pause_endpoint",
    "register_endpoint",
    "resume_endpoint",
    "rotate_secret",
    "send_test_ping",
    "update_endpoint",
]

# How long the old secret still signs after a rotation (beside the new one).
ROTATION_OVERLAP = timedelta(hours=24)
MAX_ENDPOINTS_PER_OWNER = 10
_URL_MAX = Endpoint._meta.get_field("url").max_length or 1000


def new_secret() -> str:
    """A Standard Webhooks secret: "whsec_" and 32 random bytes in base64."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


def _require(actor: User, city: City, organisation: Organisation | None) -> None:
    target = organisation if organisation is not None else city
    if not may(actor, Action.MANAGE_WEBHOOKS, target):
        raise PermissionDenied(Action.MANAGE_WEBHOOKS.value)


def _clean(url: str, events: Sequence[str], description: str) -> tuple[str, list[str], str]:
    url = (url or "").strip()
    problems = []
    if not url:
        problems.append({"field": "url", "message": _("Give the endpoint's address.")})
    elif len(url) > _URL_MAX:
        problems.append({"field": "url", "message": _("The address is too long.")})
    else:
        try:
            check_url(url, allow_loopback=settings.WEBHOOKS_ALLOW_LOOPBACK)
        except RefusedAddress as exc:
            problems.append({"field": "url", "message": str(exc)})
    chosen = list(dict.fromkeys(events or ()))
    if not chosen:
        problems.append({"field": "events", "message": _("Choose at least one event.")})
    elif any(name not in EventType.values for name in chosen):
        problems.append({"field": "events", "message": _("There is no such event.")})
    description = (description or "").strip()
    if len(description) > 200:
        problems.append({"field": "description", "message": _("At most 200 characters.")})
    if problems:
        raise InvalidEndpoint(details=problems)
    return url, [name for name in EventType.values if name in chosen], description


def register_endpoint(
    *,
    actor: User,
    city: City,
    organisation: Organisation | None,
    url: str,
    events: Sequence[str],
    description: str = "",
) -> Endpoint:
    """Register an endpoint of the city (organisation=None: the city administrator's)
    or of an organisation (its head's)."""
    if organisation is not None and organisation.city_id != city.pk:
        raise InvalidEndpoint(
            _("There is no such organisation in this city."), field="organisation"
        )
    _require(actor, city, organisation)
    url, chosen, description = _clean(url, events, description)
    with transaction.atomic():
        owned = Endpoint.objects.filter(city=city, organisation=organisation)
        if owned.count() >= MAX_ENDPOINTS_PER_OWNER:
            raise InvalidEndpoint(
                _("At most %(count)d endpoints each.") % {"count": MAX_ENDPOINTS_PER_OWNER},
                field="url",
            )
        endpoint = Endpoint.objects.create(
            city=city,
            organisation=organisation,
            url=url,
            events=chosen,
            description=description,
            secret=new_secret(),
            created_by=actor,
        )
        _audit(actor, endpoint, "webhook.registered", after=_audited(endpoint))
    return endpoint


def update_endpoint(
    *, actor: User, endpoint: Endpoint, url: str, events: Sequence[str], description: str = ""
) -> Endpoint:
    _require(actor, endpoint.city, endpoint.organisation)
    url, chosen, description = _clean(url, events, description)
    with transaction.atomic():
        before = _audited(endpoint)
        endpoint.url, endpoint.events, endpoint.description = url, chosen, description
        endpoint.save(update_fields=["url", "events", "description", "updated_at"])
        record_differences(
            actor=actor,
            city=endpoint.city,
            action="webhook.changed",
            subject=_subject(endpoint),
            fields=list(before),
            before=before,
            after=_audited(endpoint),
        )
    return endpoint


def _audited(endpoint: Endpoint) -> dict[str, Any]:
    # Never the secret.
    return {
        "url": endpoint.url,
        "events": list(endpoint.events),
        "description": endpoint.description,
        "organisation": endpoint.organisation.slug if endpoint.organisation else "",
        "state": endpoint.state,
    }


def _subject(endpoint: Endpoint) -> str:
    return f"{endpoint.url} (#{endpoint.pk})"


def _audit(actor: User, endpoint: Endpoint, action: str, **values: dict[str, Any]) -> None:
    record_change(
        actor=actor, city=endpoint.city, action=action, subject=_subject(endpoint), **values
    )


def pause_endpoint(*, actor: User, endpoint: Endpoint) -> Endpoint:
    """Stop sending to the endpoint: events meanwhile are not written for it, and what
    is waiting stays waiting until it is resumed."""
    _require(actor, endpoint.city, endpoint.organisation)
    with transaction.atomic():
        _set_state(endpoint, Endpoint.State.PAUSED)
        _audit(actor, endpoint, "webhook.paused")
    return endpoint


def resume_endpoint(*, actor: User, endpoint: Endpoint) -> Endpoint:
    """Send again, also to an endpoint that was switched off after failures; what was
    waiting goes out now."""
    _require(actor, endpoint.city, endpoint.organisation)
    with transaction.atomic():
        _set_state(endpoint, Endpoint.State.ACTIVE)
        endpoint.failing_since, endpoint.disabled_at, endpoint.disabled_reason = None, None, ""
        endpoint.save(update_fields=["failing_since", "disabled_at", "disabled_reason"])
        waiting = list(
            Message.objects.filter(endpoint=endpoint, state=Message.State.PENDING).values_list(
                "pk", flat=True
            )[:500]
        )
        Message.objects.filter(pk__in=waiting).update(due_at=timezone.now())
        _audit(actor, endpoint, "webhook.resumed")
        _enqueue_on_commit(waiting)
    return endpoint


def _set_state(endpoint: Endpoint, state: str) -> Endpoint:
    with transaction.atomic():
        endpoint.state = state
        endpoint.save(update_fields=["state", "updated_at"])
    return endpoint


def rotate_secret(*, actor: User, endpoint: Endpoint) -> Endpoint:
    """A new secret; the old one signs beside it for ROTATION_OVERLAP (the header then
    carries two signatures), so the receiver can switch without losing a message."""
    _require(actor, endpoint.city, endpoint.organisation)
    with transaction.atomic():
        endpoint.previous_secret = endpoint.secret
        endpoint.previous_secret_until = timezone.now() + ROTATION_OVERLAP
        endpoint.secret = new_secret()
        endpoint.save(
            update_fields=["secret", "previous_secret", "previous_secret_until", "updated_at"]
        )
        _audit(actor, endpoint, "webhook.secret_rotated")
    return endpoint


def delete_endpoint(*, actor: User, endpoint: Endpoint) -> None:
    """Forget the endpoint with its messages and attempts."""
    _require(actor, endpoint.city, endpoint.organisation)
    with transaction.atomic():
        _audit(actor, endpoint, "webhook.deleted", before=_audited(endpoint))
        endpoint.delete()


def send_test_ping(*, actor: User, endpoint: Endpoint) -> Message:
    """A `webhook.ping` message, delivered and retried like any other."""
    _require(actor, endpoint.city, endpoint.organisation)
    if endpoint.state != Endpoint.State.ACTIVE:
        raise EndpointNotActive()
    with transaction.atomic():
        message = _write(
            endpoint,
            PING,
            {"endpoint": endpoint.pk, "city": endpoint.city.slug},
            dedupe_key=f"ping:{uuid.uuid4().hex}",
        )
        _enqueue_on_commit([message.pk])
    return message


# --- Events ---------------------------------------------------------------------


def emit(
    *,
    city_id: int,
    event_type: EventType,
    data_for: Callable[[Audience], dict[str, Any] | None],
    dedupe_key: str,
    organisation_id: int | None = None,
    every_organisation: bool = False,
) -> int:
    """Write `event_type` for every active endpoint of the city that asked for it: the
    city's own, and the organisation's (`organisation_id`, the one the appeal is with)
    or, for what is public, every organisation's. `data_for(audience)` gives the
    payload's `data` for that audience (None: nothing for it). Joins the caller's
    transaction; returns how many messages were written."""
    endpoints = [
        e
        for e in Endpoint.objects.filter(city_id=city_id, state=Endpoint.State.ACTIVE)
        if event_type in e.events
        and (
            e.organisation_id is None
            or every_organisation
            or (organisation_id is not None and e.organisation_id == organisation_id)
        )
    ]
    if not endpoints:
        return 0
    written: list[int] = []
    payloads: dict[str, dict[str, Any] | None] = {}
    with transaction.atomic():
        for endpoint in endpoints:
            audience = Audience.CITY if endpoint.organisation_id is None else Audience.ORGANISATION
            if audience not in payloads:
                payloads[audience] = data_for(audience)
            data = payloads[audience]
            if data is None:
                continue
            try:
                with transaction.atomic():
                    written.append(_write(endpoint, event_type, data, dedupe_key=dedupe_key).pk)
            except IntegrityError:
                continue  # written already by an earlier run of the same producer
        _enqueue_on_commit(written)
    return len(written)


def _write(
    endpoint: Endpoint, event_type: str, data: dict[str, Any], *, dedupe_key: str
) -> Message:
    now = timezone.now()
    body = json.dumps(
        {"type": event_type, "timestamp": now.isoformat(), "data": data},
        cls=DjangoJSONEncoder,
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return Message.objects.create(
        endpoint=endpoint,
        webhook_id=f"msg_{uuid.uuid4().hex}",
        event_type=event_type,
        body=body,
        dedupe_key=dedupe_key[:100],
        created_at=now,
        due_at=now,
    )


def _enqueue_on_commit(message_ids: list[int]) -> None:
    for start in range(0, len(message_ids), 200):
        # robust: the change is committed whatever the queue says; a message whose
        # task was never enqueued is picked up by the outbox's next run.
        transaction.on_commit(partial(enqueue, message_ids[start : start + 200]), robust=True)
