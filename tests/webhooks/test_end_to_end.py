"""End to end: an appeal is registered and answered through the services; the real
task queue (the database backend, as `make run` has it) and the outbox deliver the
events over TLS to a receiving server in a thread, which verifies every signature with
`standardwebhooks` before it accepts a message.

The receiver listens on 127.0.0.1 in this worktree's port range with a throw-away
self-signed certificate that the platform trusts explicitly (WEBHOOKS_CA_FILE); loopback
is allowed by the test-only setting WEBHOOKS_ALLOW_LOOPBACK."""

import json

import pytest
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from mycity.accounts.models import RoleKind
from mycity.appeals.actions.moves import answer_appeal, start_work
from mycity.appeals.models import Result
from mycity.webhooks.events import EventType
from mycity.webhooks.models import Message
from mycity.webhooks.services import register_endpoint
from tests.appeal_fixtures import submit_report
from tests.conftest import person

pytestmark = pytest.mark.django_db(transaction=True)


def run_worker() -> None:
    call_command("db_worker", "--batch", "--no-startup-delay", "--queue-name", "*", verbosity=0)


@pytest.fixture
def task_queue(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def test_an_appeal_registered_and_answered_reaches_the_city_and_the_organisation(
    task_queue,
    receiver,
    city,
    city_admin,
    resident,
    street_light,
    lighting_service,
    head_of_lighting,
):
    everything = list(EventType.values)
    city_hook = register_endpoint(
        actor=city_admin,
        city=city,
        organisation=None,
        url=receiver.url("/city"),
        events=everything,
    )
    lighting_hook = register_endpoint(
        actor=head_of_lighting,
        city=city,
        organisation=lighting_service,
        url=receiver.url("/gorsvet"),
        events=everything,
    )
    receiver.secrets = {"/city": city_hook.secret, "/gorsvet": lighting_hook.secret}

    appeal = submit_report(resident, street_light)
    assert DBTaskResult.objects.filter(status="READY").exists()  # queued on commit
    assert receiver.received == []  # nothing leaves before the worker runs
    run_worker()

    worker = person("worker@gorsvet.example.org", RoleKind.EXECUTOR, organisation=lighting_service)
    start_work(actor=worker, appeal=appeal)
    answer_appeal(actor=worker, appeal=appeal, text="Лампа заменена.", result=Result.SATISFIED)
    run_worker()

    assert receiver.refused == []
    by_path: dict[str, list[str]] = {}
    for request in receiver.received:
        by_path.setdefault(request.path, []).append(json.loads(request.body)["type"])
    expected = ["appeal.assigned", "appeal.registered", "appeal.answered"]
    assert sorted(by_path["/city"]) == sorted(expected)
    assert sorted(by_path["/gorsvet"]) == sorted(expected)
    assert set(Message.objects.values_list("state", flat=True)) == {"delivered"}
    ids = [r.headers["webhook-id"] for r in receiver.received]
    assert len(set(ids)) == len(ids) == 6
    answered = next(
        json.loads(r.body)
        for r in receiver.received
        if r.path == "/gorsvet" and b"appeal.answered" in r.body
    )
    assert answered["data"]["id"] == appeal.pk
    assert answered["data"]["result"] == "satisfied"


def test_a_failed_delivery_is_retried_by_the_outbox_under_the_same_id(
    task_queue, receiver, city, city_admin, resident, street_light
):
    hook = register_endpoint(
        actor=city_admin,
        city=city,
        organisation=None,
        url=receiver.url("/city"),
        events=[EventType.APPEAL_REGISTERED],
    )
    receiver.secrets = {"/city": hook.secret}
    receiver.answers = [(503, {}, b"busy"), (204, {}, b"")]
    submit_report(resident, street_light)
    run_worker()
    message = Message.objects.get()
    assert message.state == "pending" and message.attempts == 1
    # The retry's time has come: the outbox process (deliver_notifications) sends it.
    Message.objects.filter(pk=message.pk).update(due_at=message.created_at)
    call_command("deliver_notifications", verbosity=0)
    message.refresh_from_db()
    assert message.state == "delivered"
    assert [r.headers["webhook-id"] for r in receiver.received] == [message.webhook_id] * 2
    assert receiver.refused == []


def test_a_receiver_with_another_secret_refuses_and_the_attempt_says_so(
    task_queue, receiver, city, city_admin, resident, street_light
):
    register_endpoint(
        actor=city_admin,
        city=city,
        organisation=None,
        url=receiver.url("/city"),
        events=[EventType.APPEAL_REGISTERED],
    )
    receiver.secrets = {"/city": "whsec_" + "A" * 43 + "="}
    submit_report(resident, street_light)
    run_worker()
    attempt = Message.objects.get().attempt_rows.get()
    assert attempt.status_code == 401
    assert receiver.refused == ["No matching signature found"]
