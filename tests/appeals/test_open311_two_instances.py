"""Open311 out end to end between two running instances: this one (A, the city's
mycity, in the test's database) files a report in a second mycity started as a real
server process (B, the executor's own system: bench/open311_peer.py, granian, its own
SQLite database); B's executor answers through B's REST API; A pulls B's
servicerequestupdates and A's resident reads the answer. Every call between them is
real HTTP."""

import json
import urllib.request
import uuid
from urllib.parse import urlencode

import pytest

from mycity.appeals import open311_out, open311_remote
from mycity.appeals.models import Answer, DispatchState, Open311Dispatch, Open311Link, Status
from tests.appeal_fixtures import INSIDE, submit_report

PEER_PORT = 8260


@pytest.fixture(scope="module")
def peer():
    from bench.open311_peer import start_peer

    started = start_peer(port=PEER_PORT, lat=INSIDE[0], lon=INSIDE[1])
    yield started
    started.stop()


def http(method: str, url: str, *, token: str = "", body: bytes | None = None, headers=None):
    request = urllib.request.Request(url, data=body, method=method, headers=headers or {})  # noqa: S310 (the peer's http URL)
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    with urllib.request.urlopen(request, timeout=30) as answer:  # noqa: S310
        return json.loads(answer.read())


def multipart(fields: dict[str, str]) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
        for name, value in fields.items()
    ]
    return ("".join(parts) + f"--{boundary}--\r\n").encode(), boundary


@pytest.fixture
def connected(client, settings, peer, city_admin, lighting_service, street_light):
    """The city administrator connects the lighting service's own system on A's console
    page, mapping our street lights to B's category."""
    settings.OUTBOUND_ALLOW_LOOPBACK = True
    client.force_login(city_admin)
    page = f"/console/{street_light.city.slug}/organisations/{lighting_service.slug}/open311/"
    response = client.post(
        page,
        {
            "endpoint": peer.open311,
            "jurisdiction_id": peer.jurisdiction_id,
            "api_key": peer.open311_key,
            "is_active": "on",
            "code:street-light-out": peer.service_code,
            "action": "save",
        },
    )
    assert response.status_code == 302, response.content.decode()
    # The key is never shown back, not even on the page that took it.
    assert peer.open311_key not in client.get(page).content.decode()
    client.logout()
    return Open311Link.objects.get(organisation=lighting_service)


def test_an_appeal_assigned_to_the_executor_is_answered_in_its_own_system_and_the_resident_reads_it(
    client, peer, connected, resident, street_light, django_capture_on_commit_callbacks
):
    # A: the resident reports; routing assigns the lighting service; on commit the
    # report is filed in B (the immediate task backend sends at once).
    with django_capture_on_commit_callbacks(execute=True):
        report = submit_report(resident, street_light, description="Не горит фонарь у школы")
    dispatch = Open311Dispatch.objects.get(appeal=report)
    assert dispatch.state == DispatchState.SENT, dispatch.last_error
    theirs = dispatch.remote_id

    # B has it, under the mapped service, at the place, as a public request.
    [filed] = http(
        "GET", f"{peer.open311}requests/{theirs}.json?jurisdiction_id={peer.jurisdiction_id}"
    )
    assert (filed["service_code"], filed["status"]) == (peer.service_code, "open")
    assert (filed["lat"], filed["long"]) == (report.lat, report.lon)
    assert filed["description"] == "Не горит фонарь у школы"

    # A worker that died after B's answer sends again with the same Idempotency-Key:
    # B files nothing new and answers with the same id.
    again = open311_remote.post_request(
        endpoint=peer.open311,
        fields=open311_out.request_fields(dispatch),
        idempotency_key=open311_out.idempotency_key(dispatch),
        timeout=30,
    )
    assert again.service_request_id == theirs
    listed = http(
        "GET",
        f"{peer.open311}requests.json?"
        + urlencode({"jurisdiction_id": peer.jurisdiction_id, "service_code": peer.service_code}),
    )
    assert [r["service_request_id"] for r in listed] == [theirs]

    # B: the executor answers through B's REST API, with B's token.
    body, boundary = multipart({"text": "Лампу заменили 7 декабря.", "result": "satisfied"})
    answered = http(
        "POST",
        f"{peer.url}/api/v1/appeals/{theirs}/answer",
        token=peer.executor_token,
        body=body,
        headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
    )
    assert answered["status"] == "answered"

    # A pulls B's updates and applies the answer through its own lifecycle.
    tally = open311_out.pull_updates(link=Open311Link.objects.get(pk=connected.pk))
    assert tally.applied == 1
    report.refresh_from_db()
    assert (report.status, report.result) == (Status.ANSWERED, "satisfied")
    assert Answer.objects.get(appeal=report).text == "Лампу заменили 7 декабря."

    # A's resident reads the answer on their appeal's page.
    client.force_login(resident)
    page = client.get(f"/my/appeals/{report.pk}/").content.decode()
    assert "Лампу заменили 7 декабря." in page

    # Pulling again changes nothing: each update is applied once.
    again_tally = open311_out.pull_updates(link=Open311Link.objects.get(pk=connected.pk))
    assert again_tally.applied == 0
    assert Answer.objects.filter(appeal=report).count() == 1
