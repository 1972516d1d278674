"""Addresses as residents write them, and the registry's addresses suggested while they
type (an ARIA 1.2 combobox used from the keyboard)."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from mycity.appeals.models import Appeal
from mycity.content.services import AddressLine, NoticeDraft, publish_notice, save_notice
from tests.browser.conftest import screenshot
from tests.browser.test_my_appeals import sign_in
from tests.factories import BuildingFactory, StreetFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def registry(city):
    lenina = StreetFactory(city=city, name_ru="Ленина", name_be="Леніна", name_en="Lenina")
    pokrovskaya = StreetFactory(city=city, name_ru="Нижне-Покровская", name_be="Ніжне-Пакроўская")
    skoriny = StreetFactory(
        city=city, kind="avenue", name_ru="Франциска Скорины", name_be="Францыска Скарыны"
    )
    for street in (lenina, pokrovskaya, skoriny):
        for number in ("5", "10", "11", "11к2"):
            BuildingFactory(street=street, number=number)
    return {"lenina": lenina, "pokrovskaya": pokrovskaya, "skoriny": skoriny}


def report_at(page, address: str) -> None:
    page.get_by_label("Что случилось").select_option("street-light-out")
    page.get_by_label("Адрес", exact=True).fill(address)
    page.get_by_label("Опишите проблему").fill("Не горит фонарь")
    page.get_by_label(re.compile("Я согласен")).check()
    page.get_by_role("button", name="Отправить сообщение").click()


@pytest.mark.parametrize(
    ("address", "building"),
    [
        ("ул. Ленина, д. 11, корп. 2", ("lenina", "11к2")),
        ("Нижне-Покровская ул., 5", ("pokrovskaya", "5")),
        ("пр-т Францыска Скарыны 10", ("skoriny", "10")),
    ],
)
def test_a_report_takes_an_address_as_people_write_it(
    site, page, context, city, resident, street_light, registry, address, building
):
    sign_in(context, site, resident)
    page.goto(site.url + "/polotsk/report/")
    report_at(page, address)
    expect(page.get_by_role("status")).to_contain_text("зарегистрировано")
    appeal = Appeal.objects.get(applicant=resident)
    street, number = building
    assert (appeal.building.street, appeal.building.number) == (registry[street], number)


def test_the_registry_suggests_addresses_and_the_keyboard_takes_one(
    site, page, context, city, resident, street_light, registry
):
    sign_in(context, site, resident)
    page.goto(site.url + "/polotsk/report/")
    box = page.get_by_role("combobox", name="Адрес")
    box.press_sequentially("Лен")
    suggestions = page.get_by_role("listbox", name="Адреса из реестра города")
    expect(box).to_have_attribute("aria-expanded", "true")
    expect(suggestions.get_by_role("option")).to_have_text(["ул. Ленина"])
    box.press("ArrowDown")
    expect(suggestions.get_by_role("option").first).to_have_attribute("aria-selected", "true")
    box.press("Enter")  # takes the street; the form is not sent
    expect(box).to_have_value("ул. Ленина, ")
    box.press_sequentially("11")
    expect(suggestions.get_by_role("option")).to_have_text(["ул. Ленина, 11", "ул. Ленина, 11к2"])
    screenshot(page, "report-address-suggestions-ru")
    box.press("ArrowUp")  # from the box, Up goes to the last one
    expect(box).to_have_attribute(
        "aria-activedescendant", suggestions.get_by_role("option").last.get_attribute("id")
    )
    box.press("Enter")
    expect(box).to_have_value("ул. Ленина, 11к2")
    expect(box).to_have_attribute("aria-expanded", "false")
    box.press_sequentially(" ")
    box.press("Escape")
    expect(suggestions).to_be_hidden()

    page.get_by_label("Что случилось").select_option("street-light-out")
    page.get_by_label("Опишите проблему").fill("Не горит фонарь")
    page.get_by_label(re.compile("Я согласен")).check()
    page.get_by_role("button", name="Отправить сообщение").click()
    expect(page.get_by_role("status")).to_contain_text("зарегистрировано")
    assert Appeal.objects.get(applicant=resident).building.number == "11к2"


def test_the_outage_check_reads_an_address_as_people_write_it(site, page, city, editor, registry):
    start = timezone.now() + timedelta(days=1)
    notice = save_notice(
        actor=editor,
        city=city,
        draft=NoticeDraft(
            kind="hot_water",
            title={"ru": "Отключение горячей воды"},
            starts_at=start,
            ends_at=start + timedelta(hours=8),
            addresses=[
                AddressLine(street_id=registry["pokrovskaya"].pk, number_from=1, number_to=6)
            ],
        ),
    )
    publish_notice(actor=editor, notice=notice)
    page.goto(site.url + "/polotsk/notices/")
    page.get_by_role("combobox", name="Ваш адрес").fill("Нижне-Покровская ул., д. 5")
    page.get_by_role("button", name="Проверить").click()
    expect(page.get_by_role("status")).to_contain_text("этого адреса касается 1 объявление")


def test_without_javascript_the_address_is_a_plain_box_that_still_works(
    browser, site, city, resident, street_light, registry
):
    context = browser.new_context(
        locale="ru-RU", viewport={"width": 390, "height": 844}, java_script_enabled=False
    )
    page = context.new_page()
    sign_in(context, site, resident)
    page.goto(site.url + "/polotsk/report/")
    expect(page.get_by_role("combobox")).to_have_count(1)  # only the categories' select
    report_at(page, "вул. Леніна, д. 11")
    expect(page.get_by_role("status")).to_contain_text("зарегистрировано")
    assert Appeal.objects.get(applicant=resident).building.number == "11"
    context.close()
