from datetime import timedelta

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.utils import timezone
from django_tasks import default_task_backend

from mycity.notify.models import Delivery
from mycity.notify.services import (
    MAX_ATTEMPTS,
    SENDING_TIMEOUT,
    claim_delivery,
    deliver_due,
    resume_stuck_deliveries,
    send_delivery,
)
from tests.notify.helpers import notify_about

pytestmark = pytest.mark.django_db


class BrokenBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        raise ConnectionRefusedError("the SMTP server is down")


@pytest.fixture
def broken_mail(settings):
    settings.EMAIL_DELIVERY_BACKEND = "tests.notify.test_delivery.BrokenBackend"


def pending_delivery(recipient) -> Delivery:
    notify_about(recipient)  # the test's transaction never commits: no task runs
    return Delivery.objects.get(notification__recipient=recipient)


def test_deliver_due_sends_each_pending_delivery_once(resident, dispatcher):
    pending_delivery(resident)
    pending_delivery(dispatcher)
    tally = deliver_due()
    assert tally.sent == 2
    assert sorted(m.to[0] for m in mail.outbox) == [
        "dispatcher@example.org",
        "resident@example.org",
    ]
    assert deliver_due().sent == 0
    assert len(mail.outbox) == 2
    for delivery in Delivery.objects.all():
        assert (delivery.state, delivery.attempts) == ("sent", 1)
        assert delivery.sent_at is not None


def test_deliver_due_sends_no_more_than_the_limit(resident, dispatcher):
    pending_delivery(resident)
    pending_delivery(dispatcher)
    assert deliver_due(limit=1).sent == 1
    assert Delivery.objects.filter(state="pending").count() == 1


def test_a_second_claim_of_the_same_delivery_gets_nothing(resident):
    delivery = pending_delivery(resident)
    first = claim_delivery(delivery_id=delivery.pk)
    second = claim_delivery(delivery_id=delivery.pk)
    assert first is not None
    assert second is None
    assert (first.state, first.attempts) == ("sending", 1)
    # The row the first worker holds is not sent by anyone else either.
    assert deliver_due().sent == 0
    assert mail.outbox == []
    assert send_delivery(delivery=first) == "sent"
    assert len(mail.outbox) == 1


def test_a_delivery_stuck_in_sending_past_the_timeout_is_resumed_and_sent_once(resident):
    delivery = pending_delivery(resident)
    start = timezone.now()
    assert claim_delivery(delivery_id=delivery.pk, now=start) is not None  # then the worker dies
    later = start + SENDING_TIMEOUT + timedelta(seconds=1)
    tally = deliver_due(now=later)
    assert (tally.resumed, tally.sent) == (1, 1)
    assert deliver_due(now=later).sent == 0
    assert len(mail.outbox) == 1
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts) == ("sent", 2)


def test_a_delivery_sending_within_the_timeout_is_left_alone(resident):
    delivery = pending_delivery(resident)
    start = timezone.now()
    claim_delivery(delivery_id=delivery.pk, now=start)
    tally = deliver_due(now=start + SENDING_TIMEOUT - timedelta(seconds=1))
    assert (tally.resumed, tally.sent) == (0, 0)
    assert mail.outbox == []
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts) == ("sending", 1)


def test_a_late_worker_after_a_resume_sends_again_with_the_same_message_id(resident):
    # At-least-once: the slow worker and the one that resumed its delivery both
    # send; the Message-ID lets the mail system drop the second copy.
    delivery = pending_delivery(resident)
    start = timezone.now()
    slow = claim_delivery(delivery_id=delivery.pk, now=start)
    later = start + SENDING_TIMEOUT + timedelta(seconds=1)
    resume_stuck_deliveries(now=later)
    fresh = claim_delivery(delivery_id=delivery.pk, now=later)
    assert slow is not None and fresh is not None
    assert send_delivery(delivery=fresh, now=later) == "sent"
    assert send_delivery(delivery=slow, now=later) is None  # its claim is gone: nothing recorded
    ids = {m.message()["Message-ID"] for m in mail.outbox}
    assert len(mail.outbox) == 2 and len(ids) == 1
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts) == ("sent", 2)


def test_a_failing_backend_leaves_the_delivery_pending_with_the_error(resident, broken_mail):
    delivery = pending_delivery(resident)
    now = timezone.now()
    tally = deliver_due(now=now)
    assert (tally.sent, tally.retrying) == (0, 1)
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts) == ("pending", 1)
    assert delivery.last_error == "ConnectionRefusedError: the SMTP server is down"
    assert delivery.due_at > now  # retried later, not in a tight loop
    assert deliver_due(now=now).retrying == 0


def test_a_delivery_fails_for_good_after_the_maximum_attempts(resident, broken_mail):
    delivery = pending_delivery(resident)
    now = timezone.now()
    for _attempt in range(MAX_ATTEMPTS):
        now += timedelta(days=1)
        deliver_due(now=now)
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts) == ("failed", MAX_ATTEMPTS)
    assert "SMTP server is down" in delivery.last_error
    assert deliver_due(now=now + timedelta(days=1)).retrying == 0
    assert Delivery.objects.get().attempts == MAX_ATTEMPTS


def test_a_delivery_stuck_on_its_last_attempt_fails(resident):
    delivery = pending_delivery(resident)
    Delivery.objects.filter(pk=delivery.pk).update(attempts=MAX_ATTEMPTS - 1)
    start = timezone.now()
    claim_delivery(delivery_id=delivery.pk, now=start)
    tally = deliver_due(now=start + SENDING_TIMEOUT + timedelta(seconds=1))
    assert (tally.failed, tally.sent) == (1, 0)
    delivery.refresh_from_db()
    assert delivery.state == "failed"


def test_a_recipient_who_lost_the_address_fails_without_retries(resident):
    delivery = pending_delivery(resident)
    resident.email = ""
    resident.save(update_fields=["email"])
    assert deliver_due().failed == 1
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts) == ("failed", 1)
    assert mail.outbox == []


def test_a_failed_attempt_schedules_a_retry_task_when_the_backend_can_defer(
    resident, settings, broken_mail, django_capture_on_commit_callbacks
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    with django_capture_on_commit_callbacks(execute=True):
        delivery = pending_delivery(resident)
    default_task_backend.clear()  # the first enqueue, on commit
    with django_capture_on_commit_callbacks(execute=True):
        deliver_due()
    delivery.refresh_from_db()
    [retry] = default_task_backend.results
    assert retry.task.name == "deliver_pending"
    assert retry.args == [[delivery.pk]]
    assert retry.task.run_after == delivery.due_at


def test_with_the_outbox_alone_a_notification_enqueues_no_task_and_the_next_poll_sends_it(
    resident, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    settings.NOTIFY_DELIVERY = "outbox"
    default_task_backend.clear()
    with django_capture_on_commit_callbacks(execute=True):
        delivery = pending_delivery(resident)
    assert default_task_backend.results == []
    assert deliver_due().sent == 1
    delivery.refresh_from_db()
    assert delivery.state == "sent"
    assert [m.to for m in mail.outbox] == [["resident@example.org"]]


def test_with_the_outbox_alone_a_failed_attempt_waits_for_a_later_poll_without_a_task(
    resident, settings, broken_mail, django_capture_on_commit_callbacks
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    settings.NOTIFY_DELIVERY = "outbox"
    default_task_backend.clear()
    delivery = pending_delivery(resident)
    with django_capture_on_commit_callbacks(execute=True):
        deliver_due()
    assert default_task_backend.results == []
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts) == ("pending", 1)
    assert delivery.due_at > timezone.now()
    assert deliver_due().sent == 0  # not due yet
    assert deliver_due(now=delivery.due_at).retrying == 1  # due: tried again, still broken
