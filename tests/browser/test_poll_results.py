"""A poll says truly when its results show, and shows them then, on a phone."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from mycity.content.models import Poll, PollOption, ResultsShown
from tests.browser.test_my_appeals import sign_in

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def voter(resident, city):
    resident.home_city = city
    resident.save(update_fields=["home_city"])
    return resident


def poll(city, results_shown: str) -> Poll:
    now = timezone.now()
    found = Poll.objects.create(
        city=city,
        question_ru="Где поставить новую детскую площадку?",
        is_published=True,
        opens_at=now - timedelta(days=1),
        closes_at=now + timedelta(days=7),
        results_shown=results_shown,
    )
    for position, text in enumerate(["У школы № 2", "В сквере"]):
        PollOption.objects.create(poll=found, text_ru=text, position=position)
    return found


@pytest.fixture
def phone(context, page, site, voter):
    page.set_viewport_size({"width": 320, "height": 640})
    sign_in(context, site, voter)
    return page


def vote_in(phone, site, found: Poll) -> None:
    phone.goto(f"{site.url}/polotsk/polls/{found.pk}/")
    phone.get_by_label("В сквере").check()
    phone.get_by_role("button", name="Проголосовать").click()
    expect(phone.get_by_role("status").first).to_contain_text("ваш голос учтён")


def test_the_results_show_as_soon_as_the_resident_votes(site, city, phone):
    found = poll(city, ResultsShown.AFTER_VOTING)
    phone.goto(f"{site.url}/polotsk/polls/{found.pk}/")
    expect(phone.locator(".poll-promise")).to_have_text(
        "Результаты будут показаны сразу после вашего голоса."
    )
    vote_in(phone, site, found)
    expect(phone.get_by_role("heading", name="Результаты")).to_be_visible()
    expect(phone.locator(".poll-results li").nth(1)).to_contain_text("В сквере 1")


def test_a_poll_that_shows_results_at_its_close_says_so_before_and_after_a_vote(site, city, phone):
    found = poll(city, ResultsShown.AFTER_CLOSE)
    phone.goto(f"{site.url}/polotsk/polls/{found.pk}/")
    promise = phone.locator(".poll-promise")
    expect(promise).to_contain_text("Результаты будут показаны всем после закрытия опроса")
    vote_in(phone, site, found)
    expect(promise).to_contain_text("Результаты будут показаны всем после закрытия опроса")
    expect(phone.get_by_text("после вашего голоса")).to_have_count(0)
