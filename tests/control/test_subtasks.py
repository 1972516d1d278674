"""Sub-tasks: a request for documents to another organisation (15 days) and an order
of a higher body (a month, then 3 working days to report)."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied
from freezegun import freeze_time

from mycity.appeals.models import AppealEvent, EventKind
from mycity.control.errors import InvalidSubtask, SubtaskClosed
from mycity.control.models import Subtask, SubtaskKind
from mycity.control.services import complete_subtask, open_subtask, report_subtask
from tests.control.conftest import minsk

pytestmark = pytest.mark.django_db

# Wednesday 6 May 2026, 10:00 in Minsk.
TODAY = minsk(date(2026, 5, 6))


@pytest.fixture(autouse=True)
def _today():
    with freeze_time(TODAY):
        yield


def request_of(actor, appeal, started_on=date(2026, 4, 17), **values):
    fields = {
        "kind": SubtaskKind.REQUEST,
        "counterpart": "РУП «Витебскэнерго»",
        "description": "Сведения о плановых отключениях",
        "started_on": started_on,
    }
    return open_subtask(actor=actor, appeal=appeal, **(fields | values))


def order_of(actor, appeal, started_on=date(2026, 4, 10)):
    return open_subtask(
        actor=actor,
        appeal=appeal,
        kind=SubtaskKind.ORDER,
        counterpart="Витебский облисполком",
        description="Проверить и доложить",
        started_on=started_on,
    )


def problems_of(error):
    return {d["field"] for d in error.value.details}


def test_a_request_is_due_fifteen_days_after_it_was_sent_moved_off_the_holidays(executor, appeal):
    subtask = request_of(executor, appeal, started_on=date(2026, 4, 17))
    assert subtask.due_on == date(2026, 5, 4)  # 2 May is a Saturday after May Day
    assert subtask.author == executor and subtask.is_open


def test_opening_a_sub_task_is_in_the_timeline_for_staff_only(executor, appeal):
    subtask = request_of(executor, appeal)
    [event] = AppealEvent.objects.filter(appeal=appeal, kind=EventKind.SUBTASK_OPENED)
    assert event.data["subtask"] == subtask.pk
    assert event.data["due_on"] == "2026-05-04"
    assert not event.visible_to_applicant


def test_an_order_is_due_in_a_month(head, appeal):
    assert order_of(head, appeal, started_on=date(2026, 4, 10)).due_on == date(2026, 5, 11)


def test_the_due_day_is_computed_not_typed(executor, appeal):
    with pytest.raises(TypeError):
        request_of(executor, appeal, due_on=date(2026, 12, 31))


def test_a_date_before_the_appeals_registration_is_refused(executor, appeal):
    with pytest.raises(InvalidSubtask) as error:
        request_of(executor, appeal, started_on=date(2026, 3, 31))  # registered 1 April
    assert problems_of(error) == {"started_on"}
    assert not Subtask.objects.exists()
    assert not AppealEvent.objects.filter(kind=EventKind.SUBTASK_OPENED).exists()


def test_a_date_in_the_future_is_refused(executor, appeal):
    with pytest.raises(InvalidSubtask) as error:
        request_of(executor, appeal, started_on=date(2026, 5, 7))
    assert problems_of(error) == {"started_on"}
    assert not Subtask.objects.exists()


def test_every_missing_value_is_named(executor, appeal):
    with pytest.raises(InvalidSubtask) as error:
        request_of(executor, appeal, kind="memo", counterpart=" ", description="", started_on=None)
    assert problems_of(error) == {"kind", "counterpart", "description", "started_on"}


def test_an_executor_of_another_organisation_cannot_open_one(executor_of_other_city, appeal):
    with pytest.raises(PermissionDenied):
        request_of(executor_of_other_city, appeal)


def test_a_head_of_another_organisation_cannot_open_one(head_of_lighting, appeal):
    with pytest.raises(PermissionDenied):
        order_of(head_of_lighting, appeal)


def test_the_answer_to_a_request_closes_it(executor, appeal):
    subtask = complete_subtask(
        actor=executor, subtask=request_of(executor, appeal), done_on=date(2026, 5, 4)
    )
    assert subtask.done_on == date(2026, 5, 4) and not subtask.is_open
    [event] = AppealEvent.objects.filter(appeal=appeal, kind=EventKind.SUBTASK_CLOSED)
    assert event.data["stage"] == "done"


def test_a_done_day_in_the_future_is_refused_and_nothing_changes(executor, appeal):
    subtask = request_of(executor, appeal)
    with pytest.raises(InvalidSubtask) as error:
        complete_subtask(actor=executor, subtask=subtask, done_on=date(2026, 5, 7))
    assert problems_of(error) == {"done_on"}
    subtask.refresh_from_db()
    assert subtask.done_on is None and subtask.is_open
    assert not AppealEvent.objects.filter(kind=EventKind.SUBTASK_CLOSED).exists()


def test_a_done_day_before_the_request_was_sent_is_refused(executor, appeal):
    subtask = request_of(executor, appeal, started_on=date(2026, 4, 17))
    with pytest.raises(InvalidSubtask):
        complete_subtask(actor=executor, subtask=subtask, done_on=date(2026, 4, 16))


def test_a_request_is_done_once(executor, appeal):
    subtask = complete_subtask(
        actor=executor, subtask=request_of(executor, appeal), done_on=date(2026, 5, 4)
    )
    with pytest.raises(SubtaskClosed):
        complete_subtask(actor=executor, subtask=subtask, done_on=date(2026, 5, 5))


def test_a_carried_out_order_must_be_reported_within_three_working_days(head, appeal):
    subtask = complete_subtask(
        actor=head, subtask=order_of(head, appeal), done_on=date(2026, 4, 17)
    )
    assert subtask.report_due_on == date(2026, 4, 24)  # over 20–21 April
    assert subtask.is_open


def test_the_report_ends_the_order(head, appeal):
    subtask = complete_subtask(
        actor=head, subtask=order_of(head, appeal), done_on=date(2026, 4, 17)
    )
    subtask = report_subtask(actor=head, subtask=subtask, reported_on=date(2026, 4, 22))
    assert subtask.reported_on == date(2026, 4, 22) and not subtask.is_open
    stages = [e.data["stage"] for e in AppealEvent.objects.filter(kind=EventKind.SUBTASK_CLOSED)]
    assert stages == ["done", "reported"]


def test_a_report_before_the_work_was_done_is_refused(head, appeal):
    subtask = complete_subtask(
        actor=head, subtask=order_of(head, appeal), done_on=date(2026, 4, 17)
    )
    with pytest.raises(InvalidSubtask) as error:
        report_subtask(actor=head, subtask=subtask, reported_on=date(2026, 4, 16))
    assert problems_of(error) == {"reported_on"}
    subtask.refresh_from_db()
    assert subtask.reported_on is None


def test_a_report_in_the_future_is_refused(head, appeal):
    subtask = complete_subtask(
        actor=head, subtask=order_of(head, appeal), done_on=date(2026, 4, 17)
    )
    with pytest.raises(InvalidSubtask):
        report_subtask(actor=head, subtask=subtask, reported_on=date(2026, 5, 8))


def test_an_order_not_yet_done_cannot_be_reported(head, appeal):
    with pytest.raises(InvalidSubtask):
        report_subtask(actor=head, subtask=order_of(head, appeal), reported_on=date(2026, 5, 5))


def test_a_request_is_not_reported(executor, appeal):
    subtask = complete_subtask(
        actor=executor, subtask=request_of(executor, appeal), done_on=date(2026, 5, 4)
    )
    with pytest.raises(InvalidSubtask):
        report_subtask(actor=executor, subtask=subtask, reported_on=date(2026, 5, 5))
