"""A resident learns of an outage on the home page and checks whether it affects their
address."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from mycity.content.services import AddressLine, NoticeDraft, publish_notice, save_notice
from tests.factories import BuildingFactory, StreetFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_resident_checks_whether_an_outage_affects_their_address(site, page, city, editor):
    street = StreetFactory(city=city, name_ru="Нижне-Покровская", name_be="Ніжне-Пакроўская")
    for number in range(1, 11):
        BuildingFactory(street=street, number=str(number))
    start = timezone.now() + timedelta(days=1)
    notice = save_notice(
        actor=editor,
        city=city,
        draft=NoticeDraft(
            kind="hot_water",
            title={"ru": "Отключение горячей воды"},
            starts_at=start,
            ends_at=start + timedelta(hours=8),
            addresses=[AddressLine(street_id=street.pk, number_from=1, number_to=6)],
        ),
    )
    publish_notice(actor=editor, notice=notice)

    page.goto(site.url + "/polotsk/")
    expect(page.get_by_role("link", name="Отключение горячей воды")).to_be_visible()
    page.get_by_role("link", name=re.compile("Все отключения и работы")).click()
    page.get_by_label("Ваш адрес").fill("Нижне-Покровская 5")
    page.get_by_role("button", name="Проверить").click()
    result = page.get_by_role("status")
    expect(result).to_contain_text("этого адреса касается 1 объявление")
    expect(result.get_by_role("link", name="Отключение горячей воды")).to_be_visible()

    page.get_by_label("Ваш адрес").fill("Нижне-Покровская 9")
    page.get_by_role("button", name="Проверить").click()
    expect(page.get_by_role("status")).to_contain_text("не объявлено")

    page.get_by_role("link", name="Отключение горячей воды").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Отключение горячей воды")
    expect(page.get_by_text("Нижне-Покровская, 1–6")).to_be_visible()
