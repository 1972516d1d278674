"""Delivery through the outbox: retried with exponential backoff and jitter under the
same webhook-id, switched off after about a day of failures with a message to those
who manage the endpoint, resumed by them."""

import random
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from mycity.notify.models import Notification
from mycity.notify.services import deliver_due as deliver_notifications
from mycity.webhooks.delivery import (
    BASE_DELAY,
    MAX_ATTEMPTS,
    MAX_DELAY,
    SENDING_TIMEOUT,
    deliver_due,
    retry_delay,
)
from mycity.webhooks.events import EventType
from mycity.webhooks.models import Endpoint, Message
from mycity.webhooks.services import (
    emit,
    pause_endpoint,
    register_endpoint,
    resume_endpoint,
)


@pytest.fixture
def endpoint(city, city_admin, receiver):
    return register_endpoint(
        actor=city_admin,
        city=city,
        organisation=None,
        url=receiver.url(),
        events=[EventType.NOTICE_PUBLISHED],
    )


def _emit(city, key="n1") -> int:
    return emit(
        city_id=city.pk,
        event_type=EventType.NOTICE_PUBLISHED,
        data_for=lambda audience: {"id": 1},
        dedupe_key=key,
    )


def test_the_backoff_grows_fourfold_with_jitter_up_to_twelve_hours():
    rng = random.Random(20261207)
    for attempts in range(1, MAX_ATTEMPTS):
        base = min(BASE_DELAY * 4 ** (attempts - 1), MAX_DELAY)
        delays = {retry_delay(attempts, rng=rng) for _ in range(50)}
        assert all(base * 0.8 <= d <= base * 1.2 for d in delays)
        assert len(delays) > 1  # jittered: failures at once do not retry at once
    assert retry_delay(1, rng=rng) < timedelta(seconds=37)
    assert retry_delay(7, rng=rng) >= timedelta(hours=9, minutes=36)


def test_the_attempts_span_about_a_day():
    longest = sum((min(BASE_DELAY * 4**n, MAX_DELAY) for n in range(MAX_ATTEMPTS - 1)), timedelta())
    assert timedelta(hours=20) < longest < timedelta(hours=26)


def test_a_delivered_message_records_its_attempt(city, endpoint, receiver):
    _emit(city)
    tally = deliver_due()
    assert tally.delivered == 1
    message = Message.objects.get()
    assert message.state == Message.State.DELIVERED
    attempt = message.attempt_rows.get()
    assert (attempt.number, attempt.status_code, attempt.error) == (1, 204, "")
    assert attempt.next_retry_at is None
    assert receiver.received[0].headers["webhook-id"] == message.webhook_id


def test_a_failure_is_retried_later_under_the_same_webhook_id(city, endpoint, receiver):
    receiver.answers = [(500, {}, b"down"), (503, {}, b""), (200, {}, b"ok")]
    _emit(city)
    moment = timezone.now()
    deliver_due(now=moment)
    message = Message.objects.get()
    assert message.state == Message.State.PENDING
    first_wait = message.due_at - moment
    assert BASE_DELAY * 0.8 <= first_wait <= BASE_DELAY * 1.2
    assert deliver_due(now=moment + first_wait / 2).delivered == 0  # not due yet
    moment = message.due_at
    deliver_due(now=moment)
    message.refresh_from_db()
    assert BASE_DELAY * 4 * 0.8 <= message.due_at - moment <= BASE_DELAY * 4 * 1.2
    deliver_due(now=message.due_at)
    message.refresh_from_db()
    assert message.state == Message.State.DELIVERED
    attempts = list(message.attempt_rows.order_by("number"))
    assert [(a.number, a.status_code) for a in attempts] == [(1, 500), (2, 503), (3, 200)]
    assert attempts[0].error and attempts[0].response == "down"
    assert attempts[0].next_retry_at is not None and attempts[2].next_retry_at is None
    assert {r.headers["webhook-id"] for r in receiver.received} == {message.webhook_id}
    assert len(receiver.received) == 3
    endpoint.refresh_from_db()
    assert endpoint.failing_since is None  # healthy again


def test_a_redirect_counts_as_a_failure(city, endpoint, receiver):
    receiver.answers = [(301, {"Location": "https://10.0.0.1/"}, b"")]
    _emit(city)
    deliver_due()
    attempt = Message.objects.get().attempt_rows.get()
    assert attempt.status_code == 301
    assert "301" in attempt.error  # said in the site's language
    assert len(receiver.received) == 1


def _fail_for_a_day(city, receiver) -> Message:
    receiver.answers = [(500, {}, b"")]
    _emit(city)
    moment = timezone.now()
    for _ in range(MAX_ATTEMPTS):
        deliver_due(now=moment)
        message = Message.objects.get()
        moment = max(moment, message.due_at)
    return message


def test_after_a_day_of_failures_the_endpoint_is_switched_off_and_its_managers_told(
    city, endpoint, receiver, city_admin
):
    message = _fail_for_a_day(city, receiver)
    assert message.state == Message.State.FAILED
    assert message.attempt_rows.count() == MAX_ATTEMPTS
    span = message.attempt_rows.order_by("-number")[0].at - message.attempt_rows.get(number=1).at
    assert timedelta(hours=18) < span < timedelta(hours=28)
    endpoint.refresh_from_db()
    assert endpoint.state == Endpoint.State.DISABLED
    assert "500" in endpoint.disabled_reason
    told = Notification.objects.get(recipient=city_admin, topic="webhook.disabled")
    assert endpoint.url in told.subject
    assert told.url == f"/console/{city.slug}/webhooks/{endpoint.pk}/"
    deliver_notifications()
    assert [m.to for m in mail.outbox] == [[city_admin.email]]
    # Switched off, nothing more is written for it or sent to it.
    assert _emit(city, key="n2") == 0


def test_the_head_of_an_organisation_hears_of_its_endpoint(
    city, lighting_service, head_of_lighting, receiver
):
    register_endpoint(
        actor=head_of_lighting,
        city=city,
        organisation=lighting_service,
        url=receiver.url(),
        events=[EventType.NOTICE_PUBLISHED],
    )
    emit(
        city_id=city.pk,
        event_type=EventType.NOTICE_PUBLISHED,
        data_for=lambda audience: {"id": 1},
        dedupe_key="n",
        every_organisation=True,
    )
    receiver.answers = [(500, {}, b"")]
    moment = timezone.now()
    for _ in range(MAX_ATTEMPTS):
        deliver_due(now=moment)
        moment = max(moment, Message.objects.get().due_at)
    assert Notification.objects.filter(
        recipient=head_of_lighting, topic="webhook.disabled"
    ).exists()


def test_resuming_sends_what_was_waiting(city, endpoint, receiver, city_admin):
    message = _fail_for_a_day(city, receiver)
    Message.objects.filter(pk=message.pk).update(state=Message.State.PENDING)  # one waiting
    receiver.answers = [(204, {}, b"")]
    resume_endpoint(actor=city_admin, endpoint=endpoint)
    endpoint.refresh_from_db()
    assert endpoint.state == Endpoint.State.ACTIVE and endpoint.disabled_reason == ""
    assert deliver_due().delivered == 1


def test_a_paused_endpoint_gets_nothing_and_keeps_what_waits(city, endpoint, city_admin, receiver):
    _emit(city)
    pause_endpoint(actor=city_admin, endpoint=endpoint)
    assert _emit(city, key="n2") == 0
    assert deliver_due().delivered == 0
    assert receiver.received == []
    assert Message.objects.get().state == Message.State.PENDING


def test_a_message_of_a_worker_that_died_is_sent_again(city, endpoint, receiver):
    _emit(city)
    long_ago = timezone.now() - SENDING_TIMEOUT - timedelta(minutes=1)
    Message.objects.update(state=Message.State.SENDING, claimed_at=long_ago, attempts=1)
    tally = deliver_due()
    assert (tally.resumed, tally.delivered) == (1, 1)


def test_the_same_event_is_written_once_per_endpoint(city, endpoint):
    assert _emit(city) == 1
    assert _emit(city) == 0
    assert Message.objects.count() == 1


def test_a_name_rebound_to_a_private_address_after_registration_gets_nothing(
    city, city_admin, resolve_as, receiver
):
    """Registered while the name was public (nothing private to see then); at delivery
    it resolves to the metadata service: refused before connecting, and retried."""
    register_endpoint(
        actor=city_admin,
        city=city,
        organisation=None,
        url="https://hooks.example.org/mycity",
        events=[EventType.NOTICE_PUBLISHED],
    )
    resolve_as(["169.254.169.254"])
    _emit(city)
    deliver_due()
    message = Message.objects.get()
    attempt = message.attempt_rows.get()
    assert message.state == Message.State.PENDING
    assert attempt.status_code is None
    # Refused, and without telling the owner where the name pointed.
    assert "not public" in attempt.error
    assert "169.254.169.254" not in attempt.error
    assert receiver.received == []
