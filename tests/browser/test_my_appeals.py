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
