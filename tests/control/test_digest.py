"""The daily digest tells each person of the appeals on their control and of the
sub-tasks due by the next working day."""

from datetime import date

import pytest
from django.core import mail
from freezegun import freeze_time

from mycity.accounts.models import User
from mycity.console.digest import send_digests
from mycity.console.services import set_staff_preferences
from mycity.control.models import SubtaskKind
from mycity.control.services import complete_subtask, open_subtask, put_on_control
from tests.control.conftest import minsk

pytestmark = pytest.mark.django_db
# Friday 17 April 2026; the next working day is Wednesday 22 April.
NOW = minsk(date(2026, 4, 17))


def digest_of(user, django_capture_on_commit_callbacks):
    # In English, the msgids: the assertions hold whatever the translations say.
    User.objects.filter(pk=user.pk).update(language="en")
    set_staff_preferences(user=user, daily_digest=True)
    with django_capture_on_commit_callbacks(execute=True):
        send_digests(now=NOW)
    messages = [m for m in mail.outbox if user.email in m.to]
    return messages[0].body if messages else None


def request_of(actor, appeal, started_on):
    with freeze_time(NOW):
        return open_subtask(
            actor=actor,
            appeal=appeal,
            kind=SubtaskKind.REQUEST,
            counterpart="РУП «Витебскэнерго»",
            description="График отключений",
            started_on=started_on,
        )


CONTROLLED = "On your control, due by the next working day"


def test_the_digest_lists_the_appeals_on_the_persons_control_that_are_due(
    django_capture_on_commit_callbacks, dispatcher, head, make_appeal
):
    due = make_appeal(due_on=date(2026, 4, 22))
    later = make_appeal(due_on=date(2026, 5, 15))
    for appeal in (due, later):
        put_on_control(actor=dispatcher, appeal=appeal, controller=head)
    body = digest_of(head, django_capture_on_commit_callbacks)
    assert body is not None
    section = body[body.index(CONTROLLED) :]
    assert section.startswith(f"{CONTROLLED} (1):")
    assert due.number in section and later.number not in body


def test_appeals_controlled_by_someone_else_are_not_in_the_section(
    django_capture_on_commit_callbacks, dispatcher, head, make_appeal
):
    appeal = make_appeal(due_on=date(2026, 4, 22))
    put_on_control(actor=dispatcher, appeal=appeal, controller=dispatcher)
    body = digest_of(head, django_capture_on_commit_callbacks)
    assert appeal.number in body  # as an appeal of the head's organisation
    assert CONTROLLED not in body


def test_no_digest_when_nothing_controlled_or_handled_is_due(
    django_capture_on_commit_callbacks, dispatcher, head, make_appeal
):
    put_on_control(actor=dispatcher, appeal=make_appeal(), controller=head)
    assert digest_of(head, django_capture_on_commit_callbacks) is None


def test_the_executor_hears_of_a_request_due_today(
    django_capture_on_commit_callbacks, executor, make_appeal
):
    appeal = make_appeal(due_on=date(2026, 5, 15))
    subtask = request_of(executor, appeal, started_on=date(2026, 4, 2))
    assert subtask.due_on == date(2026, 4, 17)
    body = digest_of(executor, django_capture_on_commit_callbacks)
    assert body is not None
    assert appeal.number in body and "РУП «Витебскэнерго»" in body and "17.04.2026" in body


def test_a_request_due_later_or_answered_is_not_in_the_digest(
    django_capture_on_commit_callbacks, executor, make_appeal
):
    appeal = make_appeal(due_on=date(2026, 5, 15))
    request_of(executor, appeal, started_on=date(2026, 4, 10))  # due 27 April
    answered = request_of(executor, appeal, started_on=date(2026, 4, 2))
    with freeze_time(NOW):
        complete_subtask(actor=executor, subtask=answered, done_on=date(2026, 4, 16))
    assert digest_of(executor, django_capture_on_commit_callbacks) is None


def test_a_dispatcher_hears_of_the_sub_tasks_due_in_the_city(
    django_capture_on_commit_callbacks, dispatcher, executor, make_appeal
):
    appeal = make_appeal(due_on=date(2026, 5, 15))
    request_of(executor, appeal, started_on=date(2026, 4, 2))
    body = digest_of(dispatcher, django_capture_on_commit_callbacks)
    assert body is not None and "Sub-tasks due (1):" in body
