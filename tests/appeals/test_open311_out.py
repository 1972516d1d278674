"""Open311 out (appeals.open311_out): problem reports assigned to an organisation whose own
system speaks Open311 are filed there once, retried when that system fails, and its
status updates come back through the lifecycle's moves (docs/open311.md)."""

import json
import socket
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from mycity.accounts.models import RoleKind
from mycity.appeals import open311_out
from mycity.appeals.actions.moves import assign_appeal, start_work
from mycity.appeals.actions.submission import submit_appeal
from mycity.appeals.models import (
    Answer,
    DispatchState,
    EventKind,
    Open311Dispatch,
    Open311Link,
    Open311Update,
    Result,
    Status,
    UpdateOutcome,
)
from mycity.appeals.open311_out import LinkValues, save_open311_link
from mycity.core import outbound
from mycity.core.audit import SetupChange
from mycity.notify.models import Notification
from tests.appeal_fixtures import e_appeal_draft, submit_report
from tests.appeals.open311_remote_server import Answer as Reply
from tests.appeals.open311_remote_server import start_remote
from tests.conftest import person
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

KEY = "their-secret-key-0123456789"
FILED = json.dumps(
    [{"service_request_id": "4711", "service_notice": "Registered as 2026-77", "account_id": None}]
).encode()


@pytest.fixture
def remote(settings):
    settings.OUTBOUND_ALLOW_LOOPBACK = True
    server, httpd = start_remote()
    server.script("requests.json", Reply(200, FILED))
    yield server
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def head_of_lighting(lighting_service):
    return person("head@gorsvet.example.org", RoleKind.HEAD, organisation=lighting_service)


@pytest.fixture
def link(remote, lighting_service, city_admin, street_light):
    return save_open311_link(
        actor=city_admin,
        organisation=lighting_service,
        values=LinkValues(
            endpoint=remote.url,
            jurisdiction_id="gorsvet",
            api_key=KEY,
            service_codes={"street-light-out": "LIGHT-01"},
        ),
    )


@pytest.fixture
def report(link, resident, street_light):
    """A public report routed to the lighting service on submission: its dispatch waits."""
    return submit_report(resident, street_light)


def dispatch_of(appeal) -> Open311Dispatch:
    return Open311Dispatch.objects.get(appeal=appeal)


def send(appeal, *, now=None) -> str | None:
    return open311_out.send_dispatch(dispatch_id=dispatch_of(appeal).pk, now=now)


def updates_xml(*updates: dict) -> bytes:
    items = "".join(
        "<request_update>"
        + "".join(f"<{name}>{value}</{name}>" for name, value in update.items())
        + "</request_update>"
        for update in updates
    )
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<service_request_updates>{items}'
        "</service_request_updates>"
    ).encode()


def update(update_id: str, status: str, description: str = "", request_id: str = "4711") -> dict:
    return {
        "update_id": update_id,
        "service_request_id": request_id,
        "status": status,
        "updated_datetime": timezone.now().replace(microsecond=0).isoformat(),
        "description": description,
        "media_url": "",
    }


def pull(remote, link, *updates: dict) -> open311_out.PullTally:
    remote.script(
        "servicerequestupdates.xml",
        Reply(200, updates_xml(*updates), "text/xml; charset=utf-8"),
    )
    return open311_out.pull_updates(link=Open311Link.objects.get(pk=link.pk))


# --- sending ---------------------------------------------------------------------------


def test_assigning_to_a_linked_organisation_files_the_report_with_the_mapped_code(remote, report):
    assert send(report) == DispatchState.SENT

    [posted] = remote.requests_to("requests.json")
    form = {name: values[0] for name, values in posted.form.items()}
    assert posted.method == "POST"
    assert form["service_code"] == "LIGHT-01"
    assert form["api_key"] == KEY
    assert form["jurisdiction_id"] == "gorsvet"
    assert (float(form["lat"]), float(form["long"])) == (report.lat, report.lon)
    assert form["description"] == report.description
    assert posted.headers["idempotency-key"] == open311_out.idempotency_key(dispatch_of(report))
    dispatch = dispatch_of(report)
    assert (dispatch.remote_id, dispatch.attempts) == ("4711", 1)
    event = report.events.get(kind=EventKind.OPEN311_SENT)
    assert (event.visible_to_applicant, event.data["service_request_id"]) == (False, "4711")


def test_the_applicants_personal_data_never_goes_to_their_system(remote, link, street_light):
    from tests.appeal_fixtures import report_draft

    appeal = submit_appeal(
        applicant=None,
        city=street_light.city,
        draft=report_draft(
            street_light,
            applicant_name="Ольга Кузьмицкая",
            applicant_email="olga@example.org",
            applicant_phone="+375291234567",
            description="Не горит фонарь, звоните +375 29 123-45-67",
        ),
    ).appeal
    send(appeal)

    [posted] = remote.requests_to("requests.json")
    sent = json.dumps(posted.form, ensure_ascii=False)
    for personal in ("Кузьмицкая", "olga@example.org", "123-45-67", "first_name", "email"):
        assert personal not in sent


def test_a_category_without_their_code_is_not_sent(remote, link, resident, city, lighting_service):
    from tests.factories import CategoryFactory

    unmapped = CategoryFactory(
        city=city, slug="broken-bench", activity="lighting", default_organisation=lighting_service
    )
    appeal = submit_report(resident, unmapped)
    assert appeal.organisation == lighting_service
    assert not Open311Dispatch.objects.filter(appeal=appeal).exists()


def test_an_e_appeal_is_never_sent(
    remote, lighting_service, city_admin, housing_question, department
):
    save_open311_link(
        actor=city_admin,
        organisation=department,
        values=LinkValues(
            endpoint=remote.url,
            jurisdiction_id="",
            api_key=KEY,
            service_codes={},
        ),
    )
    appeal = submit_appeal(
        applicant=None, city=housing_question.city, draft=e_appeal_draft(housing_question)
    ).appeal
    assert appeal.organisation == department
    assert not Open311Dispatch.objects.exists()


def test_assigning_again_files_nothing_new(remote, report, dispatcher, lighting_service):
    send(report)
    report.refresh_from_db()
    assign_appeal(actor=dispatcher, appeal=report, organisation=lighting_service)

    assert Open311Dispatch.objects.filter(appeal=report).count() == 1
    assert open311_out.send_due_dispatches() == 0
    assert len(remote.requests_to("requests.json")) == 1


def test_a_dispatcher_assigning_a_report_queues_it_on_commit(
    remote,
    link,
    resident,
    street_light,
    dispatcher,
    lighting_service,
    django_capture_on_commit_callbacks,
):
    other = OrganisationFactory(city=street_light.city, slug="other", activities=["housing"])
    report = submit_report(resident, street_light)
    Open311Dispatch.objects.all().delete()
    assign_appeal(actor=dispatcher, appeal=report, organisation=other)
    with django_capture_on_commit_callbacks(execute=True):
        assign_appeal(actor=dispatcher, appeal=report, organisation=lighting_service)

    # The immediate task backend ran the sending on commit.
    assert dispatch_of(report).state == DispatchState.SENT
    assert len(remote.requests_to("requests.json")) == 1


def test_two_workers_never_send_the_same_dispatch(remote, report):
    dispatch = dispatch_of(report)
    assert open311_out.claim_dispatch(dispatch_id=dispatch.pk) is not None
    assert open311_out.claim_dispatch(dispatch_id=dispatch.pk) is None
    assert open311_out.send_dispatch(dispatch_id=dispatch.pk) is None
    assert remote.requests_to("requests.json") == []


@pytest.mark.parametrize(
    "failure",
    [
        Reply(500, b'[{"code":500,"description":"database down"}]'),
        Reply(502, b"<html>Bad gateway</html>", "text/html"),
        Reply(200, b"<html>not json</html>", "text/html"),
        Reply(200, b'{"unexpected": "shape"}'),
        Reply(200, b"[]"),
        Reply(429, b""),
    ],
    ids=["500", "502-html", "garbage", "no-id", "empty-list", "429"],
)
def test_a_failing_or_garbled_answer_is_retried_later_and_then_sent(remote, report, failure):
    remote.script("requests.json", failure, Reply(200, FILED))
    now = timezone.now()

    assert send(report, now=now) == DispatchState.PENDING
    dispatch = dispatch_of(report)
    assert dispatch.last_error
    assert dispatch.due_at == now + open311_out.RETRY_DELAYS[0]
    # Not due yet: nothing is sent before the delay.
    assert open311_out.send_due_dispatches(now=now + timedelta(seconds=30)) == 0
    assert open311_out.send_due_dispatches(now=now + timedelta(minutes=2)) == 1

    dispatch.refresh_from_db()
    assert (dispatch.state, dispatch.remote_id, dispatch.attempts) == ("sent", "4711", 2)
    assert dispatch.last_error == ""


def test_a_timeout_is_retried(remote, report, monkeypatch):
    monkeypatch.setattr(open311_out, "TIMEOUT_S", 0.3)
    remote.script("requests.json", Reply(200, FILED, delay_s=1.0))

    assert send(report) == DispatchState.PENDING
    assert "timed out" in dispatch_of(report).last_error


def test_retries_back_off_and_stop_after_the_last_attempt(remote, report):
    remote.script("requests.json", Reply(503, b""))
    moment = timezone.now()
    delays = []
    for _attempt in range(open311_out.MAX_ATTEMPTS - 1):
        assert open311_out.send_due_dispatches(now=moment) == 0
        dispatch = dispatch_of(report)
        assert dispatch.state == DispatchState.PENDING
        delays.append(dispatch.due_at - moment)
        moment = dispatch.due_at
    open311_out.send_due_dispatches(now=moment)

    assert delays == open311_out.RETRY_DELAYS[: open311_out.MAX_ATTEMPTS - 1]
    dispatch = dispatch_of(report)
    assert (dispatch.state, dispatch.attempts) == (DispatchState.FAILED, open311_out.MAX_ATTEMPTS)
    assert report.events.filter(kind=EventKind.OPEN311_FAILED).count() == 1


@pytest.mark.parametrize("status", [400, 403, 404])
def test_a_refusal_fails_for_good_and_the_dispatcher_sees_why(remote, report, status):
    remote.script(
        "requests.json",
        Reply(status, b'[{"code":%d,"description":"service_code: unknown"}]' % status),
    )

    assert send(report) == DispatchState.FAILED
    event = report.events.get(kind=EventKind.OPEN311_FAILED)
    assert "service_code: unknown" in event.note
    assert not event.visible_to_applicant


def test_a_worker_that_died_while_sending_is_resumed_with_the_same_idempotency_key(remote, report):
    dispatch = open311_out.claim_dispatch(dispatch_id=dispatch_of(report).pk)
    assert dispatch is not None
    # The worker posted and died before recording their answer.
    open311_out.open311_remote.post_request(
        endpoint=remote.url,
        fields=open311_out.request_fields(dispatch),
        idempotency_key=open311_out.idempotency_key(dispatch),
        timeout=5,
    )
    later = timezone.now() + open311_out.SENDING_TIMEOUT + timedelta(minutes=1)

    assert open311_out.send_due_dispatches(now=later) == 1

    keys = {r.headers["idempotency-key"] for r in remote.requests_to("requests.json")}
    assert keys == {open311_out.idempotency_key(dispatch)}
    assert dispatch_of(report).remote_id == "4711"


def test_a_report_reassigned_before_sending_is_not_sent(remote, report, dispatcher, city):
    other = OrganisationFactory(city=city, slug="other-executor")
    assign_appeal(actor=dispatcher, appeal=report, organisation=other)

    assert send(report) == DispatchState.FAILED
    assert remote.requests_to("requests.json") == []


def test_a_token_instead_of_an_id_is_resolved_at_the_next_pull(remote, report, link):
    remote.script("requests.json", Reply(200, b'[{"token": "tok-1"}]'))
    remote.script(
        "tokens/tok-1.json", Reply(200, b'[{"service_request_id": "4711", "token": "tok-1"}]')
    )
    send(report)
    assert dispatch_of(report).remote_token == "tok-1"

    pull(remote, link, update("u1", "in_progress"))

    assert dispatch_of(report).remote_id == "4711"
    report.refresh_from_db()
    assert report.status == Status.IN_PROGRESS


# --- the guard against calls into our own network ----------------------------------------


def test_without_the_test_setting_loopback_and_http_are_refused(settings, report, remote):
    settings.OUTBOUND_ALLOW_LOOPBACK = False

    assert send(report) == DispatchState.FAILED
    assert remote.requests_to("requests.json") == []


@pytest.mark.parametrize(
    "addresses",
    [
        ["10.0.0.5"],
        ["192.168.1.1"],
        ["169.254.169.254"],
        ["127.0.0.1"],
        ["::1"],
        ["93.184.216.34", "10.0.0.5"],
        ["::ffff:10.0.0.5"],
        ["64:ff9b::a00:5"],  # NAT64 of 10.0.0.5: the rule webhooks share
        ["2002:a00:5::1"],  # 6to4 of 10.0.0.5
        ["fd00::1"],
        ["100.64.0.1"],
    ],
)
def test_a_host_resolving_to_a_private_address_is_refused(monkeypatch, settings, addresses):
    settings.OUTBOUND_ALLOW_LOOPBACK = False

    def resolve(host, port, *args, **kwargs):
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, port)) for a in addresses]

    monkeypatch.setattr(socket, "getaddrinfo", resolve)
    with pytest.raises(outbound.RefusedAddress):
        outbound.request("GET", "https://their-system.example.by/open311/v2/services.json")


def test_a_public_address_passes_the_guard(monkeypatch, settings):
    settings.OUTBOUND_ALLOW_LOOPBACK = False
    monkeypatch.setattr(
        socket,
        "getaddrinfo",
        lambda host, port, *a, **k: [
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.216.34", port))
        ],
    )
    target = outbound.check_url("https://their-system.example.by/open311/v2/")
    assert outbound.resolve(target) == "93.184.216.34"


@pytest.mark.parametrize(
    "endpoint",
    [
        "http://their-system.example.by/open311/v2/",
        "ftp://their-system.example.by/",
        "https://user:pass@their-system.example.by/",
        "https:///open311",
        "https://10.0.0.5/open311/v2/",
        "https://[::1]/open311/v2/",
        "their-system.example.by/open311",
    ],
)
def test_an_endpoint_that_is_not_plain_https_is_refused_when_saved(
    settings, city_admin, lighting_service, endpoint
):
    settings.OUTBOUND_ALLOW_LOOPBACK = False
    with pytest.raises(open311_out.InvalidOpen311Link) as refused:
        save_open311_link(
            actor=city_admin,
            organisation=lighting_service,
            values=LinkValues(endpoint=endpoint, jurisdiction_id="", api_key=KEY, service_codes={}),
        )
    assert refused.value.field == "endpoint"


# --- the connection ----------------------------------------------------------------------


def test_the_head_of_the_organisation_may_connect_it(
    remote, head_of_lighting, lighting_service, street_light
):
    link = save_open311_link(
        actor=head_of_lighting,
        organisation=lighting_service,
        values=LinkValues(
            endpoint=remote.url,
            jurisdiction_id="",
            api_key=KEY,
            service_codes={"street-light-out": "L1"},
        ),
    )
    assert link.service_codes == {"street-light-out": "L1"}


@pytest.mark.parametrize("who", ["executor", "dispatcher", "head_of_other", "admin_of_other_city"])
def test_nobody_else_may_connect_an_organisation(
    remote, who, lighting_service, organisation, other_city, dispatcher
):
    actor = {
        "executor": lambda: person("e@x.org", RoleKind.EXECUTOR, organisation=lighting_service),
        "dispatcher": lambda: dispatcher,
        "head_of_other": lambda: person("h@x.org", RoleKind.HEAD, organisation=organisation),
        "admin_of_other_city": lambda: person("a@x.org", RoleKind.CITY_ADMIN, city=other_city),
    }[who]()
    with pytest.raises(PermissionDenied):
        save_open311_link(
            actor=actor,
            organisation=lighting_service,
            values=LinkValues(
                endpoint=remote.url, jurisdiction_id="", api_key=KEY, service_codes={}
            ),
        )
    assert not Open311Link.objects.exists()


def test_the_key_is_kept_when_none_is_given_and_never_audited(link, city_admin, lighting_service):
    save_open311_link(
        actor=city_admin,
        organisation=lighting_service,
        values=LinkValues(
            endpoint=link.endpoint,
            jurisdiction_id="new",
            api_key="",
            service_codes=link.service_codes,
        ),
    )
    link.refresh_from_db()
    assert (link.api_key, link.jurisdiction_id) == (KEY, "new")
    audit = json.dumps(list(SetupChange.objects.values("before", "after")), ensure_ascii=False)
    assert KEY not in audit
    assert open311_out.masked_key(link) == "…" + KEY[-4:]


def test_a_mapping_of_an_unknown_category_is_refused(
    remote, city_admin, lighting_service, other_city
):
    from tests.factories import CategoryFactory

    CategoryFactory(city=other_city, slug="orsha-only")
    with pytest.raises(open311_out.InvalidOpen311Link) as refused:
        save_open311_link(
            actor=city_admin,
            organisation=lighting_service,
            values=LinkValues(
                endpoint=remote.url,
                jurisdiction_id="",
                api_key=KEY,
                service_codes={"orsha-only": "X"},
            ),
        )
    assert refused.value.field == "service_codes"


# --- pulling updates ----------------------------------------------------------------------


@pytest.fixture
def sent(remote, report):
    send(report)
    report.refresh_from_db()
    return report


def test_their_in_progress_takes_the_report_into_work(remote, link, sent):
    tally = pull(remote, link, update("u1", "in_progress", "Бригада выехала"))

    sent.refresh_from_db()
    assert (tally.applied, sent.status) == (1, Status.IN_PROGRESS)
    [asked] = remote.requests_to("servicerequestupdates.xml")
    assert asked.query["api_key"] == [KEY]
    assert asked.query["jurisdiction_id"] == ["gorsvet"]


@pytest.mark.parametrize(
    ("status", "result"),
    [
        ("fixed", Result.SATISFIED),
        ("closed", Result.EXPLAINED),
        ("no_further_action", Result.REFUSED),
    ],
)
def test_their_closing_with_a_description_becomes_our_answer(
    remote, link, sent, resident, status, result
):
    pull(remote, link, update("u1", status, "Лампа заменена 7 декабря."))

    sent.refresh_from_db()
    assert (sent.status, sent.result) == (Status.ANSWERED, result)
    answer = Answer.objects.get(appeal=sent)
    assert answer.text == "Лампа заменена 7 декабря."
    assert answer.organisation == sent.organisation and answer.author is None
    assert Notification.objects.filter(recipient=resident, data__status="answered").exists()


def test_their_closing_without_a_description_is_recorded_for_the_dispatcher(remote, link, sent):
    tally = pull(remote, link, update("u1", "closed"))

    sent.refresh_from_db()
    assert (tally.recorded, sent.status) == (1, Status.ASSIGNED)
    event = sent.events.get(kind=EventKind.OPEN311_UPDATE)
    assert not event.visible_to_applicant
    assert "without a description" in event.data["reason"]


def test_an_unknown_status_is_recorded_and_breaks_nothing(remote, link, sent):
    tally = pull(
        remote,
        link,
        update("u1", "awaiting_parts", "Ждём опору"),
        update("u2", "fixed", "Опору заменили."),
    )

    sent.refresh_from_db()
    assert (tally.applied, tally.recorded, sent.status) == (1, 1, Status.ANSWERED)
    row = Open311Update.objects.get(update_id="u1")
    assert (row.outcome, row.reason) == (UpdateOutcome.RECORDED, "Unknown status awaiting_parts.")


def test_not_their_responsibility_returns_the_report_to_the_dispatcher(remote, link, sent):
    pull(remote, link, update("u1", "not_councils_responsibility", "Это опора РЭС"))

    sent.refresh_from_db()
    assert (sent.status, sent.organisation) == (Status.ACCEPTED, None)
    assert sent.events.filter(to_status=Status.ACCEPTED).latest("pk").note == "Это опора РЭС"


def test_an_update_pulled_twice_is_applied_once(remote, link, sent):
    first = pull(remote, link, update("u1", "fixed", "Готово."))
    again = pull(remote, link, update("u1", "fixed", "Готово."))

    assert (first.applied, again.applied, again.skipped) == (1, 0, 1)
    assert Answer.objects.filter(appeal=sent).count() == 1


def test_an_update_of_a_request_we_never_sent_is_skipped(remote, link, sent):
    tally = pull(remote, link, update("u1", "fixed", "Чужое", request_id="999"))

    assert (tally.applied, tally.skipped) == (0, 1)
    assert not Open311Update.objects.exists()


def test_an_update_after_our_executor_answered_is_only_recorded(remote, link, sent):
    executor = person("e@gorsvet.example.org", RoleKind.EXECUTOR, organisation=sent.organisation)
    start_work(actor=executor, appeal=sent)
    from mycity.appeals.actions.moves import answer_appeal

    answer_appeal(actor=executor, appeal=sent, text="Ответили сами.")
    tally = pull(remote, link, update("u1", "fixed", "Готово."))

    assert tally.recorded == 1
    assert Answer.objects.filter(appeal=sent).count() == 1


def test_the_next_pull_asks_from_where_the_last_one_ended(remote, link, sent):
    pull(remote, link, update("u1", "in_progress"))
    first_end = Open311Link.objects.get(pk=link.pk).pulled_until
    pull(remote, link)

    second = remote.requests_to("servicerequestupdates.xml")[-1]
    asked_from = second.query["start_date"][0]
    assert asked_from == (first_end - open311_out.open311_remote.OVERLAP).isoformat()


@pytest.mark.parametrize(
    "failure",
    [
        Reply(500, b"oops", "text/plain"),
        Reply(200, b"<not-closed", "text/xml"),
        Reply(200, b'{"json": "instead"}'),
        Reply(
            200,
            b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><service_request_updates/>',
            "text/xml",
        ),
        Reply(
            200,
            b'<?xml version="1.0"?><!--' + b"x" * 2000 + b'--><!DOCTYPE x [<!ENTITY a "b">]>'
            b"<service_request_updates/>",
            "text/xml",
        ),
        Reply(
            200,
            '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE x [<!ENTITY a "b">]>'
            "<service_request_updates/>".encode("utf-16"),
            "text/xml",
        ),
        Reply(200, b"<errors><error/></errors>", "text/xml"),
    ],
    ids=["500", "broken-xml", "json", "doctype", "doctype-late", "utf-16", "wrong-root"],
)
def test_a_failed_pull_keeps_the_window_for_the_next_one(remote, link, sent, failure):
    remote.script("servicerequestupdates.xml", failure)
    tally = open311_out.pull_updates(link=Open311Link.objects.get(pk=link.pk))

    link.refresh_from_db()
    assert (tally.applied, link.pulled_until) == (0, None)
    assert link.last_pull_error


def test_a_pull_that_times_out_keeps_the_window(remote, link, sent, monkeypatch):
    monkeypatch.setattr(open311_out, "TIMEOUT_S", 0.3)
    remote.script("servicerequestupdates.xml", Reply(200, updates_xml(), "text/xml", delay_s=1.0))
    open311_out.pull_updates(link=Open311Link.objects.get(pk=link.pk))

    link.refresh_from_db()
    assert link.pulled_until is None and "timed out" in link.last_pull_error


def test_updates_without_an_id_status_or_offset_are_skipped(remote, link, sent):
    tally = pull(
        remote,
        link,
        {
            "service_request_id": "4711",
            "status": "fixed",
            "updated_datetime": "2026-12-07T10:00:00+03:00",
        },
        update("u2", "", "no status"),
        {
            "update_id": "u3",
            "service_request_id": "4711",
            "status": "fixed",
            "updated_datetime": "2026-12-07T10:00:00",
            "description": "naive",
        },
        {
            "update_id": "u4",
            "service_request_id": "4711",
            "status": "fixed",
            "updated_datetime": "2026-13-45T10:00:00+03:00",
            "description": "impossible",
        },
    )
    assert (tally.applied, tally.recorded, tally.skipped) == (0, 0, 0)


def test_a_connection_with_nothing_sent_asks_nothing(remote, link):
    tally = open311_out.pull_updates(link=link)

    assert tally == open311_out.PullTally()
    assert remote.requests_to("servicerequestupdates.xml") == []


def test_a_full_answer_is_continued_from_its_last_update(remote, link, sent, monkeypatch):
    monkeypatch.setattr(open311_out, "PULL_CAP", 2)
    first = update("u1", "open") | {"updated_datetime": "2026-12-07T08:00:00+03:00"}
    second = update("u2", "in_progress") | {"updated_datetime": "2026-12-07T09:00:00+03:00"}
    pull(remote, link, first, second)

    link.refresh_from_db()
    assert link.pulled_until.isoformat() == "2026-12-07T06:00:00+00:00"
