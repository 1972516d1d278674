"""Dates, times and weekdays on a phone read as each language writes them (CLDR), not
in the American style Django falls back to ("12/09/2026 7 папаўдні")."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from mycity.content.events import EventDraft, save_event
from mycity.content.models import Place

pytestmark = pytest.mark.django_db(transaction=True)
MINSK = ZoneInfo("Europe/Minsk")


@pytest.mark.parametrize(
    ("language", "starts", "hours"),
    [
        ("ru", "6 марта 2027\u202fг., 19:00", "вт, ср, чт: 10:00–17:00"),
        ("be", "6 сакавіка 2027\u202fг., 19:00", "аў, ср, чц: 10:00–17:00"),
        ("en", "6 March 2027, 19:00", "Tue, Wed, Thu: 10:00–17:00"),
    ],
)
def test_an_event_and_a_place_in_each_language(
    site, context, page, editor, city, language, starts, hours
):
    museum = Place.objects.create(
        city=city, kind="culture", name_ru="Музей", lat=55.4863, lon=28.7606,
        opening_hours=[{"days": ["Tu", "We", "Th"], "opens": "10:00", "closes": "17:00"}],
    )  # fmt: skip
    concert = save_event(
        actor=editor,
        city=city,
        draft=EventDraft(
            category="concert",
            name={"ru": "Концерт"},
            starts_at=datetime(2027, 3, 6, 19, 0, tzinfo=MINSK),
            venue_id=museum.pk,
        ),
    )
    context.add_cookies([{"name": "mycity_language", "value": language, "url": site.url}])
    page.set_viewport_size({"width": 320, "height": 640})
    page.goto(f"{site.url}/polotsk/events/{concert.pk}/")
    expect(page.locator(".lead")).to_have_text(starts)
    page.goto(f"{site.url}/polotsk/places/{museum.pk}/")
    expect(page.get_by_text(hours)).to_be_visible()
