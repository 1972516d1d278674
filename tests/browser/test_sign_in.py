import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from tests.factories import BuildingFactory, StreetFactory

pytestmark = pytest.mark.django_db(transaction=True)


def code_in_last_mail() -> str:
    match = re.search(r"^\s*([A-Z0-9]{4}-[A-Z0-9]{4})\s*$", mail.outbox[-1].body, re.MULTILINE)
    assert match, mail.outbox[-1].body
    return match.group(1)


@pytest.mark.parametrize("browser_locale", ["be-BY"])
def test_a_resident_signs_up_by_code_and_saves_a_home_address(site, page, city):
    street = StreetFactory(city=city, name_ru="Нижне-Покровская", name_be="Ніжне-Пакроўская")
    BuildingFactory(street=street, number="5")
    page.goto(site.url + "/accounts/signup/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Зарэгістравацца")
    page.get_by_label("Электронная пошта").fill("anna@example.org")
    page.get_by_role("button", name="Зарэгістравацца").click()
    page.get_by_label("Код").fill(code_in_last_mail())
    page.get_by_role("button", name="Пацвердзіць").click()
    page.goto(site.url + "/settings/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Налады")
    page.get_by_label("Горад пражывання").select_option(label="Полацк")
    page.get_by_label("Хатні адрас").fill("Ніжне-Пакроўская 5")
    page.get_by_role("button", name="Захаваць").click()
    expect(page.get_by_label("Хатні адрас")).to_have_value("вул. Ніжне-Пакроўская, 5")
