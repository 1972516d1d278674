"""The purposes of processing in the personal-data notice, edited by the city's
administrator on the operator's page: each change publishes a new version."""

import pytest
from django.urls import reverse
from django.utils import translation

from mycity.accounts.models import RoleKind
from mycity.cities.errors import InvalidSetup
from mycity.core.models import SetupChange
from mycity.privacy.models import Operator, PrivacyNotice
from mycity.privacy.notice import notice_of
from mycity.setup.operator_notice import change_operator
from tests.conftest import person
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

OPERATOR = {
    "name_ru": "Полоцкий райисполком",
    "postal_address": "пл. Свободы, 1, Полоцк",
    "email": "",
    "phone": "",
    "name_be": "",
    "name_en": "",
    "responsible_person": "",
    "processors": "",
}
RECEPTION = "Запись на личный приём | ФИО, адрес, телефон | 5 лет | Закон об обращениях граждан"
RECEPTION_BE = (
    "Запіс на асабісты прыём | ПІБ, адрас, тэлефон | 5 гадоў | Закон аб зваротах грамадзян"
)
RECEPTION_EN = "Booking a personal reception | name, address, phone | 5 years | the Law on appeals"


def url(city):
    return reverse("console:operator_notice", kwargs={"slug": city.slug})


def test_the_administrator_changes_the_purposes_and_a_new_version_is_published(
    client, city_admin, city
):
    client.force_login(city_admin)
    response = client.post(
        url(city),
        {
            **OPERATOR,
            "purposes_ru": RECEPTION,
            "purposes_be": RECEPTION_BE,
            "purposes_en": RECEPTION_EN,
        },
    )
    assert response.status_code == 302
    notice = PrivacyNotice.objects.get(city=city)
    assert notice.snapshot["purposes"][0]["purpose"] == {
        "ru": "Запись на личный приём",
        "be": "Запіс на асабісты прыём",
        "en": "Booking a personal reception",
    }
    with translation.override("be"):
        shown = notice_of(city)
    assert shown.purposes[0].retention == "5 гадоў"
    row = SetupChange.objects.get(action="operator.saved")
    assert row.after["purposes"][0]["ground"]["ru"] == "Закон об обращениях граждан"


def test_the_page_offers_the_standard_purposes_and_saving_them_keeps_them_standard(
    client, city_admin, city
):
    client.force_login(city_admin)
    form = client.get(url(city)).context["form"]
    offered = {name: form.initial[name] for name in ("purposes_ru", "purposes_be", "purposes_en")}
    assert "|" in offered["purposes_ru"]
    client.post(url(city), {**OPERATOR, **offered})
    assert Operator.objects.get(city=city).purposes == []
    # A second change of something else is a new version; the purposes stay standard.
    client.post(url(city), {**OPERATOR, **offered, "phone": "+375 214 00-00-00"})
    assert PrivacyNotice.objects.filter(city=city).count() == 2
    assert Operator.objects.get(city=city).purposes == []


def test_a_line_without_four_parts_is_a_field_error_with_nothing_published(
    client, city_admin, city
):
    client.force_login(city_admin)
    response = client.post(url(city), {**OPERATOR, "purposes_ru": "Только цель | и данные"})
    assert response.status_code == 400
    assert response.context["form"].errors["purposes_ru"]
    assert not PrivacyNotice.objects.filter(city=city).exists()


def test_translations_must_match_the_russian_lines(client, city_admin, city):
    client.force_login(city_admin)
    response = client.post(
        url(city),
        {
            **OPERATOR,
            "purposes_ru": f"{RECEPTION}\n{RECEPTION}",
            "purposes_en": RECEPTION_EN,
        },
    )
    assert response.status_code == 400
    assert response.context["form"].errors["purposes_en"]
    assert not PrivacyNotice.objects.filter(city=city).exists()


def test_the_service_refuses_a_purpose_without_its_ground(city_admin, city):
    with pytest.raises(InvalidSetup) as refused:
        change_operator(
            actor=city_admin,
            city=city,
            values={
                "name_ru": "Исполком",
                "postal_address": "пл. Свободы, 1",
                "purposes": [{"purpose": "Цель", "categories": "ФИО", "retention": "5 лет"}],
            },
        )
    assert {d["field"] for d in refused.value.as_dict()["details"]} == {"purposes"}
    assert not Operator.objects.filter(city=city).exists()
    assert not PrivacyNotice.objects.filter(city=city).exists()


def test_another_citys_administrator_cannot_open_the_page(client, city, other_city):
    client.force_login(person("admin@orsha.example.org", RoleKind.CITY_ADMIN, city=other_city))
    assert client.get(url(city)).status_code == 404


def test_the_django_admin_no_longer_edits_the_purposes(client, city):
    operator = Operator.objects.create(city=city, name_ru="Исполком")
    superuser = UserFactory(email="root@example.org", is_staff=True, is_superuser=True)
    client.force_login(superuser)
    page = client.get(reverse("admin:privacy_operator_change", args=[operator.pk]))
    assert page.status_code == 200
    assert 'name="purposes"' not in page.content.decode()
