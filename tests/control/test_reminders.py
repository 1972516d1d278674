"""The daily job: reminders 3 and 1 working days before a term, and escalation of an
overdue appeal to the head of its organisation, each sent once."""

from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from freezegun import freeze_time

from mycity.appeals.models import Appeal, AppealEvent, EventKind, Status
from mycity.cities.calendar import calendar_for
from mycity.control.models import SubtaskKind
from mycity.control.reminders import (
    TOPIC_ESCALATION,
    TOPIC_REMINDER,
    remind_appeals,
    send_reminders,
)
from mycity.control.services import complete_subtask, open_subtask, put_on_control
from mycity.notify.models import Notification
from tests.control.conftest import end_of, minsk

pytestmark = pytest.mark.django_db


def april(day: int) -> date:
    return date(2026, 4, day)


def run_every_day(first: date, last: date) -> list[date]:
    """Run the job twice on each day from `first` to `last`; the days it reminded on."""
    reminded = []
    day = first
    while day <= last:
        before = Notification.objects.filter(topic=TOPIC_REMINDER).count()
        send_reminders(now=minsk(day, 8))
        send_reminders(now=minsk(day, 14))
        if Notification.objects.filter(topic=TOPIC_REMINDER).count() > before:
            reminded.append(day)
        day += timedelta(days=1)
    return reminded


def reminders_to(user):
    return list(Notification.objects.filter(topic=TOPIC_REMINDER, recipient=user))


def test_an_appeal_is_reminded_on_the_third_and_first_working_day_before_its_term(
    city, executor, make_appeal
):
    make_appeal(due_on=april(22))  # after the weekend, 20 April off and Radunitsa
    calendar = calendar_for(city)
    assert calendar.working_days_between(april(15), april(22)) == 3
    assert calendar.working_days_between(april(17), april(22)) == 1
    assert run_every_day(april(10), april(22)) == [april(15), april(17)]


def test_the_worked_saturday_is_the_first_working_day_before_a_monday_term(
    city, executor, make_appeal
):
    make_appeal(due_on=april(27))
    calendar = calendar_for(city)
    assert calendar.is_working_day(april(25))  # Saturday, worked by transfer
    assert calendar.working_days_between(april(23), april(27)) == 3
    assert run_every_day(april(22), april(27)) == [april(23), april(25)]


def test_a_reminder_is_never_sent_twice(executor, make_appeal):
    appeal = make_appeal(due_on=april(22))
    first = send_reminders(now=minsk(april(17), 8))
    second = send_reminders(now=minsk(april(17), 14))
    assert (first.reminded, second.reminded) == (1, 0)
    assert len(reminders_to(executor)) == 1
    assert AppealEvent.objects.filter(appeal=appeal, kind=EventKind.REMINDED).count() == 1


def test_the_reminder_goes_to_the_executors_and_the_controlling_official(
    dispatcher, executor, head, make_appeal
):
    appeal = make_appeal(due_on=april(22))
    put_on_control(actor=dispatcher, appeal=appeal, controller=head)
    send_reminders(now=minsk(april(17), 8))
    [to_executor] = reminders_to(executor)
    assert appeal.number in to_executor.subject
    assert to_executor.url == f"/console/polotsk/appeals/{appeal.pk}/"
    assert len(reminders_to(head)) == 1
    assert reminders_to(dispatcher) == []


def test_the_reminder_is_in_the_timeline_for_staff_only(executor, make_appeal):
    appeal = make_appeal(due_on=april(22))
    send_reminders(now=minsk(april(15), 8))
    [event] = AppealEvent.objects.filter(appeal=appeal, kind=EventKind.REMINDED)
    assert not event.visible_to_applicant
    assert event.data["working_days_before"] == 3
    assert event.data["term"] == "2026-04-22"
    assert event.data["recipients"] == [executor.pk]


def test_an_answered_appeal_is_not_reminded(executor, make_appeal):
    appeal = make_appeal(due_on=april(22))
    Appeal.objects.filter(pk=appeal.pk).update(status=Status.ANSWERED)
    assert send_reminders(now=minsk(april(17), 8)).reminded == 0
    assert reminders_to(executor) == []


def test_a_request_is_reminded_before_its_term(city, executor, make_appeal):
    appeal = make_appeal(due_on=date(2026, 5, 15))
    with freeze_time(minsk(april(2), 12)):
        subtask = open_subtask(
            actor=executor,
            appeal=appeal,
            kind=SubtaskKind.REQUEST,
            counterpart="РУП «Витебскэнерго»",
            description="График отключений",
            started_on=april(2),
        )
    assert subtask.due_on == april(17)
    assert run_every_day(april(10), april(17)) == [april(14), april(16)]
    assert {n.data["subtask"] for n in reminders_to(executor)} == {subtask.pk}


def test_the_report_on_an_order_is_reminded_before_it_is_due(head, make_appeal):
    appeal = make_appeal(due_on=date(2026, 5, 15))
    with freeze_time(minsk(april(17), 12)):
        subtask = open_subtask(
            actor=head,
            appeal=appeal,
            kind=SubtaskKind.ORDER,
            counterpart="Облисполком",
            description="Доложить",
            started_on=april(10),
        )
        subtask = complete_subtask(actor=head, subtask=subtask, done_on=april(17))
    assert subtask.report_due_on == april(24)
    # The author is reminded; the third working day before is the day it was done.
    assert run_every_day(april(17), april(24)) == [april(17), april(23)]
    assert len(reminders_to(head)) == 2


def test_a_finished_sub_task_is_not_reminded(executor, make_appeal):
    appeal = make_appeal(due_on=date(2026, 5, 15))
    with freeze_time(minsk(april(13), 12)):
        subtask = open_subtask(
            actor=executor,
            appeal=appeal,
            kind=SubtaskKind.REQUEST,
            counterpart="ЖКХ",
            description="Акт",
            started_on=april(2),
        )
        complete_subtask(actor=executor, subtask=subtask, done_on=april(13))
    assert run_every_day(april(13), april(17)) == []


# --- escalation ----------------------------------------------------------------------


def escalations_to(user):
    return list(Notification.objects.filter(topic=TOPIC_ESCALATION, recipient=user))


def test_an_overdue_appeal_is_escalated_to_the_head_once(dispatcher, executor, head, make_appeal):
    appeal = make_appeal(due_on=april(15))
    assert send_reminders(now=minsk(april(16), 8)).escalated == 1
    assert send_reminders(now=minsk(april(16), 14)).escalated == 0
    assert send_reminders(now=minsk(april(17), 8)).escalated == 0
    [notice] = escalations_to(head)
    assert appeal.number in notice.subject
    assert escalations_to(dispatcher) == [] and escalations_to(executor) == []
    [event] = AppealEvent.objects.filter(appeal=appeal, kind=EventKind.ESCALATED)
    assert event.data["recipients"] == [head.pk]
    assert not event.visible_to_applicant


def test_an_appeal_still_within_its_term_is_not_escalated(head, make_appeal):
    make_appeal(due_on=april(16))
    assert send_reminders(now=minsk(april(16), 20)).escalated == 0
    assert escalations_to(head) == []


def test_without_a_head_the_dispatchers_are_told(dispatcher, executor, make_appeal):
    make_appeal(due_on=april(15))
    send_reminders(now=minsk(april(16), 8))
    assert len(escalations_to(dispatcher)) == 1
    assert escalations_to(executor) == []


def test_the_head_of_another_organisation_is_not_told(dispatcher, head_of_lighting, make_appeal):
    make_appeal(due_on=april(15))
    send_reminders(now=minsk(april(16), 8))
    assert escalations_to(head_of_lighting) == []


def test_a_new_deadline_missed_again_is_escalated_again(head, make_appeal):
    appeal = make_appeal(due_on=april(15))
    send_reminders(now=minsk(april(16), 8))
    Appeal.objects.filter(pk=appeal.pk).update(deadline=end_of(april(22)), extended=True)
    send_reminders(now=minsk(april(23), 8))
    send_reminders(now=minsk(april(24), 8))
    assert len(escalations_to(head)) == 2


def test_a_finished_appeal_is_not_escalated(head, make_appeal):
    appeal = make_appeal(due_on=april(15))
    Appeal.objects.filter(pk=appeal.pk).update(status=Status.CLOSED)
    assert send_reminders(now=minsk(april(16), 8)).escalated == 0


def test_the_task_runs_the_job(head, make_appeal):
    make_appeal(due_on=april(15))
    result = remind_appeals.enqueue()
    assert result.return_value == {"reminded": 0, "escalated": 1}


def test_the_command_runs_the_job_and_a_second_run_sends_nothing(head, make_appeal):
    make_appeal(due_on=april(15))
    first, second = StringIO(), StringIO()
    call_command("remind_appeals", stdout=first)
    call_command("remind_appeals", stdout=second)
    assert "0 reminders and 1 escalations" in first.getvalue()
    assert "0 reminders and 0 escalations" in second.getvalue()
    assert len(escalations_to(head)) == 1


def test_a_long_backlog_is_escalated_over_several_runs(monkeypatch, head, make_appeal):
    from mycity.control import reminders

    monkeypatch.setattr(reminders, "ESCALATIONS_PER_RUN", 1)
    make_appeal(due_on=april(14))
    make_appeal(due_on=april(15))
    runs = [send_reminders(now=minsk(april(16), hour)).escalated for hour in (8, 9, 10)]
    assert runs == [1, 1, 0]
    assert len(escalations_to(head)) == 2


def test_a_sub_task_of_a_withdrawn_appeal_is_not_reminded(executor, make_appeal):
    appeal = make_appeal(due_on=date(2026, 5, 15))
    with freeze_time(minsk(april(2), 12)):
        open_subtask(
            actor=executor,
            appeal=appeal,
            kind=SubtaskKind.REQUEST,
            counterpart="РУП «Витебскэнерго»",
            description="График отключений",
            started_on=april(2),
        )
    Appeal.objects.filter(pk=appeal.pk).update(status="withdrawn")
    assert run_every_day(april(10), april(17)) == []


def test_an_appeal_nobody_can_be_told_of_does_not_hold_the_others_back(
    monkeypatch, organisation, make_appeal
):
    from mycity.accounts.models import RoleKind
    from mycity.control import reminders
    from tests.conftest import person

    monkeypatch.setattr(reminders, "ESCALATIONS_PER_RUN", 1)
    make_appeal(due_on=april(14))
    first = send_reminders(now=minsk(april(16), 8)).escalated
    head = person("late-head@example.org", RoleKind.HEAD, organisation=organisation)
    second = make_appeal(due_on=april(15))
    runs = [first] + [send_reminders(now=minsk(april(16), h)).escalated for h in (9, 10)]
    assert runs == [0, 1, 0]
    [notice] = escalations_to(head)
    assert second.number in notice.subject
