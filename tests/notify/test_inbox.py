import pytest

from mycity.notify.selectors import notifications_of, unread_count
from mycity.notify.services import mark_read
from tests.notify.helpers import notify_about

pytestmark = pytest.mark.django_db


def test_unread_count_counts_only_the_users_unread_in_app_notifications(resident, dispatcher):
    notify_about(resident)
    notify_about(resident)
    notify_about(resident, channels=["email"])
    notify_about(dispatcher)
    assert unread_count(resident) == 2
    assert unread_count(dispatcher) == 1


def test_mark_read_without_ids_marks_all_of_the_users_notifications(resident, dispatcher):
    notify_about(resident)
    notify_about(resident)
    notify_about(dispatcher)
    assert mark_read(user=resident) == 2
    assert unread_count(resident) == 0
    assert unread_count(dispatcher) == 1


def test_mark_read_with_ids_marks_only_those(resident):
    first = notify_about(resident)
    notify_about(resident)
    assert mark_read(user=resident, notification_ids=[first.pk]) == 1
    first.refresh_from_db()
    assert first.read_at is not None
    assert unread_count(resident) == 1


def test_mark_read_ignores_another_users_notifications(resident, dispatcher):
    theirs = notify_about(dispatcher)
    assert mark_read(user=resident, notification_ids=[theirs.pk]) == 0
    assert unread_count(dispatcher) == 1


def test_marking_read_again_changes_nothing(resident):
    notification = notify_about(resident)
    mark_read(user=resident)
    notification.refresh_from_db()
    first_read = notification.read_at
    assert mark_read(user=resident) == 0
    notification.refresh_from_db()
    assert notification.read_at == first_read


def test_notifications_of_lists_newest_first_and_continues_before_an_id(resident):
    made = [notify_about(resident, subject=f"N{i}") for i in range(5)]
    page = notifications_of(resident, limit=2)
    assert [n.subject for n in page] == ["N4", "N3"]
    page = notifications_of(resident, limit=2, before_id=page[-1].pk)
    assert [n.subject for n in page] == ["N2", "N1"]
    assert notifications_of(resident, limit=2, before_id=made[0].pk) == []
