"""Browser specifications: Playwright for Python driving Debian's Chromium.

Never a downloaded browser: the executable is /usr/bin/chromium (CHROMIUM_PATH to
change it). Every test here is marked `browser`; `make test-browser` runs them.
"""

import io
import os
from collections.abc import Iterator
from contextlib import suppress
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from PIL import Image
from playwright.sync_api import (
    Browser,
    BrowserContext,
    Page,
    Playwright,
    Route,
    sync_playwright,
)
from playwright.sync_api import Error as PlaywrightError

from tests.factories import DistrictFactory, OrganisationFactory

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
# Without the background-networking flags Chromium keeps calling out to hosts that
# this closed network refuses.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
RESULTS = Path(__file__).resolve().parents[2] / "test-results"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install chromium")
    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    browser = playwright.chromium.launch(
        executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
    )
    yield browser
    browser.close()


@pytest.fixture
def profile_context(playwright: Playwright, tmp_path: Path) -> Iterator[BrowserContext]:
    """A browser with a profile on disk, as a resident's phone has: the contexts of
    `browser` are incognito, where Chromium never offers to install an app."""
    context = playwright.chromium.launch_persistent_context(
        tmp_path / "profile",
        executable_path=CHROMIUM,
        headless=True,
        args=CHROMIUM_ARGS,
        locale="ru-RU",
        viewport={"width": 390, "height": 844},
    )
    serve_map_tiles(context, [])
    yield context
    context.close()


class BrowserProblems:
    """Failed requests and console errors seen by a page; a test ends with none."""

    def __init__(self) -> None:
        self.items: list[str] = []

    def watch(self, page: Page) -> None:
        page.on("response", lambda r: r.status >= 400 and self.items.append(f"{r.status} {r.url}"))
        page.on("console", lambda m: m.type == "error" and self.items.append(f"console: {m.text}"))
        page.on("pageerror", lambda e: self.items.append(f"page error: {e}"))


@pytest.fixture
def browser_locale() -> str:
    return "ru-RU"


@pytest.fixture
def context(
    browser: Browser, browser_locale: str, tiles_asked: list[str]
) -> Iterator[BrowserContext]:
    context = browser.new_context(locale=browser_locale, viewport={"width": 390, "height": 844})
    serve_map_tiles(context, tiles_asked)
    yield context
    context.close()


@pytest.fixture
def tiles_asked() -> list[str]:
    """The map tiles the pages of a test asked for."""
    return []


def serve_map_tiles(context: BrowserContext, asked: list[str]) -> None:
    """Answer for the map tile server (there is no internet here) with a blank tile,
    and note what was asked; the pages cannot tell the difference."""
    tile = io.BytesIO()
    Image.new("RGB", (256, 256), (230, 230, 220)).save(tile, "PNG")
    host = urlsplit(settings.MAP_TILES_URL)

    def answer(route: Route) -> None:
        asked.append(route.request.url)
        route.fulfill(body=tile.getvalue(), content_type="image/png")

    context.route(f"{host.scheme}://{host.netloc}/**", answer)


@pytest.fixture
def problems() -> BrowserProblems:
    return BrowserProblems()


@pytest.fixture
def page(context: BrowserContext, problems: BrowserProblems) -> Iterator[Page]:
    page = context.new_page()
    problems.watch(page)
    yield page
    # Let the requests the page still has in flight (an htmx swap after the last check)
    # finish before the test's database is flushed: a live server thread still reading
    # leaves SQLite's tables locked for the flush, and the next test finds the rows.
    with suppress(PlaywrightError):
        page.wait_for_load_state("networkidle", timeout=5000)
    assert problems.items == [], problems.items


@pytest.fixture
def site(live_server, city, other_city):
    """Polotsk with districts and organisations, and Orsha in another region."""
    other_city.region = "minsk"
    other_city.save(update_fields=["region"])
    DistrictFactory(
        city=city,
        slug="centre",
        name_ru="Исторический центр",
        name_be="Гістарычны цэнтр",
        name_en="Historic Centre",
    )
    OrganisationFactory(
        city=city,
        slug="ispolkom",
        kind="department",
        name_ru="Полоцкий райисполком",
        name_be="Полацкі райвыканкам",
        name_en="Polotsk District Executive Committee",
        phone="+375 214 42-21-90",
    )
    OrganisationFactory(
        city=city,
        slug="vodokanal",
        name_ru="Водоканал",
        name_be="Вадаканал",
        name_en="Water Utility",
        phone="+375 214 42-45-86",
    )
    return live_server


def screenshot(page: Page, name: str) -> Path:
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


@pytest.fixture
def demo(settings, city):
    """The demo's staff of the city, who sign in through the demo page."""
    from mycity.accounts.models import RoleKind
    from tests.conftest import person

    settings.MYCITY_DEMO_SIGNIN = True
    roads = OrganisationFactory(
        city=city, slug="roads", name_en="Road Service", activities=["roads"]
    )
    return {
        "dispatcher": person("dispatcher@polotsk.example", RoleKind.DISPATCHER, city=city),
        "executor": person("executor@polotsk.example", RoleKind.EXECUTOR, organisation=roads),
        "moderator": person("moderator@polotsk.example", RoleKind.MODERATOR, city=city),
        "roads": roads,
    }


def htmx_settled(page: Page) -> None:
    """Wait until htmx has swapped, settled and wired the content it last brought: a
    control inside it answers events only after that (its `hx-*` attributes are read
    when the new content is processed)."""
    page.wait_for_function(
        "() => !document.querySelector("
        "'.htmx-request, .htmx-swapping, .htmx-settling, .htmx-added')"
    )


def sign_in_as(page: Page, site, role: str) -> None:
    page.goto(site.url + "/console/demo/")
    page.locator("form", has=page.locator(f"button[value='{role}']")).get_by_role(
        "button", name="Sign in"
    ).click()


def as_applicant(appeal) -> dict:
    """The appeal as its applicant reads it through the API."""
    from django.test import Client

    client = Client()
    client.force_login(appeal.applicant)
    return client.get(f"/api/v1/appeals/{appeal.pk}").json()
