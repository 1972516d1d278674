"""The control section of the appeal card, its forms, and the "on my control" page."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from mycity.appeals.models import AppealEvent, EventKind
from mycity.control.models import Control, Subtask, SubtaskKind
from mycity.control.services import complete_subtask, open_subtask, put_on_control

pytestmark = pytest.mark.django_db


def card(appeal):
    return reverse("console:card", kwargs={"slug": "polotsk", "appeal_id": appeal.pk})


def url(name, **kwargs):
    return reverse(f"console:control:{name}", kwargs={"slug": "polotsk", **kwargs})


def request_of(actor, appeal, **values):
    fields = {
        "kind": SubtaskKind.REQUEST,
        "counterpart": "РУП «Витебскэнерго»",
        "description": "График отключений",
        "started_on": date(2026, 4, 17),
    }
    return open_subtask(actor=actor, appeal=appeal, **(fields | values))


def page(client, user, target):
    client.force_login(user)
    response = client.get(target)
    return response.status_code, response.content.decode()


def subtask_post(**values):
    return {
        "kind": SubtaskKind.REQUEST,
        "counterpart": "РУП «Витебскэнерго»",
        "description": "График отключений",
        "started_on": "2026-04-17",
    } | values


def test_the_card_offers_a_dispatcher_to_put_the_appeal_on_control(client, dispatcher, appeal):
    status, html = page(client, dispatcher, card(appeal))
    assert status == 200
    assert 'aria-labelledby="control-' in html
    assert url("set", appeal_id=appeal.pk) in html
    # The section comes right before the timeline.
    assert html.index(f'id="control-{appeal.pk}"') < html.index(f'id="timeline-{appeal.pk}"')


def test_the_card_offers_an_executor_sub_tasks_but_not_control(client, executor, appeal):
    _, html = page(client, executor, card(appeal))
    assert url("set", appeal_id=appeal.pk) not in html
    assert url("open_subtask", appeal_id=appeal.pk) in html


def test_the_card_shows_the_control_and_the_sub_tasks_with_their_terms(
    client, dispatcher, head, appeal
):
    put_on_control(actor=dispatcher, appeal=appeal, controller=head)
    subtask = request_of(dispatcher, appeal)
    _, html = page(client, dispatcher, card(appeal))
    assert "Начальник ЖЭС" in html
    assert url("lift", appeal_id=appeal.pk) in html
    assert "04.05.2026" in html
    assert url("complete_subtask", subtask_id=subtask.pk) in html


def test_putting_on_control_returns_to_the_card(client, dispatcher, head, appeal):
    client.force_login(dispatcher)
    response = client.post(url("set", appeal_id=appeal.pk), {"controller": head.pk, "note": ""})
    assert response.status_code == 302 and response["Location"] == card(appeal)
    assert Control.objects.get(appeal=appeal).controller == head


def test_an_executor_posting_control_is_forbidden(client, executor, head, appeal):
    client.force_login(executor)
    response = client.post(url("set", appeal_id=appeal.pk), {"controller": head.pk})
    assert response.status_code == 403
    assert not Control.objects.exists()


def test_a_head_of_another_organisation_does_not_find_the_appeal(
    client, head_of_lighting, head, appeal
):
    client.force_login(head_of_lighting)
    response = client.post(url("set", appeal_id=appeal.pk), {"controller": head.pk})
    assert response.status_code == 404
    assert not Control.objects.exists()


def test_a_second_control_is_refused_with_a_conflict(client, dispatcher, head, appeal):
    put_on_control(actor=dispatcher, appeal=appeal, controller=head)
    client.force_login(dispatcher)
    response = client.post(url("set", appeal_id=appeal.pk), {"controller": dispatcher.pk})
    assert response.status_code == 409
    assert 'role="alert"' in response.content.decode()
    assert Control.objects.count() == 1


def test_a_resident_named_controller_is_a_field_error(client, dispatcher, resident, appeal):
    client.force_login(dispatcher)
    response = client.post(url("set", appeal_id=appeal.pk), {"controller": resident.pk})
    assert response.status_code == 400
    assert "controller" in response.context["form"].errors
    assert not Control.objects.exists()


def test_lifting_returns_to_the_card(client, dispatcher, head, appeal):
    put_on_control(actor=dispatcher, appeal=appeal, controller=head)
    client.force_login(head)
    response = client.post(url("lift", appeal_id=appeal.pk), {"note": "Исполнено"})
    assert response["Location"] == card(appeal)
    assert not Control.objects.get(appeal=appeal).is_active


def test_opening_a_sub_task_computes_its_term(client, executor, appeal):
    client.force_login(executor)
    response = client.post(url("open_subtask", appeal_id=appeal.pk), subtask_post())
    assert response["Location"] == card(appeal)
    assert Subtask.objects.get(appeal=appeal).due_on.isoformat() == "2026-05-04"


def test_a_typed_due_day_is_ignored(client, executor, appeal):
    client.force_login(executor)
    client.post(url("open_subtask", appeal_id=appeal.pk), subtask_post(due_on="2026-12-31"))
    assert Subtask.objects.get(appeal=appeal).due_on.isoformat() == "2026-05-04"


def test_a_date_before_registration_is_a_field_error_and_nothing_is_written(
    client, executor, appeal
):
    client.force_login(executor)
    response = client.post(
        url("open_subtask", appeal_id=appeal.pk), subtask_post(started_on="2026-03-31")
    )
    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["started_on"]
    assert "01.04.2026" in response.context["form"].errors["started_on"][0]
    assert not Subtask.objects.exists()
    assert not AppealEvent.objects.filter(kind=EventKind.SUBTASK_OPENED).exists()


def test_a_malformed_form_is_a_bad_request(client, executor, appeal):
    client.force_login(executor)
    response = client.post(
        url("open_subtask", appeal_id=appeal.pk), {"kind": "memo", "started_on": "yesterday"}
    )
    assert response.status_code == 400
    assert set(response.context["form"].errors) == {
        "kind",
        "counterpart",
        "description",
        "started_on",
    }
    assert not Subtask.objects.exists()


def test_a_done_day_in_the_future_is_a_field_error(client, executor, appeal):
    subtask = request_of(executor, appeal)
    client.force_login(executor)
    tomorrow = timezone.localdate() + timedelta(days=1)
    response = client.post(
        url("complete_subtask", subtask_id=subtask.pk), {"done_on": tomorrow.isoformat()}
    )
    assert response.status_code == 400
    assert "done_on" in response.context["form"].errors
    subtask.refresh_from_db()
    assert subtask.done_on is None


def test_marking_done_and_reported_returns_to_the_card(client, head, appeal):
    order = open_subtask(
        actor=head,
        appeal=appeal,
        kind=SubtaskKind.ORDER,
        counterpart="Облисполком",
        description="Доложить",
        started_on=date(2026, 4, 10),
    )
    client.force_login(head)
    done = client.post(url("complete_subtask", subtask_id=order.pk), {"done_on": "2026-04-17"})
    reported = client.post(
        url("report_subtask", subtask_id=order.pk), {"reported_on": "2026-04-22"}
    )
    assert done["Location"] == reported["Location"] == card(appeal)
    order.refresh_from_db()
    assert order.report_due_on == date(2026, 4, 24) and not order.is_open


def test_an_executor_of_another_city_does_not_find_the_sub_task(
    client, executor, executor_of_other_city, appeal
):
    subtask = request_of(executor, appeal)
    complete = reverse(
        "console:control:complete_subtask", kwargs={"slug": "orsha", "subtask_id": subtask.pk}
    )
    client.force_login(executor_of_other_city)
    assert client.post(complete, {"done_on": "2026-04-20"}).status_code == 404
    subtask.refresh_from_db()
    assert subtask.done_on is None


# --- the list ------------------------------------------------------------------------


def test_the_head_sees_the_appeals_on_their_control(client, dispatcher, head, make_appeal):
    mine, other = make_appeal(), make_appeal()
    put_on_control(actor=dispatcher, appeal=mine, controller=head)
    put_on_control(actor=dispatcher, appeal=other, controller=dispatcher)
    status, html = page(client, head, url("list"))
    assert status == 200
    assert mine.number in html and other.number not in html


def test_a_dispatcher_sees_every_controlled_appeal_of_the_city(
    client, dispatcher, head, make_appeal
):
    first, second = make_appeal(), make_appeal()
    put_on_control(actor=dispatcher, appeal=first, controller=head)
    put_on_control(actor=dispatcher, appeal=second, controller=head)
    _, html = page(client, dispatcher, url("list"))
    assert first.number in html and second.number in html


def test_the_list_shows_the_open_sub_tasks_terms(client, dispatcher, head, appeal):
    put_on_control(actor=dispatcher, appeal=appeal, controller=head)
    subtask = request_of(head, appeal)
    complete_subtask(actor=head, subtask=subtask, done_on=date(2026, 4, 20))
    request_of(head, appeal, kind=SubtaskKind.ORDER, started_on=date(2026, 4, 10))
    _, html = page(client, head, url("list"))
    assert "11.05.2026" in html  # the open order's term
    assert "04.05.2026" not in html  # the answered request


def test_the_console_links_the_list_for_those_who_control(client, dispatcher, head, appeal):
    _, html = page(client, dispatcher, url("list"))
    assert f'href="{url("list")}"' in html
    _, html = page(client, head, reverse("console:queue", kwargs={"slug": "polotsk"}))
    assert f'href="{url("list")}"' in html


def test_an_executor_is_not_offered_the_list(client, executor, appeal):
    _, html = page(client, executor, reverse("console:queue", kwargs={"slug": "polotsk"}))
    assert f'href="{url("list")}"' not in html


def test_a_resident_has_no_control_page(client, resident):
    client.force_login(resident)
    assert client.get(url("list")).status_code == 404
