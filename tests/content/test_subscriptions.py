"""A resident chooses what to hear about, and stops the e-mails with one click."""

from datetime import time

import pytest
from django.core import mail

from mycity.accounts.errors import InvalidSubscription
from mycity.accounts.models import Subscription
from mycity.accounts.subscriptions import (
    notice_subscriptions,
    save_notice_subscriptions,
    set_quiet_hours,
    unsubscribe_token,
)
from mycity.content.services import AddressLine, publish_notice, save_notice
from tests.content.conftest import draft, house
from tests.factories import DistrictFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def at_home(resident, city, street):
    resident.home_city, resident.home_building = city, house(street, "2")
    resident.save()
    return resident


def test_a_resident_subscribes_to_their_address_a_district_and_a_kind(at_home, city, centre):
    save_notice_subscriptions(
        user=at_home, city=city, home=True, districts=[centre], kinds=["gas"], channels=["email"]
    )
    chosen = notice_subscriptions(at_home, city)
    assert (chosen.home, chosen.districts, chosen.kinds) == (True, [centre], ["gas"])
    assert chosen.channels == ["in_app", "email"]
    # Saving again replaces, never adds.
    save_notice_subscriptions(
        user=at_home, city=city, home=False, districts=[], kinds=["road"], channels=[]
    )
    assert list(Subscription.objects.filter(user=at_home).values_list("topic", flat=True)) == [
        "road"
    ]


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"kinds": ["floods"]}, "kinds"),
        ({"channels": ["pigeon"]}, "channels"),
        ({"home": True}, "home"),  # no home address given
    ],
)
def test_impossible_subscriptions_are_refused(resident, city, values, field):
    arguments = {"home": False, "districts": [], "kinds": [], "channels": []} | values
    with pytest.raises(InvalidSubscription) as refused:
        save_notice_subscriptions(user=resident, city=city, **arguments)
    assert refused.value.field == field
    assert not Subscription.objects.exists()


def test_a_district_of_another_city_is_refused(resident, city, other_city):
    with pytest.raises(InvalidSubscription):
        save_notice_subscriptions(
            user=resident,
            city=city,
            home=False,
            districts=[DistrictFactory(city=other_city)],
            kinds=[],
            channels=[],
        )


def test_quiet_hours_need_both_ends(resident):
    with pytest.raises(InvalidSubscription):
        set_quiet_hours(user=resident, quiet_from=time(22), quiet_until=None)
    set_quiet_hours(user=resident, quiet_from=time(22), quiet_until=time(7))
    resident.refresh_from_db()
    assert (resident.quiet_from, resident.quiet_until) == (time(22), time(7))


def test_the_subscriptions_page_saves_the_choice(client, at_home, city, centre):
    client.force_login(at_home)
    page = client.get("/my/subscriptions/")
    assert page.status_code == 200 and "Нижне-Покровская" in page.content.decode()
    saved = client.post(
        "/my/subscriptions/",
        {"home": "on", "kinds": ["hot_water"], "email": "on", "quiet_from": "22:00"},
    )
    assert saved.status_code == 400  # quiet hours need their end
    assert not Subscription.objects.exists()
    saved = client.post(
        "/my/subscriptions/",
        {
            "home": "on",
            "districts": [centre.pk],
            "email": "on",
            "quiet_from": "",
            "quiet_until": "",
        },
    )
    assert saved.status_code == 302
    assert notice_subscriptions(at_home, city).home


@pytest.mark.django_db(transaction=True)
def test_an_email_about_a_notice_stops_with_one_click(client, at_home, editor, city, street):
    save_notice_subscriptions(
        user=at_home, city=city, home=True, districts=[], kinds=[], channels=["email"]
    )
    line = AddressLine(building_id=at_home.home_building_id)
    notice = save_notice(actor=editor, city=city, draft=draft(addresses=[line]))
    publish_notice(actor=editor, notice=notice)
    (message,) = mail.outbox
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    link = message.extra_headers["List-Unsubscribe"].strip("<>")
    assert link in message.body
    path = link[link.index("/unsubscribe/") :]

    # What a mail client does (RFC 8058): a POST without session or CSRF token.
    client.handler.enforce_csrf_checks = True
    assert client.post(path).status_code == 200
    assert Subscription.objects.get(user=at_home).channels == ["in_app"]


def test_a_forged_unsubscribe_link_does_nothing(client, at_home, city):
    save_notice_subscriptions(
        user=at_home, city=city, home=True, districts=[], kinds=[], channels=["email"]
    )
    token = unsubscribe_token(at_home)
    forged = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    assert client.post(f"/unsubscribe/{forged}/").status_code == 400
    assert Subscription.objects.get(user=at_home).channels == ["in_app", "email"]


@pytest.mark.django_db(transaction=True)
def test_followers_of_an_event_category_are_told_when_an_event_is_published(editor, city):
    from datetime import timedelta

    from django.utils import timezone

    from mycity.content.events import EventDraft, save_event
    from mycity.notify.models import Notification
    from tests.factories import UserFactory

    music_lover = UserFactory(home_city=city)
    save_notice_subscriptions(
        user=music_lover,
        city=city,
        home=False,
        districts=[],
        kinds=[],
        channels=[],
        event_categories=["concert"],
        news_tags=["Культура", "музыка"],
    )
    chosen = notice_subscriptions(music_lover, city)
    assert (chosen.event_categories, chosen.news_tags) == (["concert"], ["культура", "музыка"])
    draft = EventDraft(
        category="concert",
        name={"ru": "Органный вечер"},
        starts_at=timezone.now() + timedelta(days=3),
    )
    event = save_event(actor=editor, city=city, draft=draft)
    save_event(actor=editor, city=city, draft=draft, event=event)  # an edit: no second message
    save_event(
        actor=editor, city=city, draft=EventDraft(**(draft.__dict__ | {"category": "sport"}))
    )
    (told,) = Notification.objects.filter(recipient=music_lover, topic="event")
    assert told.subject == "Органный вечер" and told.url == f"/polotsk/events/{event.pk}/"


def test_an_unknown_event_category_is_refused(resident, city):
    with pytest.raises(InvalidSubscription):
        save_notice_subscriptions(
            user=resident,
            city=city,
            home=False,
            districts=[],
            kinds=[],
            channels=[],
            event_categories=["rave"],
        )


def test_a_resident_follows_other_addresses_too_and_drops_one(client, at_home, city, street):
    client.force_login(at_home)
    seven = house(street, "7")
    first = client.post("/my/subscriptions/", {"home": "on", "add_address": "Нижне-Покровская 7"})
    assert first.status_code == 302
    # The form shows the addresses followed so far ticked: they come back with the post.
    second = client.post(
        "/my/subscriptions/",
        {"home": "on", "addresses": [seven.pk], "add_address": "Нижне-Покровская 9"},
    )
    assert second.status_code == 302
    chosen = notice_subscriptions(at_home, city)
    assert chosen.home and [b.number for b in chosen.addresses] == ["7", "9"]
    client.post("/my/subscriptions/", {"home": "on", "addresses": [seven.pk]})
    assert [b.number for b in notice_subscriptions(at_home, city).addresses] == ["7"]
    unknown = client.post("/my/subscriptions/", {"add_address": "Несуществующая 1"})
    assert unknown.status_code == 400
