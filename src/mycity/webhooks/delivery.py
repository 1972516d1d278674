"""Delivering webhook messages: the outbox's way (see notify/services.py), for
endpoints outside.

Each message is claimed with a conditional UPDATE, signed as Standard Webhooks says
(`standardwebhooks`), POSTed through the SSRF guard (`outbound.py`), and its attempt
recorded. A failure is retried with exponential backoff and jitter, with the same
`webhook-id` (at least once: a receiver deduplicates on it), for about a day; when a
message has had all its attempts and nothing reached the endpoint in all that time, the
endpoint is switched off and the people who manage it are told, in the app and by
e-mail.

These functions run outside any transaction, so a claim is committed before anything
is sent.
"""

import logging
import random
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task
from standardwebhooks.webhooks import Webhook

from mycity.accounts.models import RoleKind, User
from mycity.notify.channels import IN_APP
from mycity.notify.services import in_language_of, notify
from mycity.webhooks.models import Attempt, Endpoint, Message
from mycity.webhooks.outbound import RefusedAddress, post

logger = logging.getLogger(__name__)

State = Message.State

# Attempt n (1-based) failed: the next waits BASE_DELAY * 4**(n-1), at most MAX_DELAY,
# give or take JITTER (so that many messages failing together do not retry together).
# Eight attempts span about 23 hours: 30 s, 2 min, 8 min, 32 min, 2 h 8 min, 8 h 32 min,
# 12 h.
MAX_ATTEMPTS = 8
BASE_DELAY = timedelta(seconds=30)
MAX_DELAY = timedelta(hours=12)
JITTER = 0.2
# A message in "sending" longer than this was claimed by a worker that died.
SENDING_TIMEOUT = timedelta(minutes=5)
_RESPONSE_KEPT = 500
_ERROR_MAX = 1000


def retry_delay(attempts: int, *, rng: random.Random | None = None) -> timedelta:
    """The wait after the `attempts`-th failed attempt, with jitter."""
    base = min(BASE_DELAY * 4 ** (attempts - 1), MAX_DELAY)
    factor = 1 + (rng or random).uniform(-JITTER, JITTER)
    return base * factor


def signature_header(endpoint: Endpoint, webhook_id: str, at: datetime, body: str) -> str:
    """`webhook-signature`: "v1,<base64>", and a second one with the previous secret
    while a rotation overlaps."""
    # The library reads the moment as UTC, whatever zone it carries.
    utc = at.astimezone(UTC)
    signatures = [Webhook(endpoint.secret).sign(webhook_id, utc, body)]
    overlap = endpoint.previous_secret_until
    if endpoint.previous_secret and overlap is not None and at < overlap:
        signatures.append(Webhook(endpoint.previous_secret).sign(webhook_id, utc, body))
    return " ".join(signatures)


def signed_headers(endpoint: Endpoint, message: Message, at: datetime) -> dict[str, str]:
    return {
        "content-type": "application/json",
        "user-agent": "mycity-webhooks/1",
        "webhook-id": message.webhook_id,
        "webhook-timestamp": str(int(at.timestamp())),
        "webhook-signature": signature_header(endpoint, message.webhook_id, at, message.body),
    }


@dataclass
class Tally:
    delivered: int = 0
    retrying: int = 0
    failed: int = 0
    resumed: int = 0

    def __bool__(self) -> bool:
        return bool(self.delivered or self.retrying or self.failed or self.resumed)


@task()
def deliver_messages(message_ids: list[int] | None = None) -> int:
    """Deliver these messages (those still pending and due), or every due one."""
    tally = deliver_due() if message_ids is None else deliver(message_ids=message_ids)
    return tally.delivered


def enqueue(message_ids: list[int]) -> None:
    deliver_messages.enqueue(message_ids)


def deliver_due(*, limit: int = 100, now: datetime | None = None) -> Tally:
    """One run of the outbox: resume messages of dead workers, then send up to `limit`
    due ones of active endpoints, oldest first."""
    tally = resume_stuck(now=now)
    due = (
        Message.objects.filter(
            state=State.PENDING, due_at__lte=_now(now), endpoint__state=Endpoint.State.ACTIVE
        )
        .order_by("due_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    done = deliver(message_ids=list(due), now=now)
    done.resumed = tally.resumed
    done.failed += tally.failed
    return done


def deliver(*, message_ids: Iterable[int], now: datetime | None = None) -> Tally:
    tally = Tally()
    for message_id in message_ids:
        message = claim_message(message_id=message_id, now=now)
        if message is None:
            continue
        outcome = send_message(message=message, now=now)
        if outcome == State.DELIVERED:
            tally.delivered += 1
        elif outcome == State.PENDING:
            tally.retrying += 1
        elif outcome == State.FAILED:
            tally.failed += 1
    return tally


def claim_message(*, message_id: int, now: datetime | None = None) -> Message | None:
    """Take a pending, due message of an active endpoint for this worker; None when it
    is not to be had. The conditional UPDATE is the lock."""
    moment = _now(now)
    claimed = Message.objects.filter(
        pk=message_id,
        state=State.PENDING,
        due_at__lte=moment,
        endpoint__state=Endpoint.State.ACTIVE,
    ).update(state=State.SENDING, claimed_at=moment, attempts=F("attempts") + 1)
    if claimed != 1:
        return None
    return Message.objects.select_related("endpoint__city").get(pk=message_id)


def send_message(*, message: Message, now: datetime | None = None) -> str | None:
    """Send a claimed message once and record the attempt and the outcome; the new
    state, or None when the claim was lost meanwhile."""
    endpoint = message.endpoint
    at = _now(now)
    error, status, response, duration = "", None, "", 0
    try:
        answer = post(
            endpoint.url,
            body=message.body.encode(),
            headers=signed_headers(endpoint, message, at),
            allow_loopback=settings.WEBHOOKS_ALLOW_LOOPBACK,
            ca_file=settings.WEBHOOKS_CA_FILE or None,
        )
    except RefusedAddress as exc:
        error = str(exc)
    except Exception as exc:  # the network's failures, whatever their class
        error = f"{type(exc).__name__}: {exc}"
    else:
        status, duration = answer.status, answer.duration_ms
        response = answer.body[:_RESPONSE_KEPT].decode("utf-8", "replace")
        if 300 <= status < 400:
            error = _("Redirects are not followed (status %(status)d).") % {"status": status}
        elif not 200 <= status < 300:
            error = _("The endpoint answered %(status)d.") % {"status": status}
    error = error[:_ERROR_MAX]
    with transaction.atomic():
        if not error:
            outcome = _finish(message, State.DELIVERED, delivered_at=at, last_error="")
            if outcome is not None:
                _record(message, at, duration, status, "", response, None)
                Endpoint.objects.filter(pk=endpoint.pk).update(failing_since=None)
            return outcome
        if message.attempts >= MAX_ATTEMPTS:
            outcome = _finish(message, State.FAILED, last_error=error)
            if outcome is not None:
                _record(message, at, duration, status, error, response, None)
                _failed_for_good(endpoint, message, at)
            return outcome
        due_at = at + retry_delay(message.attempts)
        outcome = _finish(message, State.PENDING, last_error=error, due_at=due_at)
        if outcome is not None:
            _record(message, at, duration, status, error, response, due_at)
            Endpoint.objects.filter(pk=endpoint.pk, failing_since__isnull=True).update(
                failing_since=at
            )
            transaction.on_commit(partial(_schedule, message.pk, due_at), robust=True)
    logger.info(
        "webhook attempt failed",
        extra={"webhook_message": message.pk, "attempts": message.attempts, "status": status},
    )
    return outcome


def _record(
    message: Message,
    at: datetime,
    duration: int,
    status: int | None,
    error: str,
    response: str,
    next_retry_at: datetime | None,
) -> None:
    Attempt.objects.create(
        message=message,
        number=message.attempts,
        at=at,
        duration_ms=duration,
        status_code=status,
        error=error,
        response=response,
        next_retry_at=next_retry_at,
    )


def _failed_for_good(endpoint: Endpoint, message: Message, at: datetime) -> None:
    """A message had all its attempts. When nothing was delivered to the endpoint
    since its first one (about a day of failures), the endpoint is switched off and
    its managers told."""
    first = message.attempt_rows.order_by("number").values_list("at", flat=True).first() or at
    switched = Endpoint.objects.filter(
        pk=endpoint.pk,
        state=Endpoint.State.ACTIVE,
        failing_since__isnull=False,
        failing_since__lte=first,
    ).update(
        state=Endpoint.State.DISABLED,
        disabled_at=at,
        disabled_reason=message.last_error or "",
    )
    if switched == 1:
        logger.warning("webhook endpoint switched off", extra={"endpoint": endpoint.pk})
        tell_managers_switched_off(endpoint, at=at, error=message.last_error)


def managers_of(endpoint: Endpoint) -> list[User]:
    """Who hears of the endpoint: whoever registered it, and the heads of its
    organisation (or the city's administrators for the city's)."""
    if endpoint.organisation_id is not None:
        roles = {"roles__kind": RoleKind.HEAD, "roles__organisation_id": endpoint.organisation_id}
    else:
        roles = {
            "roles__kind": RoleKind.CITY_ADMIN,
            "roles__city_id": endpoint.city_id,
            "roles__organisation__isnull": True,
        }
    people = {u.pk: u for u in User.objects.filter(is_active=True, **roles).distinct()}
    if endpoint.created_by_id and endpoint.created_by_id not in people:
        creator = User.objects.filter(pk=endpoint.created_by_id, is_active=True).first()
        if creator is not None:
            people[creator.pk] = creator
    return [people[pk] for pk in sorted(people)]


def tell_managers_switched_off(endpoint: Endpoint, *, at: datetime, error: str) -> None:
    url = f"/console/{endpoint.city.slug}/webhooks/{endpoint.pk}/"
    for person in managers_of(endpoint):
        with in_language_of(person):
            subject = _("Webhook switched off: %(url)s") % {"url": endpoint.url}
            body = _(
                "Deliveries to %(url)s have failed for about a day, so the endpoint was "
                "switched off. The last error: %(error)s. Fix the receiver, then resume the "
                "endpoint in the console: the messages still waiting will be sent."
            ) % {"url": endpoint.url, "error": error or "—"}
        notify(
            recipient=person,
            topic="webhook.disabled",
            subject=subject,
            body=body,
            url=url,
            data={"endpoint": endpoint.pk},
            dedupe_key=f"webhook:disabled:{endpoint.pk}:{at.isoformat()}",
            channels=(IN_APP, "email"),
        )


def resume_stuck(*, now: datetime | None = None) -> Tally:
    """Messages whose worker died while sending go back to pending (or fail, when
    they have had all their attempts): the receiver may have had it already, which is
    the "at least" of at-least-once."""
    moment = _now(now)
    stuck = Message.objects.filter(state=State.SENDING, claimed_at__lt=moment - SENDING_TIMEOUT)
    error = "The worker stopped while sending."
    failed = stuck.filter(attempts__gte=MAX_ATTEMPTS).update(state=State.FAILED, last_error=error)
    resumed = stuck.filter(attempts__lt=MAX_ATTEMPTS).update(
        state=State.PENDING, due_at=moment, last_error=error
    )
    return Tally(resumed=resumed, failed=failed)


def _finish(message: Message, state: str, **fields: Any) -> str | None:
    # Conditional on this worker's claim: `attempts` went up by one with each claim.
    updated = Message.objects.filter(
        pk=message.pk, state=State.SENDING, attempts=message.attempts
    ).update(state=state, **fields)
    if updated == 1:
        message.state = state
        for name, value in fields.items():
            setattr(message, name, value)
    return state if updated == 1 else None


def _schedule(message_id: int, due_at: datetime) -> None:
    # Backends that can defer run the task then; with the others the message waits for
    # the outbox's next run (deliver_notifications).
    if deliver_messages.get_backend().supports_defer:
        deliver_messages.using(run_after=due_at).enqueue([message_id])


def _now(now: datetime | None) -> datetime:
    return now if now is not None else timezone.now()
