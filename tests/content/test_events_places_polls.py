"""Events (once and repeating, iCalendar files and feeds), places (schema.org, GeoJSON),
contacts, polls (one vote each, results, CSV) and the open-data page."""

import csv
import io
import json
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone
from icalendar import Calendar

from mycity.content.errors import InvalidEvent, VoteRefused
from mycity.content.events import EventDraft, events_between, save_event
from mycity.content.models import Contact, Place, Poll, PollOption, Vote
from mycity.content.polls import may_see_results, results, vote
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
MINSK = ZoneInfo("Europe/Minsk")


@pytest.fixture
def cathedral(city):
    return Place.objects.create(
        city=city,
        kind="sight",
        name_ru="Софийский собор",
        name_be="Сафійскі сабор",
        address="ул. Замковая, 1",
        lat=55.4863,
        lon=28.7606,
        phone="+375 214 42 53 42",
        opening_hours=[
            {"days": ["Tu", "We", "Th", "Fr", "Sa", "Su"], "opens": "10:00", "closes": "17:00"}
        ],
    )


def organ_evenings(editor, city, cathedral, **values):
    draft = EventDraft(
        category="concert",
        name={"ru": "Вечер органной музыки"},
        starts_at=datetime(2026, 12, 5, 19, 0, tzinfo=MINSK),
        ends_at=datetime(2026, 12, 5, 20, 30, tzinfo=MINSK),
        venue_id=cathedral.pk,
        recurrence="FREQ=WEEKLY;BYDAY=SA;COUNT=4",
        price="10 BYN",
        age_limit=6,
    )
    return save_event(actor=editor, city=city, draft=EventDraft(**(draft.__dict__ | values)))


def test_a_weekly_event_has_its_dates_in_the_month(editor, city, cathedral):
    organ_evenings(editor, city, cathedral)
    december = events_between(
        city, datetime(2026, 12, 1, tzinfo=MINSK), datetime(2027, 1, 1, tzinfo=MINSK)
    )
    assert [o.starts_at.astimezone(MINSK).day for o in december] == [5, 12, 19, 26]
    assert all(o.starts_at.astimezone(MINSK).hour == 19 for o in december)
    assert december[0].ends_at - december[0].starts_at == timedelta(minutes=90)


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"recurrence": "FREQ=SOMETIMES"}, "recurrence"),
        ({"ends_at": datetime(2026, 12, 5, 18, 0, tzinfo=MINSK)}, "ends_at"),
        ({"age_limit": 7}, "age_limit"),
        ({"category": "rave"}, "category"),
        ({"venue_id": 999999}, "venue"),
    ],
)
def test_an_impossible_event_is_refused(editor, city, cathedral, values, field):
    from mycity.content.models import Event

    with pytest.raises(InvalidEvent) as refused:
        organ_evenings(editor, city, cathedral, **values)
    assert [d["field"] for d in refused.value.as_dict()["details"]] == [field]
    assert not Event.objects.exists()


def test_an_event_and_the_citys_feed_are_valid_icalendar(client, editor, city, cathedral):
    event = organ_evenings(editor, city, cathedral)
    one = client.get(f"/polotsk/events/{event.pk}.ics")
    assert one["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(one.content)
    (item,) = calendar.walk("VEVENT")
    assert str(item["SUMMARY"]) == "Вечер органной музыки"
    assert item["RRULE"]["FREQ"] == ["WEEKLY"] and item["RRULE"]["BYDAY"] == ["SA"]
    assert "Софийский собор" in str(item["LOCATION"])
    assert item.decoded("DTSTART") == event.starts_at
    feed = Calendar.from_ical(client.get("/polotsk/events.ics").content)
    assert len(feed.walk("VEVENT")) == 1
    concerts = Calendar.from_ical(client.get("/polotsk/events.ics?category=concert").content)
    assert len(concerts.walk("VEVENT")) == 1
    sport = Calendar.from_ical(client.get("/polotsk/events.ics?category=sport").content)
    assert sport.walk("VEVENT") == []


def test_the_calendar_page_shows_the_months_dates(client, editor, city, cathedral):
    event = organ_evenings(editor, city, cathedral)
    page = client.get("/polotsk/events/", {"month": "2026-12"}).content.decode()
    assert page.count(f"/polotsk/events/{event.pk}/") == 4
    assert client.get("/polotsk/events/", {"month": "2026-13"}).status_code == 400
    detail = client.get(f"/polotsk/events/{event.pk}/").content.decode()
    assert f"/polotsk/events/{event.pk}.ics" in detail


def test_a_place_page_carries_schema_org_data(client, cathedral):
    page = client.get(f"/polotsk/places/{cathedral.pk}/").content.decode()
    start = page.index('<script type="application/ld+json">') + len(
        '<script type="application/ld+json">'
    )
    data = json.loads(page[start : page.index("</script>", start)])
    assert data["@type"] == "TouristAttraction" and data["name"] == "Софийский собор"
    assert data["geo"]["latitude"] == 55.4863
    assert data["openingHoursSpecification"][0]["opens"] == "10:00"
    assert 'href="tel:+375214425342"' in page


@pytest.mark.parametrize(
    "description",
    [
        "Собор XI века <!--<script> и всё, что после",
        'Собор </script><h1 id="injected">Взломано</h1>',
        "Собор <!--<script></script>--> & <b>",
    ],
)
def test_a_place_description_cannot_end_or_blank_the_page_through_its_json_ld(
    client, cathedral, description
):
    cathedral.description_ru = description
    cathedral.save(update_fields=["description_ru"])
    page = client.get(f"/polotsk/places/{cathedral.pk}/").content.decode()
    start = page.index('<script type="application/ld+json">') + len(
        '<script type="application/ld+json">'
    )
    block = page[start : page.index("</script>", start)]
    # Nothing inside can open a comment, a script, or close the element early ...
    assert "<" not in block and ">" not in block and "&" not in block
    # ... and search engines read the description as it was written.
    assert json.loads(block)["description"] == description
    assert 'id="injected"' not in page


def test_places_are_listed_on_a_map_and_as_geojson(client, cathedral):
    page = client.get("/polotsk/places/").content.decode()
    assert "Софийский собор" in page and 'data-map="place-map"' in page
    collection = client.get("/api/v1/cities/polotsk/places.geojson").json()
    (feature,) = collection["features"]
    assert feature["geometry"]["coordinates"] == [28.7606, 55.4863]


def test_contacts_are_grouped_with_tappable_numbers(client, city):
    Contact.objects.create(city=city, group="emergency", name_ru="Скорая помощь", phone="103")
    Contact.objects.create(city=city, group="housing", name_ru="Аварийная служба ЖКХ", phone="115")
    page = client.get("/polotsk/contacts/").content.decode()
    assert 'href="tel:103"' in page and 'href="tel:115"' in page
    assert page.index("Скорая помощь") < page.index("Аварийная служба ЖКХ")


@pytest.fixture
def playground_poll(city):
    poll = Poll.objects.create(
        city=city,
        question_ru="Где поставить новую детскую площадку?",
        opens_at=timezone.now() - timedelta(days=1),
        closes_at=timezone.now() + timedelta(days=7),
        is_published=True,
    )
    for position, text in enumerate(["У школы № 1", "В парке", "На Задвинье"]):
        PollOption.objects.create(poll=poll, text_ru=text, position=position)
    return poll


def resident_of(city):
    return UserFactory(home_city=city)


def test_a_resident_votes_once_and_sees_the_results(playground_poll, city):
    voter = resident_of(city)
    first = playground_poll.options.first()
    assert not may_see_results(voter, playground_poll)
    vote(voter=voter, poll=playground_poll, option_ids=[first.pk])
    assert may_see_results(voter, playground_poll)
    with pytest.raises(VoteRefused):
        vote(voter=voter, poll=playground_poll, option_ids=[first.pk])
    ballots, rows = results(playground_poll)
    assert ballots == 1 and [r.votes for r in rows] == [1, 0, 0]


def test_the_database_holds_a_resident_to_one_vote(playground_poll, city):
    voter = resident_of(city)
    Vote.objects.create(poll=playground_poll, voter=voter)
    with pytest.raises(IntegrityError), transaction.atomic():
        Vote.objects.create(poll=playground_poll, voter=voter)


@pytest.mark.parametrize("case", ["outsider", "two answers", "foreign option", "closed"])
def test_votes_that_cannot_be_taken(playground_poll, city, other_city, case):
    voter = resident_of(city)
    options = list(playground_poll.options.values_list("pk", flat=True))
    chosen = [options[0]]
    if case == "outsider":
        voter = UserFactory(home_city=other_city)
    elif case == "two answers":
        chosen = options[:2]
    elif case == "foreign option":
        chosen = [999999]
    else:
        playground_poll.closes_at = timezone.now() - timedelta(minutes=1)
        playground_poll.opens_at = timezone.now() - timedelta(days=2)
        playground_poll.save()
    with pytest.raises(VoteRefused):
        vote(voter=voter, poll=playground_poll, option_ids=chosen)
    assert not Vote.objects.exists()


def test_results_after_close_stay_hidden_until_then(playground_poll, city):
    playground_poll.results_shown = "after_close"
    playground_poll.save()
    voter = resident_of(city)
    vote(voter=voter, poll=playground_poll, option_ids=[playground_poll.options.first().pk])
    assert not may_see_results(voter, playground_poll)
    playground_poll.closes_at = timezone.now() - timedelta(seconds=1)
    playground_poll.save()
    assert may_see_results(UserFactory(), playground_poll)


def test_voting_through_the_page_and_the_csv_has_no_personal_data(
    client, playground_poll, city, editor
):
    voter = resident_of(city)
    client.force_login(voter)
    options = list(playground_poll.options.all())
    response = client.post(f"/polotsk/polls/{playground_poll.pk}/", {"option": [options[1].pk]})
    assert response.status_code == 302
    again = client.post(f"/polotsk/polls/{playground_poll.pk}/", {"option": [options[0].pk]})
    assert again.status_code == 409
    client.force_login(editor)
    exported = client.get(f"/polotsk/polls/{playground_poll.pk}/results.csv").content.decode()
    rows = list(csv.reader(io.StringIO(exported)))
    assert rows[0] == ["answer", "votes", "share"] and rows[2][:2] == ["В парке", "1"]
    assert voter.email not in exported and str(voter.pk) not in [r[0] for r in rows]


def test_the_open_data_page_lists_the_feeds(client, city):
    assert client.get("/open-data/").status_code == 302
    page = client.get("/polotsk/open-data/").content.decode()
    for link in (
        "/polotsk/news.rss",
        "/polotsk/notices.atom",
        "/polotsk/events.ics",
        "/api/v1/cities/polotsk/places.geojson",
        "/api/v1/openapi.json",
    ):
        assert link in page


def test_the_api_lists_events_places_contacts_and_polls(
    client, editor, city, cathedral, playground_poll
):
    organ_evenings(editor, city, cathedral)
    dates = client.get(
        "/api/v1/cities/polotsk/events", {"start": "2026-12-01T00:00:00+03:00", "days": 31}
    ).json()
    assert len(dates) == 4
    assert client.get("/api/v1/cities/polotsk/places").json()[0]["name"] == "Софийский собор"
    assert client.get("/api/v1/cities/polotsk/polls").json()[0]["options"][1] == "В парке"
    assert client.get("/api/v1/cities/polotsk/contacts").status_code == 200


def test_a_repeating_event_starts_on_the_rules_first_date(editor, city, cathedral):
    # Wednesday 2 December 2026; the rule says Saturdays.
    event = organ_evenings(
        editor,
        city,
        cathedral,
        starts_at=datetime(2026, 12, 2, 19, 0, tzinfo=MINSK),
        ends_at=datetime(2026, 12, 2, 20, 30, tzinfo=MINSK),
    )
    assert event.starts_at == datetime(2026, 12, 5, 19, 0, tzinfo=MINSK)
    assert event.ends_at == datetime(2026, 12, 5, 20, 30, tzinfo=MINSK)


def test_a_rule_that_gives_no_date_is_refused(editor, city, cathedral):
    with pytest.raises(InvalidEvent) as refused:
        organ_evenings(editor, city, cathedral, recurrence="FREQ=WEEKLY;UNTIL=20200101T000000Z")
    assert [d["field"] for d in refused.value.as_dict()["details"]] == ["recurrence"]
