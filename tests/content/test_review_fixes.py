"""Specifications found by review: what must not happen."""

import json
from datetime import time, timedelta

import pytest
from django.utils import timezone

from mycity.accounts.subscriptions import save_notice_subscriptions
from mycity.appeals.actions.api_keys import issue_api_client
from mycity.content.models import Event, Poll, PollOption
from mycity.content.services import AddressLine, publish_notice, save_notice, withdraw_notice
from mycity.notify.models import Delivery, Notification
from tests.content.conftest import draft, house
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_withdrawn_notice_sends_no_waiting_email(editor, city, street):
    sleeper = UserFactory(quiet_from=time(0, 0), quiet_until=time(23, 59), home_city=city)
    sleeper.home_building = house(street, "1")
    sleeper.save()
    save_notice_subscriptions(
        user=sleeper, city=city, home=True, districts=[], kinds=[], channels=["email"]
    )
    line = AddressLine(building_id=sleeper.home_building_id)
    notice = publish_notice(
        actor=editor, notice=save_notice(actor=editor, city=city, draft=draft(addresses=[line]))
    )
    assert Delivery.objects.get().state == "pending"  # waiting for the quiet hours
    withdraw_notice(actor=editor, notice=notice)
    assert Delivery.objects.get().state == "failed"


def test_an_address_added_to_a_published_notice_is_told(editor, city, street):
    later = UserFactory(home_city=city)
    later.home_building = house(street, "9")
    later.save()
    save_notice_subscriptions(user=later, city=city, home=True, districts=[], kinds=[], channels=[])
    first = [AddressLine(building_id=house(street, "1").pk)]
    notice = publish_notice(
        actor=editor, notice=save_notice(actor=editor, city=city, draft=draft(addresses=first))
    )
    assert not Notification.objects.filter(recipient=later).exists()
    notice.refresh_from_db()
    both = [*first, AddressLine(building_id=later.home_building_id)]
    save_notice(actor=editor, city=city, notice=notice, draft=draft(addresses=both))
    assert Notification.objects.filter(recipient=later, topic="notice").count() == 1


def test_publishing_a_draft_event_in_the_console_tells_the_categorys_followers(
    client, editor, city
):
    fan = UserFactory(home_city=city)
    save_notice_subscriptions(
        user=fan,
        city=city,
        home=False,
        districts=[],
        kinds=[],
        channels=[],
        event_categories=["concert"],
    )
    client.force_login(editor)
    start = (timezone.localtime() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    event = {"name_ru": "Концерт", "category": "concert", "starts_at": start, "age_limit": "0"}
    client.post("/console/polotsk/city/events/new", event)
    saved = Event.objects.get()
    assert not Notification.objects.filter(recipient=fan).exists()
    client.post(f"/console/polotsk/city/events/{saved.pk}/", event | {"is_published": "on"})
    assert Notification.objects.filter(recipient=fan, topic="event").count() == 1


def test_the_results_of_an_unpublished_poll_are_nobodys_but_the_editors(client, editor, city):
    poll = Poll.objects.create(
        city=city,
        question_ru="Черновик?",
        opens_at=timezone.now() - timedelta(days=3),
        closes_at=timezone.now() - timedelta(days=1),
    )
    PollOption.objects.create(poll=poll, text_ru="Да")
    assert client.get(f"/polotsk/polls/{poll.pk}/results.csv").status_code == 404
    client.force_login(editor)
    assert client.get(f"/polotsk/polls/{poll.pk}/results.csv").status_code == 200


def test_times_without_an_offset_are_the_citys(client, editor, city, street):
    token = issue_api_client(city=city, name="utility", user=editor).key
    body = {
        "kind": "gas",
        "title": {"ru": "Газ"},
        "starts_at": "2030-01-01T10:00:00",
        "addresses": [{"street_id": street.pk}],
    }
    created = client.post(
        "/api/v1/cities/polotsk/notices",
        json.dumps(body),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert created.status_code == 201
    assert created.json()["starts_at"] == "2030-01-01T10:00:00+03:00"  # Minsk time
    assert client.get("/api/v1/cities/polotsk/events?start=2030-01-01T00:00:00").status_code == 200


@pytest.mark.parametrize("month", ["0001-01", "9999-12", "0000-01"])
def test_a_month_off_the_calendar_is_a_bad_request(client, city, month):
    assert client.get("/polotsk/events/", {"month": month}).status_code == 400


def test_opening_hours_of_the_wrong_shape_are_refused(client, editor, city):
    client.force_login(editor)
    place = {"name_ru": "Музей", "kind": "culture", "lat": "55.48", "lon": "28.77"}
    refused = client.post(
        "/console/polotsk/city/places/new", place | {"opening_hours": '["Mo 9-18"]'}
    )
    assert refused.status_code == 400
    accepted = client.post(
        "/console/polotsk/city/places/new",
        place | {"opening_hours": '[{"days": ["Mo"], "opens": "09:00", "closes": "18:00"}]'},
    )
    assert accepted.status_code == 302
