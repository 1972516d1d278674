"""A resident writes an e-appeal to the executive committee from a phone."""

import re

import pytest
from playwright.sync_api import expect

from mycity.appeals.models import Appeal
from tests.browser.conftest import screenshot
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
    page.get_by_label("Тема", exact=True).select_option(housing_question.slug)
    page.get_by_role("textbox", name="ФИО", exact=True).fill("Иванова Анна Петровна")
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


def test_the_organisation_fields_show_only_for_a_legal_entity_and_its_unp_is_checked(
    site, page, context, problems, city, resident, housing_question
):
    sign_in(context, site, resident)
    page.goto(site.url + "/polotsk/e-appeal/")
    organisation = page.get_by_label("Наименование организации")
    expect(organisation).to_be_hidden()  # a person is chosen
    expect(page.get_by_role("textbox", name="ФИО", exact=True)).to_be_visible()
    page.get_by_label("Юридическое лицо").check()
    expect(organisation).to_be_visible()
    # For a legal entity the form says whose name it asks.
    expect(page.get_by_role("textbox", name="ФИО представителя организации")).to_be_visible()

    page.get_by_label("Тема", exact=True).select_option(housing_question.slug)
    page.get_by_role("textbox", name="ФИО представителя организации").fill("Петров Пётр Петрович")
    page.get_by_label("Почтовый адрес").fill("211400, г. Полоцк, ул. Ленина, 1")
    organisation.fill("ООО «Полоцкий хлеб»")
    page.get_by_label("Учётный номер плательщика (УНП)").fill("391234567")  # check digit 6
    page.get_by_label(re.compile("Подписывает")).fill("Директор Петров П. П.")
    page.get_by_label("Текст обращения").fill("Прошу разъяснить порядок аренды помещения.")
    page.get_by_label(re.compile("Я согласен")).check()
    page.get_by_role("button", name="Отправить обращение").click()
    # The error sits under the field it concerns.
    error = page.locator("#id_legal_reg_number + small + .errorlist")
    expect(error).to_have_text("УНП не сходится по контрольной цифре: проверьте цифры.")
    screenshot(page, "e-appeal-legal-entity-unp-error-ru")
    expect(page.get_by_label("Учётный номер плательщика (УНП)")).to_have_attribute(
        "aria-describedby", re.compile("id_legal_reg_number_error")
    )
    problems.items.clear()  # the 400 itself is the expected answer
    assert not Appeal.objects.exists()
    page.get_by_label("Учётный номер плательщика (УНП)").fill("391234566")
    page.get_by_label(re.compile("Я согласен")).check()
    page.get_by_role("button", name="Отправить обращение").click()
    expect(page.get_by_role("status")).to_contain_text("зарегистрировано")
    assert Appeal.objects.get(applicant=resident).legal_reg_number == "391234566"


def test_the_form_says_what_the_law_says_of_the_national_e_appeals_system(
    site, page, context, city, resident, housing_question
):
    sign_in(context, site, resident)
    page.goto(site.url + "/polotsk/e-appeal/")
    law = page.get_by_role("region", name="Эта форма и единая система электронных обращений")
    expect(law).to_contain_text("единую республиканскую систему электронных обращений")
    expect(law).to_contain_text("№ 300-З в редакции 2022 года")
    expect(law).to_contain_text("канал приложения «Мой город» в городе Полоцк")


def test_a_long_text_is_not_cut_it_is_counted_and_refused_with_the_text_kept(
    site, page, context, problems, city, resident, street_light, tiles_asked
):
    from tests.browser.test_report import tap_the_map

    sign_in(context, site, resident)
    page.goto(site.url + "/polotsk/report/")
    text = page.get_by_label("Опишите проблему")
    expect(page.locator("#id_description_count")).to_have_text("Символов: 0 из 5000.")
    text.focus()
    page.keyboard.insert_text("а" * 5003)  # as a paste
    assert len(text.input_value()) == 5003  # nothing cut
    expect(page.locator("#id_description_count")).to_have_text(
        "Символов: 5003 из 5000: лишних 3, сократите текст."
    )
    page.get_by_label("Что случилось").select_option("street-light-out")
    tap_the_map(page)
    page.get_by_label(re.compile("Я согласен")).check()
    page.get_by_role("button", name="Отправить сообщение").click()
    expect(page.locator("#id_description_error")).to_contain_text("5000")
    problems.items.clear()  # the 400 itself is the expected answer
    assert len(page.get_by_label("Опишите проблему").input_value()) == 5003
