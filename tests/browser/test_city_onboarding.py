"""A new city sets itself up from the console, on a phone: Novopolotsk's administrator
imports addresses, imports a district, copies Polotsk's categories, draws a service
area, invites a dispatcher and an executor, sets a reception schedule with a preview,
completes the checklist and goes live; a resident then files a report there that
reaches the right executor."""

import json
import re

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

from mycity.accounts.models import Role, RoleKind
from mycity.appeals.models import Appeal
from mycity.cities.models import City, Organisation
from mycity.privacy.models import PrivacyNotice
from mycity.reception.models import Official, ReceptionRule
from tests.browser.conftest import screenshot
from tests.conftest import person
from tests.factories import CityFactory, square

pytestmark = pytest.mark.django_db(transaction=True)

LAT, LON = 55.5319, 28.5987  # Novopolotsk's centre
ADDRESSES = (
    "street_ru,number,lat,lon\n"
    f"улица Молодёжная,1,{LAT + 0.002},{LON + 0.002}\n"
    f"улица Молодёжная,3,{LAT + 0.003},{LON + 0.003}\n"
    f"улица Молодёжная,5,{LAT + 0.004},{LON + 0.004}\n"
)


def sign_in(context, site, user) -> None:
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": site.url}])


@pytest.fixture
def novopolotsk(db) -> City:
    """A pilot city with its centre and boundary only."""
    city = CityFactory(
        slug="novopolotsk",
        name_ru="Новополоцк",
        name_be="Наваполацк",
        name_en="Novopolotsk",
        centre_lat=LAT,
        centre_lon=LON,
    )
    return city


def fits_the_screen(page) -> None:
    wide = page.evaluate(
        "[...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right"
        " > window.innerWidth + 1).map(e => e.tagName + '.' + e.className + ' ' +"
        " (e.textContent || '').slice(0, 40))"
    )
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), wide


def test_novopolotsk_goes_live_from_the_console(
    site, context, page, problems, city, street_light, novopolotsk, resident
):
    page.set_viewport_size({"width": 320, "height": 740})
    admin = person("admin@novopolotsk.example", RoleKind.CITY_ADMIN, city=novopolotsk)
    sign_in(context, site, admin)
    console = f"{site.url}/console/novopolotsk"

    page.goto(site.url + "/console/")
    expect(page.locator("#check-districts")).to_contain_text("не сделано")
    fits_the_screen(page)

    # The address registry.
    page.goto(console + "/addresses/")
    page.locator("input[name=file]").set_input_files(
        files=[{"name": "novopolotsk.csv", "mimeType": "text/csv", "buffer": ADDRESSES.encode()}]
    )
    page.get_by_role("button", name="Импортировать").click()
    expect(page.locator("#added")).to_have_text("3")

    # A district from a GeoJSON file.
    page.goto(console + "/districts/new")
    page.locator("input[name=name_ru]").fill("Центр")
    page.locator("input[name=slug]").fill("centre")
    district = {"type": "Feature", "properties": {}, "geometry": square(LAT, LON, 0.02)}
    page.locator("input[name=boundary_file]").set_input_files(
        files=[
            {
                "name": "centre.geojson",
                "mimeType": "application/geo+json",
                "buffer": json.dumps(district).encode(),
            }
        ]
    )
    page.get_by_role("button", name="Сохранить").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Центр")

    # Polotsk's catalogue.
    page.goto(console + "/setup/copy")
    page.locator("select[name=source]").select_option("polotsk")
    page.get_by_role("button", name="Скопировать", exact=True).click()
    expect(page.get_by_role("status").first).to_contain_text("Скопировано")

    # The street lighting service's area, drawn over the whole city with Geoman.
    lighting = Organisation.objects.get(city=novopolotsk, slug="gorsvet")
    page.goto(f"{console}/organisations/{lighting.pk}/")
    page.locator("input[name=city_wide]").uncheck()
    expect(page.locator(".leaflet-pm-icon-rectangle")).to_be_visible()
    page.locator(".leaflet-pm-icon-rectangle").click()
    box = page.locator(".area-map").bounding_box()
    page.mouse.click(box["x"] + box["width"] - 4, box["y"] + 4)
    page.mouse.click(box["x"] + 4, box["y"] + box["height"] - 24)
    expect(page.locator("textarea[name=service_area]")).not_to_have_value("")
    page.get_by_role("button", name="Проверить пробелы и пересечения").click()
    expect(page.locator("table.coverage tr.incomplete")).to_have_count(0)
    page.get_by_role("button", name="Сохранить").click()
    lighting.refresh_from_db()
    assert lighting.service_area is not None

    # A dispatcher and an executor of the lighting service.
    page.goto(console + "/people/")
    page.locator("input[name=email]").fill("dispatcher@novopolotsk.example")
    page.locator("select[name=kind]").select_option("dispatcher")
    page.get_by_role("button", name="Пригласить").click()
    page.goto(console + "/people/")
    page.locator("input[name=email]").fill("electrician@novopolotsk.example")
    page.locator("select[name=kind]").select_option("executor")
    page.locator("select[name=organisation]").select_option("gorsvet")
    page.get_by_role("button", name="Пригласить").click()
    assert Role.objects.filter(city=novopolotsk, kind=RoleKind.EXECUTOR).count() == 1

    # The operator's personal-data notice, published by the administrator.
    page.goto(console + "/settings/notice")
    page.get_by_role("button", name="Сохранить и опубликовать").click()
    expect(page.locator(".errorlist").first).to_be_visible()
    problems.items.clear()  # the 400 itself is the expected answer
    page.locator("input[name=name_ru]").fill("Новополоцкий горисполком")
    page.locator("input[name=postal_address]").fill("ул. Молодёжная, 1")
    page.get_by_role("button", name="Сохранить и опубликовать").click()
    expect(page.get_by_role("status").first).to_contain_text("опубликована")
    fits_the_screen(page)
    screenshot(page, "city-operator-notice")
    assert PrivacyNotice.objects.filter(city=novopolotsk).count() == 1

    # The head of the lighting service receives citizens every Tuesday.
    page.goto(console + "/settings/receptions/")
    page.get_by_text("Добавить должностное лицо").click()
    page.locator("select[name=official-organisation]").select_option(str(lighting.pk))
    page.locator("input[name=official-full_name]").fill("Ковалёв Андрей Петрович")
    page.locator("input[name=official-position]").fill("Начальник")
    page.get_by_role("button", name="Добавить", exact=True).click()
    expect(page.get_by_role("status").first).to_contain_text("добавлен")
    page.get_by_role("link", name="Добавить часы приёма").first.click()
    official = Official.objects.get(organisation=lighting)
    page.locator("select[name=official]").select_option(str(official.pk))
    page.locator("select[name=repeat]").select_option("weekly")
    page.locator("select[name=weekday]").select_option("1")
    page.locator("input[name=starts_at]").fill("10:00")
    page.locator("input[name=ends_at]").fill("13:00")
    page.locator("input[name=place]").fill("ул. Молодёжная, 1, каб. 5")
    page.get_by_role("button", name="Предпросмотр").click()
    expect(page.locator("#preview tbody tr").first).to_contain_text("10:00")
    fits_the_screen(page)
    screenshot(page, "city-reception-preview")
    page.get_by_role("button", name="Сохранить").click()
    expect(page.get_by_role("status").first).to_contain_text("Часы приёма сохранены")
    assert ReceptionRule.objects.filter(official__organisation=lighting, weekday=1).count() == 1

    page.goto(console + "/setup/")
    expect(page.locator(".checklist li.missing")).to_have_count(0)
    page.get_by_role("button", name="Начать работу").click()
    expect(page.get_by_text("Город работает с")).to_be_visible()
    fits_the_screen(page)
    screenshot(page, "city-onboarding-live")

    # A resident's report there reaches Novopolotsk's street lighting service.
    resident_context = page.context.browser.new_context(
        locale="ru-RU", viewport={"width": 320, "height": 740}
    )
    try:
        sign_in(resident_context, site, resident)
        report = resident_context.new_page()
        report.goto(site.url + "/novopolotsk/report/")
        report.get_by_label("Что случилось").select_option("street-light-out")
        expect(report.locator(".report-map.leaflet-container")).to_have_count(1)
        report.locator(".report-map").click()
        report.get_by_label("Опишите проблему").fill("Не горит фонарь у дома 3")
        report.get_by_label(re.compile("Я согласен")).check()
        report.get_by_role("button", name="Отправить сообщение").click()
        expect(report.get_by_role("status")).to_contain_text("зарегистрировано")
    finally:
        resident_context.close()
    appeal = Appeal.objects.get(city=novopolotsk)
    assert appeal.organisation == lighting
