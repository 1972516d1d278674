"""Alerts about public reports: who follows what, who is told of a new report or of a
report's update, through the outbox (in the app, e-mail, Web Push), after quiet hours,
once, and how a resident stops them."""

from datetime import time
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django_tasks import default_task_backend

from mycity.accounts.models import RoleKind
from mycity.appeals import alerts
from mycity.appeals.actions.moves import accept_appeal, answer_appeal, start_work
from mycity.appeals.errors import InvalidAlert
from mycity.appeals.models import ReportAlert
from mycity.notify.models import Delivery, Notification, PushSubscription
from mycity.notify.push import generate_vapid_keys
from tests.appeal_fixtures import INSIDE, submit_report
from tests.conftest import person
from tests.factories import CategoryFactory, DistrictFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def neighbour(city):
    return person("neighbour@example.org", RoleKind.RESIDENT, city=city)


def told(user):
    return list(Notification.objects.filter(recipient=user, topic="report_alert").order_by("pk"))


def report(resident, category, on_commit, **values):
    with on_commit(execute=True):
        return submit_report(resident, category, **values)


def test_a_new_report_within_the_radius_is_announced_and_one_beyond_it_is_not(
    resident, neighbour, street_light, django_capture_on_commit_callbacks, city
):
    # 300 m north of INSIDE is within 500 m; 900 m is not, though inside the box's
    # corner would be: the circle decides.
    alerts.follow_area(
        user=neighbour, city=city, lat=INSIDE[0], lon=INSIDE[1], radius_m=500, label="Дом"
    )
    near = report(
        resident,
        street_light,
        django_capture_on_commit_callbacks,
        lat=INSIDE[0] + 0.0027,
        lon=INSIDE[1],
    )
    far = report(
        resident,
        street_light,
        django_capture_on_commit_callbacks,
        lat=INSIDE[0] + 0.0034,
        lon=INSIDE[1] + 0.0055,
    )
    subjects = [n.subject for n in told(neighbour)]
    assert len(subjects) == 1 and near.number in subjects[0]
    assert far.number not in " ".join(subjects)
    assert told(neighbour)[0].url == near.public_path()


def test_a_new_report_nobody_may_watch_costs_no_task_and_one_in_a_watched_box_does(
    resident, neighbour, street_light, city, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    default_task_backend.clear()

    def announcements():
        return [r for r in default_task_backend.results if r.task.name == "announce_new_report"]

    report(resident, street_light, django_capture_on_commit_callbacks)
    assert announcements() == []
    alerts.follow_area(
        user=neighbour, city=city, lat=INSIDE[0], lon=INSIDE[1], radius_m=500, label="Дом"
    )
    watched = report(resident, street_light, django_capture_on_commit_callbacks)
    [announcement] = announcements()
    assert announcement.args == [watched.pk]


def test_district_and_category_alerts_match_and_a_parent_category_covers_its_children(
    resident, neighbour, city, lighting_service, django_capture_on_commit_callbacks
):
    centre = DistrictFactory(city=city, slug="centre")
    lights = CategoryFactory(city=city, slug="lighting", activity="lighting")
    lamp = CategoryFactory(
        city=city,
        slug="lamp",
        parent=lights,
        activity="lighting",
        default_organisation=lighting_service,
    )
    other = person("other@example.org", RoleKind.RESIDENT, city=city)
    alerts.follow_category(user=neighbour, category=lights)
    alerts.follow_district(user=other, district=centre)
    one = report(resident, lamp, django_capture_on_commit_callbacks)
    assert [n.data["appeal"] for n in told(neighbour)] == [one.pk]
    assert one.district_id == centre.pk
    assert [n.data["appeal"] for n in told(other)] == [one.pk]


def test_the_reports_own_applicant_is_not_alerted(
    resident, street_light, city, django_capture_on_commit_callbacks
):
    alerts.follow_category(user=resident, category=street_light)
    report(resident, street_light, django_capture_on_commit_callbacks)
    assert told(resident) == []


def test_a_report_waiting_for_moderation_is_announced_only_once_approved(
    resident, neighbour, city, moderator, lighting_service, django_capture_on_commit_callbacks
):
    graffiti = CategoryFactory(
        city=city, slug="graffiti", needs_moderation=True, activity="lighting"
    )
    alerts.follow_category(user=neighbour, category=graffiti)
    waiting = report(resident, graffiti, django_capture_on_commit_callbacks)
    assert told(neighbour) == []
    with django_capture_on_commit_callbacks(execute=True):
        accept_appeal(actor=moderator, appeal=waiting)
    assert len(told(neighbour)) == 1


def test_a_private_category_cannot_be_followed(neighbour, city):
    private = CategoryFactory(city=city, slug="neighbours", is_public=False)
    with pytest.raises(InvalidAlert):
        alerts.follow_category(user=neighbour, category=private)


def test_the_followers_of_a_report_hear_of_each_public_step_once(
    resident, neighbour, executor, leaking_roof, django_capture_on_commit_callbacks
):
    roof = report(resident, leaking_roof, django_capture_on_commit_callbacks, extra={"entrance": 2})
    alerts.follow_report(user=neighbour, appeal=roof, channels=["in_app", "email"])
    alerts.follow_report(user=neighbour, appeal=roof)  # again: nothing more
    with django_capture_on_commit_callbacks(execute=True):
        start_work(actor=executor, appeal=roof, note="Бригада Петрова выехала")
    with django_capture_on_commit_callbacks(execute=True):
        answer_appeal(actor=executor, appeal=roof, text="Уважаемая Анна, готово.")
    updates = told(neighbour)
    assert [n.data["status"] for n in updates] == ["in_progress", "answered"]
    assert all("Петрова" not in n.body and "Анна" not in n.body for n in updates)
    assert Delivery.objects.filter(notification__in=updates, channel="email").count() == 2
    # The task run again (a retry, a resumed worker) tells nobody twice.
    event = roof.events.filter(to_status="answered").get()
    assert alerts.announce_report_update.call(roof.pk, event.pk) == 0
    assert len(told(neighbour)) == 2


def test_quiet_hours_hold_the_email_of_an_alert_but_not_the_app(
    resident, neighbour, street_light, city, django_capture_on_commit_callbacks
):
    neighbour.quiet_from, neighbour.quiet_until = time(0, 0), time(23, 59)
    neighbour.save(update_fields=["quiet_from", "quiet_until"])
    alerts.follow_category(user=neighbour, category=street_light, channels=["email"])
    report(resident, street_light, django_capture_on_commit_callbacks)
    (notification,) = told(neighbour)
    assert notification.in_app
    delivery = Delivery.objects.get(notification=notification, channel="email")
    assert delivery.state == "pending" and delivery.due_at > notification.created_at
    assert not [m for m in mail.outbox if neighbour.email in m.to]


def test_an_alert_reaches_a_phone_by_web_push(
    resident, neighbour, street_light, settings, django_capture_on_commit_callbacks
):
    keys = generate_vapid_keys()
    settings.VAPID_PUBLIC_KEY, settings.VAPID_PRIVATE_KEY = keys.public_key, keys.private_key
    PushSubscription.objects.create(
        user=neighbour, endpoint="https://push.example.org/x", p256dh="k", auth="a"
    )
    alerts.follow_category(user=neighbour, category=street_light, channels=["webpush"])
    report(resident, street_light, django_capture_on_commit_callbacks)
    (notification,) = told(neighbour)
    assert Delivery.objects.filter(notification=notification, channel="webpush").exists()


def test_the_email_of_an_alert_carries_a_one_click_unsubscribe_that_stops_them(
    client, resident, neighbour, street_light, django_capture_on_commit_callbacks
):
    from mycity.notify.channels import unsubscribe_link

    alert = alerts.follow_category(
        user=neighbour, category=street_light, channels=["in_app", "email"]
    )
    report(resident, street_light, django_capture_on_commit_callbacks)
    link = unsubscribe_link(told(neighbour)[0])
    assert link
    assert client.post(urlsplit(link).path).status_code == 200
    alert.refresh_from_db()
    assert alert.channels == ["in_app"]


def test_a_resident_stops_their_alert_and_not_anothers(neighbour, resident, street_light):
    alert = alerts.follow_category(user=neighbour, category=street_light)
    assert alerts.stop_alert(user=resident, alert_id=alert.pk) is False
    assert alerts.stop_alert(user=neighbour, alert_id=alert.pk) is True
    assert not ReportAlert.objects.exists()


@pytest.mark.parametrize(
    ("radius", "point", "message"),
    [(300, INSIDE, "distances"), (500, (55.70, 28.90), "outside")],
)
def test_an_area_alert_needs_an_offered_radius_and_a_point_in_the_city(
    neighbour, city, radius, point, message
):
    with pytest.raises(InvalidAlert) as refused:
        alerts.follow_area(user=neighbour, city=city, lat=point[0], lon=point[1], radius_m=radius)
    assert refused.value.field in ("radius", "point")


def test_a_resident_follows_at_most_so_many_things(neighbour, city, monkeypatch):
    monkeypatch.setattr(alerts, "MAX_ALERTS", 2)
    for radius in (250, 500):
        alerts.follow_area(user=neighbour, city=city, lat=INSIDE[0], lon=INSIDE[1], radius_m=radius)
    with pytest.raises(InvalidAlert):
        alerts.follow_area(user=neighbour, city=city, lat=INSIDE[0], lon=INSIDE[1], radius_m=1000)
