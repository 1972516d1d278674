"""The notice before consent: public, in the reader's language, made from the operator's
fields; a consent ticked on a form is recorded against its version."""

import pytest
from django.test import Client
from django.urls import reverse

from mycity.privacy import services
from mycity.privacy.consents import record_consent
from mycity.privacy.models import ConsentRecord, Operator
from mycity.privacy.notice import current_version, notice_of


def test_the_notice_is_public_and_names_the_rights(client, city):
    page = client.get(f"/{city.slug}/privacy/", HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    text = page.content.decode()
    assert "The executive committee of Polotsk" in text
    assert "National Personal Data Protection Centre" in text
    assert "art. 10" in text and "art. 13" in text


def test_the_notice_shows_the_operators_fields(client, city):
    Operator.objects.create(
        city=city,
        name_ru="Полоцкий районный исполнительный комитет",
        name_en="Polotsk District Executive Committee",
        postal_address="211400, г. Полоцк, ул. Евфросинии Полоцкой, 4",
        email="ispolkom@polotsk.example",
        responsible_person="Петрова И. И., управляющий делами",
        processors=[{"name": "ООО «Хостинг»", "purpose": {"ru": "хранение", "en": "hosting"}}],
        retention_years=5,
    )
    client.cookies["mycity_language"] = "ru"
    text = client.get(f"/{city.slug}/privacy/").content.decode()
    assert "Полоцкий районный исполнительный комитет" in text
    assert "Петрова И. И." in text
    assert "ООО «Хостинг» — хранение" in text


def test_a_published_version_keeps_its_text(city, privacy_officer):
    operator = Operator.objects.create(city=city, name_ru="Старое имя")
    services.publish_notice(actor=privacy_officer, city=city, version="2026-02")
    operator.name_ru = "Новое имя"
    operator.save()
    assert current_version(city) == "2026-02"
    assert notice_of(city, "2026-02").operator_name == "Старое имя"
    assert notice_of(city, "1999-01") is None


def test_an_unknown_version_is_not_found(client, city):
    assert client.get(f"/{city.slug}/privacy/?version=1999-01").status_code == 404


def test_a_consent_is_recorded_once_per_version(resident, city):
    first = record_consent(user=resident, city=city)
    again = record_consent(user=resident, city=city)
    assert first == again
    assert ConsentRecord.objects.count() == 1


@pytest.fixture
def signed_in(resident) -> Client:
    client = Client()
    client.force_login(resident)
    return client


def test_the_report_form_links_the_notice_and_records_the_consent(
    signed_in, resident, city, street_light
):
    form = signed_in.get(f"/{city.slug}/report/").content.decode()
    assert f'href="/{city.slug}/privacy/"' in form
    response = signed_in.post(
        f"/{city.slug}/report/",
        {
            "category": street_light.slug,
            "lat": "55.4860",
            "lon": "28.7690",
            "description": "Не горит фонарь",
            "consent": "on",
            "key": "k-1",
        },
    )
    assert response.status_code == 302
    consent = ConsentRecord.objects.get(user=resident)
    assert (consent.city, consent.notice_version) == (city, current_version(city))


def test_the_e_appeal_form_records_the_consent(signed_in, resident, city, housing_question):
    assert (
        f'href="/{city.slug}/privacy/"' in signed_in.get(f"/{city.slug}/e-appeal/").content.decode()
    )
    response = signed_in.post(
        reverse("web:e_appeal", kwargs={"slug": city.slug}),
        {
            "category": housing_question.slug,
            "applicant_type": "person",
            "applicant_name": "Иванова Анна Петровна",
            "applicant_address": "211400, г. Полоцк, ул. Нижне-Покровская, 5",
            "applicant_email": "anna@example.org",
            "description": "Прошу разъяснить порядок.",
            "consent": "on",
            "key": "k-2",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert ConsentRecord.objects.filter(user=resident, city=city).count() == 1
