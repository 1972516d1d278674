"""A new resident reports a problem from an empty browser, confirms their e-mail at the
end, and finds the report under "my appeals"."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from mycity.appeals.models import Appeal
from tests.browser.conftest import screenshot
from tests.browser.test_sign_in import code_in_last_mail

pytestmark = pytest.mark.django_db(transaction=True)


def small_jpeg() -> bytes:
    import io

    from PIL import Image

    photo = io.BytesIO()
    Image.new("RGB", (800, 600), (200, 90, 40)).save(photo, "JPEG")
    return photo.getvalue()


def tap_the_map(page) -> None:
    # Leaflet draws the map after the page's deferred scripts have run: a tap before
    # that lands on an empty box (on a busy machine it can take a moment).
    expect(page.locator(".report-map.leaflet-container")).to_have_count(1)
    page.locator(".report-map").click()


def test_a_new_resident_reports_a_problem_and_signs_up_at_the_end(
    site, page, city, street_light, tiles_asked
):
    page.goto(site.url + "/polotsk/")
    page.get_by_role("link", name="Сообщить о проблеме").click()
    page.get_by_label("Что случилось").select_option("street-light-out")
    tap_the_map(page)  # the pin goes where the map is tapped
    expect(page.locator("path.map-point-main")).to_have_count(1)
    assert page.locator("#id_lat").input_value()
    page.get_by_label("Опишите проблему").fill("Не горит фонарь у второго подъезда")
    page.locator("#id_photos").set_input_files(
        files=[{"name": "IMG_1.jpg", "mimeType": "image/jpeg", "buffer": small_jpeg()}]
    )
    page.get_by_label(re.compile("Я согласен")).check()
    page.get_by_role("button", name="Отправить сообщение").click()

    # Not signed in: the e-mail is confirmed now, and the form comes back as it was.
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    # allauth's link to sign up keeps ?next.
    page.get_by_role("link", name=re.compile("регистр", re.I)).first.click()
    page.get_by_label("Адрес электронной почты").fill("new.resident@example.org")
    page.get_by_role("button", name="Зарегистрируйтесь").click()
    page.get_by_label("Код").fill(code_in_last_mail())
    page.get_by_role("button", name="Подтвердить").click()
    expect(page).to_have_url(re.compile(r"/polotsk/report/"))
    expect(page.get_by_label("Опишите проблему")).to_have_value(
        "Не горит фонарь у второго подъезда"
    )
    expect(page.locator("#photos-kept")).to_contain_text("сохранены: 1")  # kept on the phone
    page.get_by_label(re.compile("Я согласен")).check()
    page.get_by_role("button", name="Отправить сообщение").click()

    expect(page.get_by_role("status")).to_contain_text("зарегистрировано")
    appeal = Appeal.objects.get(applicant__email="new.resident@example.org")
    assert appeal.files.count() == 1
    expect(page.get_by_role("heading", level=1)).to_contain_text(appeal.number)
    expect(page.get_by_role("status")).to_contain_text(appeal.number)
    page.get_by_role("link", name="Мои обращения").first.click()
    expect(page.get_by_role("link", name=re.compile(appeal.number))).to_be_visible()
    assert len(mail.outbox) >= 1


def test_the_map_of_reports_clusters_them_and_lists_the_same(
    site, page, city, resident, street_light, tiles_asked
):
    from tests.appeal_fixtures import submit_report

    reports = [submit_report(resident, street_light) for _ in range(3)]
    page.goto(site.url + "/polotsk/")
    page.get_by_role("link", name="Сообщения о проблемах").click()
    # Three reports at one spot: one cluster of three on the map.
    expect(page.locator(".marker-cluster")).to_have_count(1)
    expect(page.locator(".marker-cluster")).to_have_text("3")
    listed = page.locator(".appeal-list li")
    expect(listed).to_have_count(3)
    for report in reports:
        expect(page.get_by_text(report.number)).to_be_visible()
    assert resident.email not in page.content()


def test_a_big_photo_is_shrunk_in_the_browser_before_it_is_sent(
    site, page, context, city, resident, street_light, tiles_asked
):
    import io

    from PIL import Image

    from mycity.appeals.models import AppealFile
    from tests.browser.test_my_appeals import sign_in

    big = io.BytesIO()
    Image.new("RGB", (4000, 3000), (90, 140, 200)).save(big, "JPEG", quality=90)
    sign_in(context, site, resident)
    page.goto(site.url + "/polotsk/report/")
    page.get_by_label("Что случилось").select_option("street-light-out")
    tap_the_map(page)
    page.get_by_label("Опишите проблему").fill("Не горит фонарь")
    page.locator("#id_photos").set_input_files(
        files=[{"name": "IMG_0001.jpg", "mimeType": "image/jpeg", "buffer": big.getvalue()}]
    )
    page.get_by_label(re.compile("Я согласен")).check()
    page.get_by_role("button", name="Отправить сообщение").click()
    expect(page.get_by_role("status")).to_contain_text("зарегистрировано")
    photo = AppealFile.objects.get(appeal__applicant=resident)
    # The server keeps up to 2560 px: 1600 means the browser shrank it.
    assert (photo.width, photo.height) == (1600, 1200)


def test_a_category_is_found_by_words_in_russian_or_belarusian(site, page, city, street_light):
    from tests.factories import CategoryFactory

    street_light.name_ru, street_light.name_be = "Не горит фонарь", "Не гарыць ліхтар"
    street_light.save()
    CategoryFactory(city=city, slug="pothole", name_ru="Яма на дороге", name_be="Яма на дарозе")
    page.goto(site.url + "/polotsk/report/")
    search = page.get_by_label("Найти по словам")
    search.fill("фонари")  # another form of the word
    expect(page.get_by_label("Что случилось")).to_have_value("street-light-out")
    expect(page.locator("#category-search-status")).to_have_text("Найдено категорий: 1")
    search.fill("дарозе")
    expect(page.get_by_label("Что случилось")).to_have_value("pothole")
    search.fill("трамвай")
    expect(page.locator("#category-search-status")).to_contain_text("Ничего не найдено")


def test_a_category_is_found_by_the_words_residents_use_typos_and_all(
    site, page, city, street_light
):
    from tests.factories import CategoryFactory

    street_light.name_ru, street_light.name_be = "Не горит уличный фонарь", "Не гарыць ліхтар"
    street_light.save()
    CategoryFactory(city=city, slug="pothole", name_ru="Ямы на проезжей части")
    page.goto(site.url + "/polotsk/report/")
    search = page.get_by_label("Найти по словам")
    chosen = page.get_by_label("Что случилось")
    # The placeholder's own example, and the forms of it residents write.
    for words in ("яма", "яму", "ямы", "фонарями"):
        search.fill("")
        search.fill(words)
        expected = "street-light-out" if words == "фонарями" else "pothole"
        expect(chosen).to_have_value(expected)
        expect(page.locator("#category-search-status")).to_have_text("Найдено категорий: 1")
    # One letter wrong, missing or swapped.
    for typo in ("фанарь", "фонрь", "ямы на праезжей"):
        search.fill("")
        search.fill(typo)
        expect(page.locator("#category-search-status")).to_have_text("Найдено категорий: 1")
    screenshot(page, "report-category-search-ru")
    search.fill("сосульки")
    expect(page.locator("#category-search-status")).to_contain_text("Ничего не найдено")


def test_a_category_is_found_by_the_synonyms_the_city_lists(site, page, city):
    from mycity.appeals.actions.catalogue import upsert_category

    upsert_category(
        city=city,
        slug="pothole",
        names={"ru": "Ямы на проезжей части"},
        kind="problem",
        synonyms="выбоина, колдобина; дыра в асфальте",
    )
    page.goto(site.url + "/polotsk/report/")
    search = page.get_by_label("Найти по словам")
    for words in ("выбоина", "выбоину", "колдобины", "дыра в асфальте", "выбоена"):
        search.fill("")
        search.fill(words)
        expect(page.get_by_label("Что случилось")).to_have_value("pothole")


def test_photos_are_kept_when_the_form_comes_back_with_an_error(
    site, page, context, problems, city, resident, street_light, tiles_asked
):
    from mycity.appeals.models import AppealFile
    from tests.browser.test_my_appeals import sign_in

    sign_in(context, site, resident)
    page.goto(site.url + "/polotsk/report/")
    page.get_by_label("Что случилось").select_option("street-light-out")
    tap_the_map(page)
    page.get_by_label("Опишите проблему").fill("Не горит фонарь")
    page.locator("#id_photos").set_input_files(
        files=[
            {"name": f"IMG_{n}.jpg", "mimeType": "image/jpeg", "buffer": small_jpeg()}
            for n in (1, 2)
        ]
    )
    # The consent is forgotten: the form comes back with an error ...
    page.get_by_role("button", name="Отправить сообщение").click()
    expect(page.get_by_role("alert").first).to_be_visible()
    problems.items.clear()  # the 400 itself is the expected answer
    # ... and the photos are still chosen, and the resident is told so.
    expect(page.locator("#photos-kept")).to_have_text(
        "Фото с прошлой попытки сохранены: 2. Они будут отправлены вместе с сообщением."
    )
    assert page.locator("#id_photos").evaluate("box => box.files.length") == 2
    screenshot(page, "report-photos-kept-ru")
    page.get_by_label(re.compile("Я согласен")).check()
    page.get_by_role("button", name="Отправить сообщение").click()
    expect(page.get_by_role("status")).to_contain_text("зарегистрировано")
    assert AppealFile.objects.filter(appeal__applicant=resident).count() == 2
