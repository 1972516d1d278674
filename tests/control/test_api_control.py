"""Control and sub-tasks through the API: a dispatch system with a staff token does
what the card's control section does, with the same rules and the API's errors."""

import json
from datetime import date, timedelta

import pytest
from django.utils import timezone

from mycity.appeals.models import AppealEvent, EventKind
from mycity.control.models import Control, Subtask, SubtaskKind
from mycity.control.services import complete_subtask, open_subtask, put_on_control
from tests.conftest import bearer

pytestmark = pytest.mark.django_db


def post(client, url, body, headers):
    return client.post(url, json.dumps(body), content_type="application/json", **headers)


def control_url(appeal):
    return f"/api/v1/appeals/{appeal.pk}/control"


def a_request(actor, appeal):
    return open_subtask(
        actor=actor,
        appeal=appeal,
        kind=SubtaskKind.REQUEST,
        counterpart="РУП «Витебскэнерго»",
        description="График отключений",
        started_on=date(2026, 4, 17),
    )


SUBTASK = {
    "kind": "request",
    "counterpart": "РУП «Витебскэнерго»",
    "description": "График отключений",
    "started_on": "2026-04-17",
}


def test_a_dispatcher_puts_an_appeal_on_an_executors_control_by_token(
    client, city, dispatcher, executor, appeal
):
    headers = bearer(dispatcher, city)
    section = client.get(control_url(appeal), **headers).json()
    assert section["control"] is None
    assert executor.pk in [official["id"] for official in section["officials"]]

    response = post(
        client, control_url(appeal), {"controller": executor.pk, "note": "Жалоба в ЦК"}, headers
    )

    assert response.status_code == 201, response.content
    assert response.json()["control"]["controller"]["id"] == executor.pk
    control = Control.objects.get(appeal=appeal, lifted_at__isnull=True)
    assert control.set_by == dispatcher and control.note == "Жалоба в ЦК"
    assert AppealEvent.objects.filter(appeal=appeal, kind=EventKind.CONTROL_SET).exists()


def test_the_controlled_list_shows_mine_and_for_a_dispatcher_everyone(
    client, city, dispatcher, executor, appeal
):
    put_on_control(actor=dispatcher, appeal=appeal, controller=executor)
    a_request(executor, appeal)
    url = "/api/v1/cities/polotsk/controlled"
    mine = client.get(url, **bearer(executor, city)).json()
    assert [row["appeal"] for row in mine["mine"]] == [appeal.pk]
    assert mine["mine"][0]["open_subtasks"][0]["counterpart"] == "РУП «Витебскэнерго»"
    assert mine["everyone"] == []
    everyone = client.get(url, **bearer(dispatcher, city)).json()
    assert everyone["mine"] == [] and [r["appeal"] for r in everyone["everyone"]] == [appeal.pk]


def test_a_browser_session_still_works(client, dispatcher, executor, appeal):
    client.force_login(dispatcher)
    response = post(client, control_url(appeal), {"controller": executor.pk}, {})
    assert response.status_code == 201


def test_an_appeal_already_on_control_is_a_conflict(client, city, dispatcher, executor, appeal):
    put_on_control(actor=dispatcher, appeal=appeal, controller=executor)
    response = post(
        client, control_url(appeal), {"controller": dispatcher.pk}, bearer(dispatcher, city)
    )
    assert response.status_code == 409
    assert response.json()["code"] == "already_on_control"
    assert Control.objects.get(lifted_at__isnull=True).controller == executor


def test_lifting_control_keeps_the_row_and_a_second_lift_is_a_conflict(
    client, city, dispatcher, executor, appeal
):
    put_on_control(actor=dispatcher, appeal=appeal, controller=executor)
    headers = bearer(dispatcher, city)
    lifted = post(client, f"{control_url(appeal)}/lift", {"note": "Исполнено"}, headers)
    assert lifted.status_code == 200 and lifted.json()["control"] is None
    assert Control.objects.get().lift_note == "Исполнено"
    again = post(client, f"{control_url(appeal)}/lift", {}, headers)
    assert again.status_code == 409
    assert again.json()["code"] == "not_on_control"


def test_an_official_who_does_not_handle_the_appeal_cannot_control_it(
    client, city, dispatcher, resident, appeal
):
    response = post(
        client, control_url(appeal), {"controller": resident.pk}, bearer(dispatcher, city)
    )
    assert response.status_code == 400
    assert response.json()["details"][0]["field"] == "controller"
    unknown = post(client, control_url(appeal), {"controller": 10**9}, bearer(dispatcher, city))
    assert unknown.status_code == 400
    assert not Control.objects.exists()


def test_an_executor_handles_the_appeal_but_may_not_put_it_on_control(
    client, city, executor, appeal
):
    response = post(
        client, control_url(appeal), {"controller": executor.pk}, bearer(executor, city)
    )
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"


def test_another_organisations_head_and_another_citys_executor_get_a_404(
    client, city, other_city, head_of_lighting, executor_of_other_city, appeal
):
    for headers in (bearer(head_of_lighting, city), bearer(executor_of_other_city, other_city)):
        response = post(client, control_url(appeal), {"controller": 1}, headers)
        assert response.status_code == 404
        assert client.get(control_url(appeal), **headers).status_code == 404


def test_anonymous_callers_and_tokens_without_the_staff_scope_are_refused(
    client, city, dispatcher, executor, appeal
):
    assert post(client, control_url(appeal), {"controller": executor.pk}, {}).status_code == 401
    refused = post(
        client,
        control_url(appeal),
        {"controller": executor.pk},
        bearer(dispatcher, city, "resident"),
    )
    assert refused.status_code == 403
    assert refused.json()["code"] == "missing_scope"


def test_an_executor_opens_a_request_whose_term_is_computed(client, city, executor, appeal):
    response = post(
        client, f"/api/v1/appeals/{appeal.pk}/subtasks", SUBTASK, bearer(executor, city)
    )
    assert response.status_code == 201, response.content
    body = response.json()
    # A request has 15 days, counted from the day after it was sent.
    assert body["due_on"] == "2026-05-04" and body["open"] is True
    assert Subtask.objects.get().author == executor


def test_a_subtask_with_bad_values_is_refused_field_by_field(client, city, executor, appeal):
    future = (timezone.now() + timedelta(days=3)).date().isoformat()
    response = post(
        client,
        f"/api/v1/appeals/{appeal.pk}/subtasks",
        SUBTASK | {"started_on": future},
        bearer(executor, city),
    )
    assert response.status_code == 400
    assert (
        response.json()["details"]
        == [{"field": "started_on", "message": "Дата не может быть в будущем."}]
        or response.json()["details"][0]["field"] == "started_on"
    )
    shapeless = post(
        client,
        f"/api/v1/appeals/{appeal.pk}/subtasks",
        {"kind": "favour", "started_on": 20260417},
        bearer(executor, city),
    )
    assert shapeless.status_code == 400
    fields = {detail["field"] for detail in shapeless.json()["details"]}
    assert {"kind", "counterpart", "description", "started_on"} <= fields
    assert not Subtask.objects.exists()


def test_an_order_is_done_then_reported_and_cannot_be_done_twice(client, city, dispatcher, appeal):
    headers = bearer(dispatcher, city)
    order = post(
        client,
        f"/api/v1/appeals/{appeal.pk}/subtasks",
        SUBTASK | {"kind": "order", "counterpart": "Витебский облисполком"},
        headers,
    ).json()
    done = post(client, f"/api/v1/subtasks/{order['id']}/done", {"done_on": "2026-04-20"}, headers)
    assert done.status_code == 200
    assert done.json()["report_due_on"] is not None and done.json()["open"] is True
    twice = post(client, f"/api/v1/subtasks/{order['id']}/done", {"done_on": "2026-04-21"}, headers)
    assert twice.status_code == 409
    assert twice.json()["code"] == "subtask_closed"
    reported = post(
        client, f"/api/v1/subtasks/{order['id']}/report", {"reported_on": "2026-04-21"}, headers
    )
    assert reported.status_code == 200 and reported.json()["open"] is False


def test_a_request_is_not_reported_to_a_higher_body(client, city, executor, appeal):
    subtask = a_request(executor, appeal)
    complete_subtask(actor=executor, subtask=subtask, done_on=date(2026, 4, 20))
    response = post(
        client,
        f"/api/v1/subtasks/{subtask.pk}/report",
        {"reported_on": "2026-04-21"},
        bearer(executor, city),
    )
    # A finished request is closed: nothing is left to report.
    assert response.status_code in (400, 409)
    assert Subtask.objects.get().reported_on is None


def test_another_citys_staff_cannot_see_a_subtask(
    client, city, other_city, executor, executor_of_other_city, appeal
):
    subtask = a_request(executor, appeal)
    response = post(
        client,
        f"/api/v1/subtasks/{subtask.pk}/done",
        {"done_on": "2026-04-20"},
        bearer(executor_of_other_city, other_city),
    )
    assert response.status_code == 404
    assert Subtask.objects.get().done_on is None


@pytest.mark.parametrize("body", ["[null, null]", "3", '"lift"', "[]"])
def test_a_lift_with_a_body_other_than_an_object_is_refused_and_control_stays(
    client, city, dispatcher, executor, appeal, body
):
    put_on_control(actor=dispatcher, appeal=appeal, controller=executor)
    response = client.post(
        f"{control_url(appeal)}/lift",
        body,
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="ru",
        **bearer(dispatcher, city),
    )
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert response.json()["message"] == "Отправьте объект JSON."
    assert Control.objects.get().lifted_at is None
