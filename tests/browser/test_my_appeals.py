"""A resident follows their report in the browser: the answer arrives (written by the
executor through the staff API), they rate it, then disagree and see it reopened."""

import json
import re

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

from mycity.appeals.actions.api_keys import issue_api_client
from mycity.appeals.models import Appeal
from tests.appeal_fixtures import submit_report
from tests.browser.conftest import screenshot

pytestmark = pytest.mark.django_db(transaction=True)


def sign_in(context, site, user) -> None:
    """The resident's browser gets a session of theirs (the e-mail code flow has its own
    tests)."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": site.url}])


def answer_through_the_api(appeal, executor) -> None:
    client = Client()
    token = issue_api_client(city=appeal.city, name="app", user=executor).key
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    seen = client.get(f"/api/v1/appeals/{appeal.pk}", **auth).json()
    started = client.post(
        f"/api/v1/appeals/{appeal.pk}/moves",
        json.dumps({"move": "start", "expected_version": seen["version"]}),
        content_type="application/json",
        **auth,
    )
    assert started.status_code == 200, started.content
    answered = client.post(
        f"/api/v1/appeals/{appeal.pk}/answer", {"text": "<p>Кровлю отремонтировали.</p>"}, **auth
    )
    assert answered.status_code == 200, answered.content


def test_a_resident_gets_the_answer_rates_it_and_then_disagrees(
    site, page, context, resident, leaking_roof
):
    from mycity.accounts.models import RoleKind
    from tests.conftest import person

    appeal = submit_report(resident, leaking_roof, extra={"entrance": 1})
    assert appeal.organisation is not None
    executor = person("roofer@example.org", RoleKind.EXECUTOR, organisation=appeal.organisation)
    answer_through_the_api(appeal, executor)
    sign_in(context, site, resident)
    page.goto(site.url + "/my/appeals/")
    page.get_by_role("link", name=re.compile(appeal.number)).click()
    expect(page.get_by_text("Кровлю отремонтировали.")).to_be_visible()
    page.get_by_label("4").check()
    page.get_by_role("button", name="Оценить").click()
    expect(page.get_by_role("status")).to_have_text("Спасибо за оценку.")
    expect(page.locator(".lead .status")).to_have_text("Закрыто")
    page.get_by_label("Что не так с ответом").fill("Крыша всё ещё течёт")
    page.get_by_role("button", name="Не согласен").click()
    expect(page.locator(".lead .status")).to_have_text("Возобновлено")
    appeal.refresh_from_db()
    assert (appeal.status, appeal.rating) == ("reopened", 4)
    assert Appeal.objects.count() == 1


def test_the_report_page_shows_where_it_is_and_labels_the_executors_after_photo(
    site, page, context, resident, leaking_roof
):
    from mycity.accounts.models import RoleKind
    from tests.appeal_fixtures import jpeg
    from tests.conftest import person
    from tests.factories import BuildingFactory, StreetFactory

    street = StreetFactory(city=leaking_roof.city, name_ru="Ленина", name_be="Леніна")
    BuildingFactory(street=street, number="11", lat=55.4870, lon=28.7700)
    # A pin in a yard, further than the reach of an address: no address was set.
    appeal = submit_report(
        resident, leaking_roof, files=[jpeg()], lat=55.4880, lon=28.7720, extra={"entrance": 1}
    )
    assert appeal.address == ""
    executor = person("roofer@example.org", RoleKind.EXECUTOR, organisation=appeal.organisation)
    client = Client()
    token = issue_api_client(city=appeal.city, name="app", user=executor).key
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    version = client.get(f"/api/v1/appeals/{appeal.pk}", **auth).json()["version"]
    client.post(
        f"/api/v1/appeals/{appeal.pk}/moves",
        json.dumps({"move": "start", "expected_version": version}),
        content_type="application/json",
        **auth,
    )
    answered = client.post(
        f"/api/v1/appeals/{appeal.pk}/answer",
        {"text": "<p>Кровлю отремонтировали.</p>", "files": [jpeg()]},
        **auth,
    )
    assert answered.status_code == 200, answered.content
    assert Appeal.objects.get(pk=appeal.pk).files.count() == 2

    sign_in(context, site, resident)
    page.goto(site.url + f"/my/appeals/{appeal.pk}/")
    expect(page.locator(".appeal-facts")).to_contain_text("рядом с адресом ул. Ленина, 11")
    text = page.get_by_role("region", name="Текст")
    expect(text.get_by_role("img")).to_have_count(1)  # the resident's own photo
    after = page.get_by_role("region", name="После работ: от исполнителя")
    expect(after.get_by_role("img", name="Фото после работ 1")).to_be_visible()
    expect(after.locator("figcaption")).to_contain_text("Фото после работ")
    screenshot(page, "my-appeal-address-and-after-photo-ru")
