"""Commands of the notification outbox.

Producers call `notify()` inside their own transaction: the in-app notification and
one pending `Delivery` per other channel are written with the change they are about,
and the delivery task is enqueued only on commit. Workers call `deliver_due()` (the
task, or the `deliver_notifications` command): each delivery is claimed with a
conditional UPDATE, sent through its channel, and marked sent, retried later, or
failed. Delivery is at-least-once; channels give downstream a stable id.

The delivery functions run outside any transaction, so that a claim is committed
before anything is sent.
"""

import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django_tasks import task

from mycity.accounts.models import User
from mycity.notify.channels import (
    IN_APP,
    PermanentFailure,
    UnknownChannel,
    get_channel,
)
from mycity.notify.models import Delivery, Notification
from mycity.notify.quiet import after_quiet_hours
from mycity.notify.selectors import notifications_of
from mycity.notify.text import in_language_of

__all__ = [
    "MAX_ATTEMPTS",
    "SENDING_TIMEOUT",
    "DeliveryTally",
    "claim_delivery",
    "deliver",
    "deliver_due",
    "deliver_pending",
    "in_language_of",
    "mark_read",
    "notify",
    "notify_many",
    "resume_stuck_deliveries",
    "send_delivery",
]

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
# The wait after the first, second, … failed attempt.
RETRY_DELAYS = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
)
# A delivery in "sending" for longer than this was claimed by a worker that died.
SENDING_TIMEOUT = timedelta(minutes=10)

_SUBJECT_MAX = Notification._meta.get_field("subject").max_length or 255
_ERROR_MAX = 2000

State = Delivery.State


# --- Writing notifications ------------------------------------------------------


def notify(
    *,
    recipient: User,
    topic: str,
    subject: str,
    body: str,
    url: str = "",
    data: dict[str, Any] | None = None,
    dedupe_key: str | None = None,
    channels: Sequence[str] = (IN_APP, "email", "webpush"),
) -> Notification | None:
    """Write a notification to `recipient`, already rendered in their language.

    Joins the caller's transaction: nothing is sent unless it commits. With a
    `dedupe_key` already used for this recipient, returns that notification and
    writes nothing. Channels that cannot reach the recipient (e-mail without an
    address) are skipped; returns None when no channel is left or the recipient's
    account is deactivated.
    """
    wanted = list(dict.fromkeys(channels))
    for name in wanted:
        if name != IN_APP:
            get_channel(name)  # an unknown name is a programming error: fail loudly
    if url and (not url.startswith("/") or url.startswith(("//", "/\\"))):
        raise ValueError("A notification's url is a path on this site, e.g. /appeals/12.")
    if not recipient.is_active:
        return None
    targets = [n for n in wanted if n != IN_APP and get_channel(n).reaches(recipient)]
    in_app = IN_APP in wanted
    if not in_app and not targets:
        return None

    with transaction.atomic():
        # A used dedupe key is found by the unique constraint rather than looked up
        # first: nearly every key is new, and the look would cost each a round trip.
        try:
            with transaction.atomic():
                notification = Notification.objects.create(
                    recipient=recipient,
                    topic=topic,
                    subject=_one_line(subject, _SUBJECT_MAX),
                    body=body,
                    url=url,
                    data=data or {},
                    in_app=in_app,
                    dedupe_key=dedupe_key,
                )
        except IntegrityError:
            # The key was used before, or by a concurrent producer that committed first.
            existing = _by_dedupe_key(recipient, dedupe_key) if dedupe_key is not None else None
            if existing is None:
                raise
            return existing
        due_at = after_quiet_hours(recipient, timezone.now())
        deliveries = [
            Delivery.objects.create(notification=notification, channel=name, due_at=due_at)
            for name in targets
        ]
        _enqueue_on_commit(deliveries)
    return notification


@dataclass(frozen=True)
class Message:
    subject: str
    body: str


def notify_many(
    *,
    recipients: Sequence[tuple[User, Sequence[str]]],
    topic: str,
    write: Callable[[User], Message],
    dedupe_key: str,
    url: str = "",
    data: dict[str, Any] | None = None,
) -> int:
    """Write one notification to each of many recipients (with each one's channels), in
    one transaction and a few statements: what a fan-out to thousands needs.

    `write` renders the message and is called in each recipient's language. Recipients
    who already have `dedupe_key` are skipped, so a fan-out that stopped half-way is
    simply run again. Returns how many notifications were written.
    """
    # A second fan-out running at once (a deferred task and cron, say) may write some
    # of the same notifications first: the unique key refuses ours, and a new attempt
    # skips what the other wrote.
    for attempt in range(3):
        try:
            return _notify_many(recipients, topic, write, dedupe_key, url, data)
        except IntegrityError:
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def _notify_many(
    recipients: Sequence[tuple[User, Sequence[str]]],
    topic: str,
    write: Callable[[User], "Message"],
    dedupe_key: str,
    url: str,
    data: dict[str, Any] | None,
) -> int:
    with transaction.atomic():
        active = {user.pk: (user, channels) for user, channels in recipients if user.is_active}
        told = set(
            Notification.objects.filter(
                recipient_id__in=list(active), dedupe_key=dedupe_key
            ).values_list("recipient_id", flat=True)
        )
        now = timezone.now()
        reach = _reach([user for user, _channels in active.values()], recipients)
        rows: list[tuple[Notification, list[str]]] = []
        for user_id, (user, channels) in active.items():
            if user_id in told:
                continue
            with in_language_of(user):
                message = write(user)
            notification = Notification(
                recipient=user,
                topic=topic,
                subject=_one_line(message.subject, _SUBJECT_MAX),
                body=message.body,
                url=url,
                data=data or {},
                in_app=IN_APP in channels,
                dedupe_key=dedupe_key,
                created_at=now,
            )
            targets = [n for n in channels if n != IN_APP and user_id in reach.get(n, set())]
            if notification.in_app or targets:
                rows.append((notification, targets))
        Notification.objects.bulk_create([n for n, _ in rows], batch_size=500)
        deliveries = Delivery.objects.bulk_create(
            [
                Delivery(
                    notification=notification,
                    channel=name,
                    due_at=after_quiet_hours(notification.recipient, now),
                )
                for notification, targets in rows
                for name in targets
            ],
            batch_size=500,
        )
        _enqueue_on_commit(deliveries)
    return len(rows)


def _reach(
    users: list[User], recipients: Sequence[tuple[User, Sequence[str]]]
) -> dict[str, set[int]]:
    """For each channel the recipients asked for, whom it can reach: in one query where
    the channel can answer for many (`reachable`), else one by one."""
    names = {name for _user, channels in recipients for name in channels if name != IN_APP}
    reach: dict[str, set[int]] = {}
    for name in names:
        channel = get_channel(name)
        many = getattr(channel, "reachable", None)
        reach[name] = set(many(users)) if many else {u.pk for u in users if channel.reaches(u)}
    return reach


def _enqueue_on_commit(deliveries: Sequence[Delivery]) -> None:
    """After commit, a task for the deliveries due now, and a deferred one for those
    waiting for quiet hours to end (where the task backend can defer); nothing where
    the outbox alone delivers (NOTIFY_DELIVERY)."""
    if settings.NOTIFY_DELIVERY == "outbox":
        return
    now = timezone.now()
    due = [d.pk for d in deliveries if d.due_at <= now]
    for start in range(0, len(due), 500):
        # robust: the notification is committed whatever the queue says; a delivery
        # whose task was never enqueued is picked up by deliver_due.
        transaction.on_commit(partial(_enqueue, due[start : start + 500]), robust=True)
    later: dict[datetime, list[int]] = {}
    for delivery in deliveries:
        if delivery.due_at > now:
            later.setdefault(delivery.due_at, []).append(delivery.pk)
    for due_at, ids in later.items():
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            transaction.on_commit(partial(_schedule, chunk, due_at), robust=True)


def mark_read(*, user: User, notification_ids: Iterable[int] | None = None) -> int:
    """Mark the user's unread notifications read (all of them when no ids are given).

    Ids of other users' notifications are ignored. Returns how many were marked.
    """
    unread = Notification.objects.filter(recipient=user, in_app=True, read_at__isnull=True)
    if notification_ids is not None:
        unread = unread.filter(pk__in=list(notification_ids))
    with transaction.atomic():
        return unread.update(read_at=timezone.now())


@dataclass(frozen=True)
class ReadPage:
    items: list[Notification]
    fresh: set[int]  # those unread until this page showed them
    next_before: int | None  # pass as `before_id` for the next page


def read_page(user: User, *, before_id: int | None = None, limit: int = 50) -> ReadPage:
    """A page of the user's in-app notifications, newest first; showing them marks the
    unread ones read."""
    rows = notifications_of(user, limit=limit + 1, before_id=before_id)
    items = rows[:limit]
    fresh = {n.pk for n in items if n.read_at is None}
    if fresh:
        mark_read(user=user, notification_ids=fresh)
    return ReadPage(items, fresh, items[-1].pk if len(rows) > limit else None)


def _by_dedupe_key(recipient: User, dedupe_key: str) -> Notification | None:
    return Notification.objects.filter(recipient=recipient, dedupe_key=dedupe_key).first()


def _one_line(text: str, limit: int) -> str:
    # A subject becomes an e-mail header: no line breaks, bounded length.
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


# --- Delivering -----------------------------------------------------------------


@dataclass
class DeliveryTally:
    """What one run of the worker did."""

    sent: int = 0
    retrying: int = 0
    failed: int = 0
    resumed: int = 0

    def __add__(self, other: "DeliveryTally") -> "DeliveryTally":
        return DeliveryTally(
            sent=self.sent + other.sent,
            retrying=self.retrying + other.retrying,
            failed=self.failed + other.failed,
            resumed=self.resumed + other.resumed,
        )

    def __bool__(self) -> bool:
        return bool(self.sent or self.retrying or self.failed or self.resumed)


@task()
def deliver_pending(delivery_ids: list[int] | None = None) -> int:
    """Deliver these deliveries (those still pending and due), or all due ones."""
    tally = deliver_due() if delivery_ids is None else deliver(delivery_ids=delivery_ids)
    return tally.sent


def deliver_due(*, limit: int = 100, now: datetime | None = None) -> DeliveryTally:
    """One run of the worker: resume deliveries of dead workers, then send up to
    `limit` due ones, oldest first."""
    tally = resume_stuck_deliveries(now=now)
    due = (
        Delivery.objects.filter(state=State.PENDING, due_at__lte=_now(now))
        .order_by("due_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    return tally + deliver(delivery_ids=list(due), now=now)


def deliver(*, delivery_ids: Iterable[int], now: datetime | None = None) -> DeliveryTally:
    tally = DeliveryTally()
    for delivery_id in delivery_ids:
        delivery = claim_delivery(delivery_id=delivery_id, now=now)
        if delivery is None:
            continue  # another worker has it, or it is not due
        outcome = send_delivery(delivery=delivery, now=now)
        if outcome == State.SENT:
            tally.sent += 1
        elif outcome == State.PENDING:
            tally.retrying += 1
        elif outcome == State.FAILED:
            tally.failed += 1
    return tally


def claim_delivery(*, delivery_id: int, now: datetime | None = None) -> Delivery | None:
    """Take a pending, due delivery for this worker; None when it is not to be had.

    The conditional UPDATE is the lock: of two workers, exactly one updates the row.
    """
    moment = _now(now)
    claimed = Delivery.objects.filter(
        pk=delivery_id, state=State.PENDING, due_at__lte=moment
    ).update(state=State.SENDING, claimed_at=moment, attempts=F("attempts") + 1)
    if claimed != 1:
        return None
    return Delivery.objects.select_related("notification__recipient").filter(pk=delivery_id).first()


def send_delivery(*, delivery: Delivery, now: datetime | None = None) -> str | None:
    """Send a claimed delivery and record the outcome.

    Returns the delivery's new state, or None when the claim was lost meanwhile (it
    was resumed as stuck and claimed again): the newer claim records its own outcome.
    """
    try:
        channel = get_channel(delivery.channel)
    except UnknownChannel as exc:
        return _finish(delivery, State.FAILED, last_error=str(exc))
    recipient = delivery.notification.recipient
    if not recipient.is_active or not channel.reaches(recipient):
        return _finish(
            delivery,
            State.FAILED,
            last_error="The recipient can no longer be reached through this channel.",
        )
    log_extra = {"delivery": delivery.pk, "channel": delivery.channel}
    try:
        channel.send(delivery)
    except PermanentFailure as exc:
        logger.warning("notification delivery failed for good", extra=log_extra)
        return _finish(delivery, State.FAILED, last_error=_describe(exc))
    except Exception as exc:
        logger.warning(
            "notification delivery failed",
            exc_info=True,
            extra={**log_extra, "attempts": delivery.attempts},
        )
        if delivery.attempts >= MAX_ATTEMPTS:
            return _finish(delivery, State.FAILED, last_error=_describe(exc))
        due_at = _now(now) + RETRY_DELAYS[min(delivery.attempts, len(RETRY_DELAYS)) - 1]
        outcome = _finish(delivery, State.PENDING, last_error=_describe(exc), due_at=due_at)
        if outcome is not None:
            transaction.on_commit(partial(_schedule_retry, delivery.pk, due_at), robust=True)
        return outcome
    logger.info("notification delivered", extra=log_extra)
    return _finish(delivery, State.SENT, sent_at=_now(now))


def resume_stuck_deliveries(*, now: datetime | None = None) -> DeliveryTally:
    """Put deliveries whose worker died while sending back to pending (or fail them
    when they have had all their attempts). The channel may have sent already: that
    is the "at least" of at-least-once."""
    moment = _now(now)
    stuck = Delivery.objects.filter(state=State.SENDING, claimed_at__lt=moment - SENDING_TIMEOUT)
    minutes = int(SENDING_TIMEOUT.total_seconds() // 60)
    error = f"The worker stopped while sending; no result within {minutes} minutes."
    failed = stuck.filter(attempts__gte=MAX_ATTEMPTS).update(state=State.FAILED, last_error=error)
    resumed = stuck.filter(attempts__lt=MAX_ATTEMPTS).update(
        state=State.PENDING, due_at=moment, last_error=error
    )
    if failed or resumed:
        logger.warning(
            "stuck notification deliveries", extra={"resumed": resumed, "failed": failed}
        )
    return DeliveryTally(resumed=resumed, failed=failed)


def _finish(delivery: Delivery, state: str, **fields: Any) -> str | None:
    # Conditional on this worker's claim: `attempts` went up by one with each claim.
    updated = Delivery.objects.filter(
        pk=delivery.pk, state=State.SENDING, attempts=delivery.attempts
    ).update(state=state, **fields)
    return state if updated == 1 else None


def _enqueue(delivery_ids: list[int]) -> None:
    deliver_pending.enqueue(delivery_ids)


def _schedule_retry(delivery_id: int, due_at: datetime) -> None:
    _schedule([delivery_id], due_at)


def _schedule(delivery_ids: list[int], due_at: datetime) -> None:
    # Backends that can defer a task run it then; with the others the deliveries wait
    # for the next deliver_due (the deliver_notifications command), as all do when the
    # outbox alone delivers.
    if settings.NOTIFY_DELIVERY == "task" and deliver_pending.get_backend().supports_defer:
        deliver_pending.using(run_after=due_at).enqueue(delivery_ids)


def _describe(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"[:_ERROR_MAX]


def _now(now: datetime | None) -> datetime:
    return now if now is not None else timezone.now()
