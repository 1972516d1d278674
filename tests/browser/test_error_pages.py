"""A page outside one's role, or no page at all, is the site's plain page in the
person's language, on a phone, also in the demo's debug mode: never Django's
technical page with every URL pattern."""

import pytest
from playwright.sync_api import expect

from mycity.accounts.models import RoleKind
from tests.browser.test_my_appeals import sign_in
from tests.conftest import person

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def demo_mode(settings):
    settings.DEBUG = True


@pytest.mark.parametrize(
    ("language", "title"),
    [("ru", "Нет доступа."), ("be", "Няма доступу."), ("en", "No access.")],
)
def test_a_moderator_opening_the_reports_gets_a_plain_page(
    site, context, city, demo_mode, language, title
):
    moderator = person("moderator@example.org", RoleKind.MODERATOR, city=city)
    context.add_cookies([{"name": "mycity_language", "value": language, "url": site.url}])
    sign_in(context, site, moderator)
    # Not the `page` fixture, which takes any 4xx for a fault.
    page = context.new_page()
    page.set_viewport_size({"width": 320, "height": 640})
    response = page.goto(f"{site.url}/console/{city.slug}/reports/")
    assert response.status == 403
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    expect(page.locator("html")).to_have_attribute("lang", language)
    expect(page.get_by_text("URLconf")).to_have_count(0)


def test_a_city_administrator_on_a_page_that_does_not_exist(site, context, city, demo_mode):
    admin = person("admin@example.org", RoleKind.CITY_ADMIN, city=city)
    sign_in(context, site, admin)
    # Not the `page` fixture, which takes any 4xx for a fault.
    page = context.new_page()
    page.set_viewport_size({"width": 320, "height": 640})
    response = page.goto(f"{site.url}/console/{city.slug}/no-such-page/")
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Страница не найдена.")
    expect(page.get_by_text("URLconf")).to_have_count(0)
    expect(page.get_by_role("link", name="Открыть рабочее место")).to_be_visible()
