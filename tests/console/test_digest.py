"""The daily e-mail digest of due and overdue appeals, and the preference that asks for it."""

from datetime import datetime, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from mycity.appeals.models import Appeal
from mycity.console import digest
from mycity.console.digest import send_daily_digests, send_digests
from mycity.console.models import StaffPreferences
from mycity.console.services import set_staff_preferences
from mycity.notify.models import Notification
from tests.appeal_fixtures import submit_report

pytestmark = pytest.mark.django_db
MINSK = ZoneInfo("Europe/Minsk")
# Friday 17 April 2026; the next working day is Wednesday 22 April.
NOW = datetime(2026, 4, 17, 10, 0, tzinfo=MINSK)


def end_of(day: int) -> datetime:
    return datetime(2026, 4, day, 23, 59, 59, tzinfo=MINSK)


def report_due(resident, category, deadline, **values):
    appeal = submit_report(resident, category, **values)
    Appeal.objects.filter(pk=appeal.pk).update(deadline=deadline)
    return appeal


@pytest.fixture
def roof(resident, leaking_roof):
    """Reports of the housing organisation, one in each band and one due later."""
    return {
        band: report_due(resident, leaking_roof, deadline, extra={"entrance": 1})
        for band, deadline in {
            "overdue": NOW - timedelta(hours=1),
            "today": end_of(17),
            "tomorrow": end_of(22),
            "later": end_of(23),
        }.items()
    }


@pytest.fixture(autouse=True)
def _enough_submissions(settings):
    settings.APPEAL_SUBMISSIONS_PER_HOUR = 0


def mails_to(user):
    return [message for message in mail.outbox if user.email in message.to]


def test_the_digest_lists_overdue_due_today_and_due_tomorrow_appeals(
    django_capture_on_commit_callbacks, dispatcher, roof
):
    set_staff_preferences(user=dispatcher, daily_digest=True)
    with django_capture_on_commit_callbacks(execute=True):
        assert send_digests(now=NOW) == 1
    [message] = mails_to(dispatcher)
    for band in ("overdue", "today", "tomorrow"):
        assert roof[band].number in message.body
    assert roof["later"].number not in message.body


def test_the_digest_goes_by_email_only(django_capture_on_commit_callbacks, dispatcher, roof):
    set_staff_preferences(user=dispatcher, daily_digest=True)
    with django_capture_on_commit_callbacks(execute=True):
        send_digests(now=NOW)
    notification = Notification.objects.get(recipient=dispatcher, topic=digest.TOPIC)
    assert not notification.in_app
    assert list(notification.deliveries.values_list("channel", flat=True)) == ["email"]


def test_the_digest_leaves_only_on_commit(django_capture_on_commit_callbacks, dispatcher, roof):
    set_staff_preferences(user=dispatcher, daily_digest=True)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        send_digests(now=NOW)
    assert mails_to(dispatcher) == []
    for callback in callbacks:
        callback()
    assert len(mails_to(dispatcher)) == 1


def test_a_second_run_the_same_day_sends_nothing(
    django_capture_on_commit_callbacks, dispatcher, roof
):
    set_staff_preferences(user=dispatcher, daily_digest=True)
    with django_capture_on_commit_callbacks(execute=True):
        send_digests(now=NOW)
    with django_capture_on_commit_callbacks(execute=True):
        assert send_digests(now=NOW + timedelta(hours=5)) == 0
    assert len(mails_to(dispatcher)) == 1


def test_the_next_day_brings_a_new_digest(django_capture_on_commit_callbacks, dispatcher, roof):
    set_staff_preferences(user=dispatcher, daily_digest=True)
    with django_capture_on_commit_callbacks(execute=True):
        send_digests(now=NOW)
        send_digests(now=NOW + timedelta(days=1))
    assert len(mails_to(dispatcher)) == 2


def test_staff_who_did_not_ask_get_no_digest(django_capture_on_commit_callbacks, dispatcher, roof):
    with django_capture_on_commit_callbacks(execute=True):
        assert send_digests(now=NOW) == 0
    assert mails_to(dispatcher) == []


def test_staff_who_opted_out_get_no_digest(django_capture_on_commit_callbacks, dispatcher, roof):
    set_staff_preferences(user=dispatcher, daily_digest=True)
    set_staff_preferences(user=dispatcher, daily_digest=False)
    with django_capture_on_commit_callbacks(execute=True):
        assert send_digests(now=NOW) == 0


def test_nothing_due_sends_no_digest(
    django_capture_on_commit_callbacks, dispatcher, resident, leaking_roof
):
    report_due(resident, leaking_roof, end_of(23), extra={"entrance": 1})
    set_staff_preferences(user=dispatcher, daily_digest=True)
    with django_capture_on_commit_callbacks(execute=True):
        assert send_digests(now=NOW) == 0
    assert mails_to(dispatcher) == []


def test_an_executors_digest_holds_only_their_organisations_appeals(
    django_capture_on_commit_callbacks, executor, resident, roof, street_light
):
    lamp = report_due(resident, street_light, end_of(17))  # the lighting service's
    set_staff_preferences(user=executor, daily_digest=True)
    with django_capture_on_commit_callbacks(execute=True):
        send_digests(now=NOW)
    [message] = mails_to(executor)
    assert roof["today"].number in message.body
    assert lamp.number not in message.body


def test_a_resident_who_asked_gets_no_digest(django_capture_on_commit_callbacks, resident, roof):
    set_staff_preferences(user=resident, daily_digest=True)
    with django_capture_on_commit_callbacks(execute=True):
        assert send_digests(now=NOW) == 0


def test_a_long_band_is_cut_with_a_link_to_the_queue(
    django_capture_on_commit_callbacks, monkeypatch, dispatcher, resident, leaking_roof
):
    monkeypatch.setattr(digest, "LINES_PER_BAND", 1)
    for _ in range(3):
        report_due(resident, leaking_roof, NOW - timedelta(hours=2), extra={"entrance": 1})
    set_staff_preferences(user=dispatcher, daily_digest=True)
    with django_capture_on_commit_callbacks(execute=True):
        send_digests(now=NOW)
    [message] = mails_to(dispatcher)
    assert "Просрочено (3)" in message.body
    assert "…и ещё 2:" in message.body
    assert "/console/polotsk/?band=overdue" in message.body


def test_the_task_sends_the_digests(
    django_capture_on_commit_callbacks, dispatcher, resident, leaking_roof
):
    from django.utils import timezone

    report_due(resident, leaking_roof, timezone.now() - timedelta(hours=1), extra={"entrance": 1})
    set_staff_preferences(user=dispatcher, daily_digest=True)
    with django_capture_on_commit_callbacks(execute=True):
        result = send_daily_digests.enqueue()
    assert result.return_value == 1
    assert len(mails_to(dispatcher)) == 1


def test_the_command_sends_the_digests(
    django_capture_on_commit_callbacks, dispatcher, resident, leaking_roof
):
    from django.utils import timezone

    report_due(resident, leaking_roof, timezone.now() - timedelta(hours=1), extra={"entrance": 1})
    set_staff_preferences(user=dispatcher, daily_digest=True)
    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_daily_digests", stdout=out)
    assert "Wrote 1 daily digests" in out.getvalue()
    assert len(mails_to(dispatcher)) == 1


# --- the preferences page --------------------------------------------------------------


def test_a_staff_member_asks_for_the_digest_on_the_preferences_page(client, executor):
    client.force_login(executor)
    response = client.post(reverse("console:preferences"), {"daily_digest": "on"})
    assert response["Location"] == reverse("console:preferences")
    assert StaffPreferences.objects.get(user=executor).daily_digest


def test_the_preferences_page_shows_the_current_choice(client, executor):
    set_staff_preferences(user=executor, daily_digest=True)
    client.force_login(executor)
    page = client.get(reverse("console:preferences")).content.decode()
    assert 'name="daily_digest" id="id_daily_digest" checked' in page


def test_unticking_the_box_stops_the_digest(client, executor):
    set_staff_preferences(user=executor, daily_digest=True)
    client.force_login(executor)
    client.post(reverse("console:preferences"), {})
    assert not StaffPreferences.objects.get(user=executor).daily_digest


def test_a_resident_has_no_preferences_page(client, resident):
    client.force_login(resident)
    assert client.get(reverse("console:preferences")).status_code == 404
    assert client.post(reverse("console:preferences"), {"daily_digest": "on"}).status_code == 404
    assert not StaffPreferences.objects.filter(user=resident).exists()
