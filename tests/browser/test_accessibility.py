"""axe-core (from npm) finds no serious or critical violation on the citizen app's
pages, in the three languages, at phone and desktop sizes."""

from pathlib import Path

import pytest

from tests.appeal_fixtures import submit_report
from tests.browser.conftest import BrowserProblems, serve_map_tiles
from tests.browser.test_my_appeals import sign_in

pytestmark = pytest.mark.django_db(transaction=True)
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
PAGES = [
    "/polotsk/",
    "/cities/",
    "/polotsk/report/",
    "/polotsk/map/",
    "/polotsk/e-appeal/",
    "/my/appeals/",
    "/my/notifications/",
    "/my/subscriptions/",
    "/polotsk/notices/",
    "/polotsk/news/",
    "/polotsk/events/",
    "/polotsk/places/",
    "/polotsk/contacts/",
    "/polotsk/polls/",
    "/polotsk/open-data/",
    "/offline/",
    "/polotsk/reception/",
    "/polotsk/privacy/",
    "/polotsk/answers/",
    "/my/data/",
]
SIZES = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 900}}


def serious_violations(page) -> list[str]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("language", ["ru", "be", "en"])
def test_no_serious_violations(site, browser, resident, street_light, language, size):
    report = submit_report(resident, street_light)
    content = city_information(resident.roles.first().city)
    # The audit injects axe as a script of its own, which the site's CSP would refuse.
    context = browser.new_context(viewport=SIZES[size], bypass_csp=True)
    serve_map_tiles(context, [])
    context.add_cookies([{"name": "mycity_language", "value": language, "url": site.url}])
    sign_in(context, site, resident)
    page = context.new_page()
    problems = BrowserProblems()
    problems.watch(page)
    found = {}
    try:
        report_pages = [f"/my/appeals/{report.pk}/", f"/polotsk/reports/{report.pk}/"]
        for path in [*PAGES, *report_pages, *content]:
            page.goto(site.url + path)
            if violations := serious_violations(page):
                found[path] = violations
    finally:
        context.close()
    assert found == {}
    assert problems.items == []


def city_information(city) -> list[str]:
    """One of each kind of the city's information, and the pages that show them."""
    from datetime import timedelta

    from django.utils import timezone

    from mycity.content.models import Contact, Event, News, Place, Poll, PollOption

    now = timezone.now()
    place = Place.objects.create(
        city=city,
        kind="sight",
        name_ru="Софийский собор",
        lat=55.4863,
        lon=28.7606,
        phone="+375 214 00 00 00",
        opening_hours=[{"days": ["Tu"], "opens": "10:00", "closes": "17:00"}],
    )
    event = Event.objects.create(
        city=city,
        category="concert",
        name_ru="Концерт",
        venue=place,
        is_published=True,
        starts_at=now + timedelta(days=1),
        ends_at=now + timedelta(days=1, hours=2),
        age_limit=6,
    )
    news = News.objects.create(
        city=city,
        title_ru="Новость",
        lead_ru="Коротко",
        body_ru="<p>Текст</p>",
        state="published",
        publish_at=now - timedelta(hours=1),
    )
    news.tag_rows.create(tag="парки")
    Contact.objects.create(city=city, group="emergency", name_ru="Скорая", phone="103")
    poll = Poll.objects.create(
        city=city,
        question_ru="Вопрос?",
        is_published=True,
        opens_at=now - timedelta(days=1),
        closes_at=now + timedelta(days=1),
    )
    PollOption.objects.create(poll=poll, text_ru="Да")
    PollOption.objects.create(poll=poll, text_ru="Нет")
    return [
        f"/polotsk/places/{place.pk}/",
        f"/polotsk/events/{event.pk}/",
        f"/polotsk/news/{news.pk}/",
        f"/polotsk/polls/{poll.pk}/",
    ]
