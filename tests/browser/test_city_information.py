"""A resident reads the news, votes in a poll and adds an event to their calendar."""

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from icalendar import Calendar
from playwright.sync_api import expect

from mycity.content.events import EventDraft, save_event
from mycity.content.models import Place, Poll, PollOption, Vote
from mycity.content.news import NewsDraft, publish_news, save_news
from tests.browser.test_my_appeals import sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_resident_reads_the_news_from_the_home_page(site, page, city, editor):
    item = save_news(
        actor=editor,
        city=city,
        draft=NewsDraft(
            title={"ru": "Открыт новый сквер"},
            lead={"ru": "Сквер на Нижне-Покровской."},
            body={"ru": "<p>Сквер <strong>открыт</strong> для всех.</p><script>alert(1)</script>"},
            tags=["парки"],
        ),
    )
    publish_news(actor=editor, news=item)
    page.goto(site.url + "/polotsk/")
    page.get_by_role("link", name="Открыт новый сквер").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Открыт новый сквер")
    expect(page.locator(".news-body strong")).to_have_text("открыт")
    page.get_by_role("link", name="#парки").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("#парки")


def test_a_resident_votes_once_and_sees_the_results(site, page, context, city, resident):
    resident.home_city = city
    resident.save()
    poll = Poll.objects.create(
        city=city,
        question_ru="Где поставить детскую площадку?",
        opens_at=timezone.now() - timedelta(days=1),
        closes_at=timezone.now() + timedelta(days=7),
        is_published=True,
    )
    for position, text in enumerate(["У школы", "В парке"]):
        PollOption.objects.create(poll=poll, text_ru=text, position=position)
    sign_in(context, site, resident)
    page.goto(site.url + "/polotsk/")
    page.get_by_role("link", name="Опросы").first.click()
    page.get_by_role("link", name="Где поставить детскую площадку?").click()
    page.get_by_label("В парке").check()
    page.get_by_role("button", name="Проголосовать").click()
    expect(page.get_by_role("status").first).to_contain_text("голос учтён")
    expect(page.get_by_role("heading", name="Результаты")).to_be_visible()
    expect(page.get_by_text("Проголосовал 1 житель.")).to_be_visible()
    expect(page.get_by_role("button", name="Проголосовать")).to_have_count(0)
    assert Vote.objects.filter(poll=poll, voter=resident).count() == 1


def test_a_resident_adds_an_event_to_their_calendar(site, page, city, editor):
    zone = ZoneInfo("Europe/Minsk")
    venue = Place.objects.create(
        city=city, kind="sight", name_ru="Софийский собор", lat=55.4863, lon=28.7606
    )
    soon = (timezone.now() + timedelta(days=2)).astimezone(zone)
    starts = datetime(soon.year, soon.month, soon.day, 19, 0, tzinfo=zone)
    event = save_event(
        actor=editor,
        city=city,
        draft=EventDraft(
            category="concert",
            name={"ru": "Вечер органной музыки"},
            starts_at=starts,
            ends_at=starts + timedelta(hours=1, minutes=30),
            venue_id=venue.pk,
        ),
    )
    page.goto(site.url + "/polotsk/events/?month=" + starts.strftime("%Y-%m"))
    page.get_by_role("link", name="Вечер органной музыки").click()
    expect(page.get_by_text(re.compile("Софийский собор"))).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="Добавить в мой календарь").click()
    saved = download.value
    assert saved.suggested_filename == f"event-{event.pk}.ics"
    calendar = Calendar.from_ical(open(saved.path(), "rb").read())
    (item,) = calendar.walk("VEVENT")
    assert str(item["SUMMARY"]) == "Вечер органной музыки"
    assert item.decoded("DTSTART") == starts
