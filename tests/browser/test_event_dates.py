"""A repeating event's page, the month's list and its calendar file tell the same
dates, on a phone; a daily exhibition is one line of the month, not one a day."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar
from playwright.sync_api import expect

from mycity.content.events import EventDraft, save_event
from mycity.content.models import Place

pytestmark = pytest.mark.django_db(transaction=True)
MINSK = ZoneInfo("Europe/Minsk")


@pytest.fixture
def cathedral(city):
    return Place.objects.create(
        city=city, kind="sight", name_ru="Софийский собор", lat=55.4863, lon=28.7606
    )


@pytest.fixture
def phone(page):
    page.set_viewport_size({"width": 320, "height": 640})
    return page


def test_a_saturday_concert_saved_on_a_wednesday_is_on_saturdays_everywhere(
    site, phone, editor, city, cathedral
):
    concert = save_event(
        actor=editor,
        city=city,
        draft=EventDraft(
            category="concert",
            name={"ru": "Вечер органной музыки"},
            # Wednesday 3 March 2027; the rule says Saturdays.
            starts_at=datetime(2027, 3, 3, 19, 0, tzinfo=MINSK),
            ends_at=datetime(2027, 3, 3, 20, 30, tzinfo=MINSK),
            recurrence="FREQ=WEEKLY;BYDAY=SA;COUNT=4",
            venue_id=cathedral.pk,
        ),
    )
    phone.goto(f"{site.url}/polotsk/events/{concert.pk}/")
    expect(phone.locator(".lead")).to_contain_text("6 марта 2027")
    expect(phone.locator(".event-dates li")).to_have_text(
        [
            "сб, 6 марта, 19:00",
            "сб, 13 марта, 19:00",
            "сб, 20 марта, 19:00",
            "сб, 27 марта, 19:00",
        ]
    )
    phone.goto(f"{site.url}/polotsk/events/?month=2027-03")
    expect(phone.locator(".calendar-day h2")).to_have_text(
        ["сб, 6 марта", "сб, 13 марта", "сб, 20 марта", "сб, 27 марта"]
    )
    body = phone.request.get(f"{site.url}/polotsk/events/{concert.pk}.ics").body()
    (item,) = Calendar.from_ical(body).walk("VEVENT")
    assert item.decoded("DTSTART") == datetime(2027, 3, 6, 19, 0, tzinfo=MINSK)
    assert item.decoded("DTEND") == datetime(2027, 3, 6, 20, 30, tzinfo=MINSK)
    assert item["RRULE"]["BYDAY"] == ["SA"] and item["RRULE"]["COUNT"] == [4]


def test_a_daily_exhibition_is_one_line_of_the_month(site, phone, editor, city, cathedral):
    exhibition = save_event(
        actor=editor,
        city=city,
        draft=EventDraft(
            category="exhibition",
            name={"ru": "Выставка «Полоцкие пейзажи»"},
            starts_at=datetime(2027, 3, 7, 10, 0, tzinfo=MINSK),
            ends_at=datetime(2027, 3, 7, 17, 0, tzinfo=MINSK),
            recurrence="FREQ=DAILY;COUNT=31",
            venue_id=cathedral.pk,
        ),
    )
    phone.goto(f"{site.url}/polotsk/events/?month=2027-03")
    links = phone.locator(f"a[href='/polotsk/events/{exhibition.pk}/']")
    expect(links).to_have_count(1)
    expect(phone.locator(".calendar-day")).to_have_count(1)
    expect(phone.locator(".calendar-day .notice-kind")).to_contain_text(
        "Каждый день с 7 марта по 31 марта · 10:00–17:00"
    )
    # The next month holds the rest of the run, once.
    phone.goto(f"{site.url}/polotsk/events/?month=2027-04")
    expect(links).to_have_count(1)
    expect(phone.locator(".calendar-day .notice-kind")).to_contain_text(
        "Каждый день с 1 апреля по 6 апреля"
    )
