"""Webhooks between two running programs: a mycity started as a real server with its
own task worker (`mycity serve --worker`, by bench/open311_peer.py) sends, and an
organisation's own system, an HTTPS server here with a throw-away certificate that the
sender is told to trust, receives each delivery and verifies it with standardwebhooks.
Nothing in this process takes part in the sending: only HTTP between the two."""

import json
import time
import urllib.request
from urllib.parse import urlencode

import pytest

from tests.appeal_fixtures import INSIDE
from tests.webhooks.conftest import _serve

SENDER_PORT = 8263


@pytest.fixture(scope="module")
def sender(tls_files):
    from bench.open311_peer import start_peer

    started = start_peer(
        port=SENDER_PORT,
        lat=INSIDE[0],
        lon=INSIDE[1],
        worker=True,
        # The receiver is on this machine: loopback and its certificate, for tests only.
        extra_env={"WEBHOOKS_ALLOW_LOOPBACK": "true", "WEBHOOKS_CA_FILE": str(tls_files[0])},
    )
    yield started
    started.stop()


@pytest.fixture
def receiver(tls_files):
    receiver, server = _serve(tls_files)
    yield receiver
    server.shutdown()
    server.server_close()


def call(method: str, url: str, *, token: str = "", body: bytes | None = None, kind: str = ""):
    request = urllib.request.Request(url, data=body, method=method)  # noqa: S310 (the sender's http URL)
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    if kind:
        request.add_header("Content-Type", kind)
    with urllib.request.urlopen(request, timeout=30) as answer:  # noqa: S310
        return json.loads(answer.read())


def wait_for(receiver, event: str, timeout_s: float = 90) -> dict:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        for payload in receiver.payloads():
            if payload.get("type") == event:
                return payload
        time.sleep(0.5)
    raise AssertionError(f"no {event} within {timeout_s} s: {receiver.payloads()}")


def test_a_running_mycity_signs_and_sends_its_events_to_an_organisations_own_system(
    sender, receiver
):
    # The city's administrator registers the city's own system through the sender's API.
    endpoint = call(
        "POST",
        f"{sender.url}/api/v1/cities/polotsk/webhooks",
        token=sender.admin_token,
        body=json.dumps(
            {
                "url": receiver.url("/hooks/city"),
                "events": ["appeal.registered", "appeal.answered"],
                "description": "The committee's dispatch system",
            }
        ).encode(),
        kind="application/json",
    )
    assert endpoint["secret"].startswith("whsec_")
    # From now on the receiver refuses (401) anything not signed with that secret.
    receiver.secrets["/hooks/city"] = endpoint["secret"]

    # A report reaches the sender through its Open311 intake.
    filed = call(
        "POST",
        f"{sender.open311}requests.json",
        body=urlencode(
            {
                "api_key": sender.open311_key,
                "jurisdiction_id": sender.jurisdiction_id,
                "service_code": sender.service_code,
                "lat": repr(INSIDE[0]),
                "long": repr(INSIDE[1]),
                "description": "Не горит фонарь у школы",
            }
        ).encode(),
        kind="application/x-www-form-urlencoded",
    )
    appeal_id = int(filed[0]["service_request_id"])
    registered = wait_for(receiver, "appeal.registered")
    assert registered["data"]["id"] == appeal_id

    # Its executor answers through the sender's REST API: the answer is announced too.
    boundary = "mycity-two-instances"
    form = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="text"\r\n\r\n'
        f"Лампу заменили.\r\n--{boundary}--\r\n"
    ).encode()
    answered = call(
        "POST",
        f"{sender.url}/api/v1/appeals/{appeal_id}/answer",
        token=sender.executor_token,
        body=form,
        kind=f"multipart/form-data; boundary={boundary}",
    )
    assert answered["status"] == "answered"
    assert wait_for(receiver, "appeal.answered")["data"]["id"] == appeal_id

    # Every delivery was verified by the receiver; none was refused.
    assert receiver.refused == []
    ids = [r.headers["webhook-id"] for r in receiver.received]
    assert len(ids) == len(set(ids))  # one message each, no doubles

    # The sender shows its attempts to the endpoint's owner.
    messages = call(
        "GET",
        f"{sender.url}/api/v1/cities/polotsk/webhooks/{endpoint['id']}/messages",
        token=sender.admin_token,
    )
    delivered = [m for m in messages if m["state"] == "delivered"]
    assert {m["event"] for m in delivered} >= {"appeal.registered", "appeal.answered"}
