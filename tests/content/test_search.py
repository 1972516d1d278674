"""Search across news, notices, events, places and public reports, by any form of a
word in Russian or Belarusian; only what anyone may see."""

from datetime import timedelta

import pytest
from django.utils import timezone

from mycity.content.events import EventDraft, save_event
from mycity.content.models import Place
from mycity.content.news import NewsDraft, publish_news, save_news
from mycity.content.search import reindex, search
from mycity.content.services import AddressLine, NoticeDraft, publish_notice, save_notice
from tests.appeal_fixtures import submit_report
from tests.factories import StreetFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_word_finds_news_notices_events_places_and_reports_in_any_form(
    editor, resident, city, street_light
):
    news = publish_news(
        actor=editor,
        news=save_news(
            actor=editor,
            city=city,
            draft=NewsDraft(
                title={"ru": "Новые фонари на набережной", "be": "Новыя ліхтары на набярэжнай"},
                body={"ru": "<p>Установлено сорок фонарей.</p>"},
            ),
        ),
    )
    hidden = save_news(
        actor=editor,
        city=city,
        draft=NewsDraft(title={"ru": "Черновик про фонарь"}, body={"ru": "<p>фонарь</p>"}),
    )
    street = StreetFactory(city=city)
    start = timezone.now() + timedelta(days=1)
    notice = publish_notice(
        actor=editor,
        notice=save_notice(
            actor=editor,
            city=city,
            draft=NoticeDraft(
                kind="electricity",
                title={"ru": "Замена фонаря уличного освещения"},
                starts_at=start,
                addresses=[AddressLine(street_id=street.pk)],
            ),
        ),
    )
    event = save_event(
        actor=editor,
        city=city,
        draft=EventDraft(category="festival", name={"ru": "Праздник фонарей"}, starts_at=start),
    )
    place = Place.objects.create(
        city=city, kind="sight", name_ru="Фонарный переулок", lat=55.48, lon=28.77
    )
    reindex(city)  # places come in bulk
    report = submit_report(resident, street_light, description="Не горит фонарь у дома")

    found = search(city, "фонари")
    assert found.news == [news] and hidden not in found.news
    assert found.notices == [notice] and found.events == [event] and found.places == [place]
    assert found.reports == [report]
    # Belarusian: ліхтары finds the news by its Belarusian title.
    assert search(city, "ліхтар").news == [news]


def test_the_search_page_lists_what_it_found(client, editor, city):
    publish_news(
        actor=editor,
        news=save_news(
            actor=editor,
            city=city,
            draft=NewsDraft(title={"ru": "Субботник в парке"}, body={"ru": "<p>Приходите</p>"}),
        ),
    )
    page = client.get("/polotsk/search/", {"q": "субботники"}).content.decode()
    assert "Субботник в парке" in page
    empty = client.get("/polotsk/search/", {"q": '"*) OR 1=1 --'})
    assert empty.status_code == 200


def test_public_search_does_not_match_what_only_staff_see(resident, city, street_light):
    report = submit_report(resident, street_light, extra={"pole_number": "ZX9"})
    assert search(city, "ZX9").reports == []  # the pole number is in the staff's index
    assert search(city, "фонарь").reports == [report]
