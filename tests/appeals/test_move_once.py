"""Staff moves sent again under the same idempotency key are made once: the executor's
phone resends what it prepared offline when a response was lost."""

import json

import pytest

from mycity.appeals.models import Answer, AppealEvent, AppealFile, FileRole, MoveKey, Status
from tests.appeal_fixtures import jpeg, submit_report

pytestmark = pytest.mark.django_db


def start(client, appeal, key, version):
    return client.post(
        f"/api/v1/appeals/{appeal.pk}/moves",
        data=json.dumps({"move": "start", "expected_version": version}),
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY=key,
    )


def answer(client, appeal, key, version, text="Яму засыпали.", photo=None):
    return client.post(
        f"/api/v1/appeals/{appeal.pk}/answer",
        {
            "text": text,
            "result": "satisfied",
            "expected_version": version,
            "after_photos": [photo or jpeg(64, 48)],
        },
        HTTP_IDEMPOTENCY_KEY=key,
    )


def test_taking_work_twice_under_one_key_is_one_move(client, resident, executor, leaking_roof):
    appeal = submit_report(resident, leaking_roof, extra={"entrance": 1})
    client.force_login(executor)
    first = start(client, appeal, "k-start", appeal.version)
    again = start(client, appeal, "k-start", appeal.version)
    assert first.status_code == again.status_code == 200, again.content
    assert again.json()["status"] == "in_progress"
    assert again.json()["version"] == first.json()["version"]
    assert AppealEvent.objects.filter(appeal=appeal, to_status=Status.IN_PROGRESS).count() == 1


def test_an_answer_with_its_photo_sent_twice_is_one_answer(
    client, resident, executor, leaking_roof
):
    appeal = submit_report(resident, leaking_roof, extra={"entrance": 1})
    client.force_login(executor)
    started = start(client, appeal, "k1", appeal.version).json()
    first = answer(client, appeal, "k2", started["version"], photo=jpeg(64, 48))
    again = answer(client, appeal, "k2", started["version"], photo=jpeg(64, 48))
    assert first.status_code == again.status_code == 200, again.content
    assert again.json()["status"] == "answered"
    assert Answer.objects.filter(appeal=appeal).count() == 1
    assert AppealFile.objects.filter(appeal=appeal, role=FileRole.AFTER).count() == 1
    appeal.refresh_from_db()
    assert appeal.result == "satisfied"


def test_the_same_key_with_another_answer_is_refused(client, resident, executor, leaking_roof):
    appeal = submit_report(resident, leaking_roof, extra={"entrance": 1})
    client.force_login(executor)
    started = start(client, appeal, "k1", appeal.version).json()
    answer(client, appeal, "k2", started["version"])
    other = answer(client, appeal, "k2", started["version"], text="Другой текст.")
    assert other.status_code == 422
    assert other.json()["code"] == "idempotency_key_reused"
    assert Answer.objects.get(appeal=appeal).text.startswith("Яму засыпали.")


def test_a_refused_move_keeps_no_key_and_may_be_sent_again(
    client, resident, executor, leaking_roof
):
    appeal = submit_report(resident, leaking_roof, extra={"entrance": 1})
    client.force_login(executor)
    stale = start(client, appeal, "k1", appeal.version - 1)
    assert stale.status_code == 409
    assert not MoveKey.objects.exists()
    assert start(client, appeal, "k1", appeal.version).status_code == 200


def test_one_persons_key_is_not_anothers(client, resident, executor, dispatcher, leaking_roof):
    appeal = submit_report(resident, leaking_roof, extra={"entrance": 1})
    client.force_login(executor)
    start(client, appeal, "shared", appeal.version)
    client.force_login(dispatcher)
    # Under the same key, the dispatcher's own move is theirs: refused by the workflow
    # (already in progress), not answered with the executor's result.
    again = start(client, appeal, "shared", appeal.version + 1)
    assert again.status_code == 409
    assert again.json()["code"] == "move_not_allowed"
