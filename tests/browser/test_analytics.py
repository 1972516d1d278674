"""The analytics in a real browser: a ministry's official signs in with one click and
reads the cities side by side; the mayor's dashboard fits a 320 px phone and draws
the heat map from the server's cells."""

from datetime import timedelta

import pytest
from django.utils import timezone

from mycity.analytics.aggregation import today_in, write_days
from mycity.analytics.models import Observer
from mycity.appeals.models import Category
from tests.analytics.conftest import make_appeal
from tests.appeal_fixtures import INSIDE
from tests.browser.conftest import screenshot, sign_in_as
from tests.conftest import person
from tests.factories import CategoryFactory

pytestmark = pytest.mark.browser


@pytest.fixture
def browser_locale() -> str:
    return "en-GB"


@pytest.fixture
def figures(site, city, settings):
    settings.MYCITY_DEMO_SIGNIN = True
    lights: Category = CategoryFactory(city=city, slug="lights", name_en="Street lights")
    yesterday = today_in(city) - timedelta(days=1)
    for n in range(12):
        make_appeal(
            city, f"2026-{n:05d}", lights, timezone.now() - timedelta(days=1, hours=n % 5),
            yesterday, lat=INSIDE[0], lon=INSIDE[1],
        )  # fmt: skip
    write_days(city=city, first=yesterday - timedelta(days=30), last=yesterday)
    ministry = person("ministry@polotsk.example", None)
    Observer.objects.create(user=ministry, kind="ministry")
    mayor = person("mayor@polotsk.example", None)
    Observer.objects.create(user=mayor, kind="mayor", city=city)
    return site


def test_a_ministry_official_reads_the_cities_side_by_side(page, figures):
    sign_in_as(page, figures, "ministry")
    page.wait_for_url("**/console/analytics/cities/")
    table = page.locator("#table-cities table")
    assert "12" in table.locator("tr[data-key='polotsk']").inner_text()
    assert "Orsha" in table.inner_text() or "Орша" in table.inner_text()
    screenshot(page, "analytics-cities")


def test_the_mayors_dashboard_fits_a_phone_and_draws_the_heat_map(page, figures, tiles_asked):
    page.set_viewport_size({"width": 320, "height": 800})
    sign_in_as(page, figures, "mayor")
    page.goto(figures.url + "/console/analytics/polotsk/")
    page.locator(".heat-map path.leaflet-interactive").first.wait_for()
    wide = page.evaluate(
        "[...document.querySelectorAll('body *')]"
        ".filter(e => e.getBoundingClientRect().right > 321)"
        ".map(e => e.tagName + '.' + e.className).slice(0, 8)"
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= 320, wide
    assert page.locator("svg.chart rect").count() >= 1
    assert tiles_asked
    screenshot(page, "analytics-city-320")
