"""Publishing a notice tells each resident it concerns once per channel, in their
language, respecting quiet hours; a fan-out that stops half-way resumes without losing
or doubling a message."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail

from mycity.content import announcements
from mycity.content.announcements import tell_subscribers
from mycity.content.services import AddressLine, publish_notice, save_notice
from mycity.notify.models import Delivery, Notification
from mycity.notify.quiet import after_quiet_hours
from tests.content.conftest import draft, house, subscribe
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def notice(editor, city, street):
    line = AddressLine(street_id=street.pk, number_from=1, number_to=4)
    return save_notice(actor=editor, city=city, draft=draft(addresses=[line]))


def told(user):
    return list(Notification.objects.filter(recipient=user, topic="notice"))


def test_residents_of_the_affected_houses_its_district_and_its_kind_are_told(
    notice, editor, city, street, centre, other_building
):
    at_home = UserFactory(language="be")
    subscribe(at_home, city, building=house(street, "2"), channels=["in_app", "email"])
    in_district = UserFactory()
    subscribe(in_district, city, district=centre)
    hot_water_watcher = UserFactory()
    subscribe(hot_water_watcher, city, topic="hot_water")
    elsewhere = UserFactory()
    subscribe(elsewhere, city, building=house(street, "9"))
    subscribe(elsewhere, city, topic="gas")

    publish_notice(actor=editor, notice=notice)  # the task runs on commit

    for user in (at_home, in_district, hot_water_watcher):
        assert len(told(user)) == 1
    assert told(elsewhere) == []
    message = told(at_home)[0]
    assert message.subject.startswith("Гарачая вада")  # in Belarusian, the recipient's
    assert message.url == f"/polotsk/notices/{notice.pk}/"
    assert [m.to for m in mail.outbox] == [[at_home.email]]


def test_several_matching_subscriptions_still_mean_one_message_per_channel(
    notice, editor, city, street, centre
):
    resident = UserFactory()
    subscribe(resident, city, building=house(street, "1"), channels=["in_app", "email"])
    subscribe(resident, city, district=centre, channels=["in_app", "email"])
    subscribe(resident, city, topic="hot_water")
    publish_notice(actor=editor, notice=notice)
    assert len(told(resident)) == 1
    assert Delivery.objects.filter(notification__recipient=resident).count() == 1
    assert len(mail.outbox) == 1


def test_a_fan_out_killed_half_way_resumes_without_losing_or_doubling(
    notice, editor, city, street, monkeypatch
):
    residents = [UserFactory() for _ in range(7)]
    for resident in residents:
        subscribe(resident, city, building=house(street, "3"))
    notice.state = "published"
    notice.save()

    real = announcements.notify_many
    calls = {"n": 0}

    def dies_on_the_third_batch(**kwargs):
        calls["n"] += 1
        if calls["n"] == 3:
            raise SystemExit("worker killed")
        return real(**kwargs)

    monkeypatch.setattr(announcements, "notify_many", dies_on_the_third_batch)
    with pytest.raises(SystemExit):
        tell_subscribers(notice, batch=2)
    assert Notification.objects.filter(topic="notice").count() == 4  # two whole batches
    monkeypatch.setattr(announcements, "notify_many", real)

    assert tell_subscribers(notice, batch=2) == 3
    assert tell_subscribers(notice, batch=2) == 0
    for resident in residents:
        assert len(told(resident)) == 1


def test_quiet_hours_hold_the_email_but_not_the_in_app_message(
    notice, editor, city, street, monkeypatch
):
    sleeper = UserFactory(quiet_from=time(0, 0), quiet_until=time(23, 59))
    subscribe(sleeper, city, building=house(street, "4"), channels=["in_app", "email"])
    publish_notice(actor=editor, notice=notice)
    assert len(told(sleeper)) == 1
    delivery = Delivery.objects.get(notification__recipient=sleeper)
    assert delivery.state == "pending" and mail.outbox == []


MINSK = ZoneInfo("Europe/Minsk")


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (datetime(2026, 11, 25, 23, 30, tzinfo=MINSK), datetime(2026, 11, 26, 7, 0, tzinfo=MINSK)),
        (datetime(2026, 11, 26, 6, 59, tzinfo=MINSK), datetime(2026, 11, 26, 7, 0, tzinfo=MINSK)),
        (datetime(2026, 11, 26, 7, 0, tzinfo=MINSK), None),
        (datetime(2026, 11, 26, 12, 0, tzinfo=MINSK), None),
    ],
)
def test_quiet_hours_may_span_midnight(db, now, expected):
    user = UserFactory(quiet_from=time(22, 0), quiet_until=time(7, 0))
    assert after_quiet_hours(user, now) == (expected or now)


def test_without_quiet_hours_nothing_waits(db):
    now = datetime(2026, 11, 25, 3, 0, tzinfo=MINSK)
    assert after_quiet_hours(UserFactory(), now) == now
    assert after_quiet_hours(UserFactory(), now + timedelta(hours=12)) == now + timedelta(hours=12)
