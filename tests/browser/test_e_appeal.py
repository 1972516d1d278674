"""A resident writes an e-appeal to the executive committee from a phone."""

import re

import pytest
from playwright.sync_api import expect

from mycity.appeals.models import Appeal
from tests.browser.test_my_appeals import sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_resident_files_an_e_appeal_and_is_told_its_number_and_term(
    site, page, context, city, resident, housing_question
):
    sign_in(context, site, resident)
    page.goto(site.url + "/polotsk/")
    page.get_by_role("link", name="Электронное обращение").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Электронное обращение в исполком")
    # The legal term is stated before anything is typed.
    expect(page.locator(".lead")).to_contain_text("15 дней")
    page.get_by_label("Тема").select_option(housing_question.slug)
    page.get_by_label("ФИО", exact=True).fill("Иванова Анна Петровна")
    page.get_by_label("Почтовый адрес").fill("211400, г. Полоцк, ул. Нижне-Покровская, 5, кв. 3")
    page.get_by_label("Электронная почта").fill("anna@example.org")
    page.get_by_label("Текст обращения").fill(
        "Прошу разъяснить порядок постановки на учёт нуждающихся в улучшении жилищных условий."
    )
    # Without the consent the browser itself holds the form back.
    page.get_by_role("button", name="Отправить обращение").click()
    assert page.get_by_label(re.compile("Я согласен")).evaluate("box => box.validity.valueMissing")
    assert not Appeal.objects.exists()

    page.get_by_label(re.compile("Я согласен")).check()
    page.get_by_role("button", name="Отправить обращение").click()
    appeal = Appeal.objects.get(applicant=resident)
    expect(page.get_by_role("status")).to_contain_text(appeal.number)
    expect(page.get_by_role("status")).to_contain_text("Срок ответа")
    assert (appeal.kind, appeal.is_public) == ("e_appeal", False)
    page.get_by_role("link", name="Мои обращения").first.click()
    expect(page.get_by_role("link", name=re.compile(appeal.number))).to_be_visible()
