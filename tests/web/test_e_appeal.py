"""An e-appeal from the browser: the law's fields, the consent, the legal term."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from mycity.appeals.models import Appeal

pytestmark = pytest.mark.django_db


def form_url(city):
    return reverse("web:e_appeal", kwargs={"slug": city.slug})


def filled(category, **values):
    return {
        "category": category.slug,
        "addressee": "",
        "applicant_type": "person",
        "applicant_name": "Иванова Анна Петровна",
        "applicant_address": "211400, г. Полоцк, ул. Нижне-Покровская, 5, кв. 3",
        "applicant_email": "anna@example.org",
        "description": "Прошу разъяснить порядок постановки на учёт нуждающихся в жилье.",
        "consent": "on",
        "key": "e-1",
    } | values


def test_the_form_asks_for_sign_in_first(client, city):
    response = client.get(form_url(city))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_form_states_the_legal_term(client, resident, city, housing_question):
    client.force_login(resident)
    page = client.get(form_url(city)).content.decode()
    assert "15" in page and "Об обращениях граждан и юридических лиц" in page
    assert f'value="{housing_question.slug}"' in page


def test_a_person_files_an_e_appeal_with_a_pdf(client, resident, city, housing_question):
    from tests.appeals.test_uploads import pdf as blank_pdf

    pdf = SimpleUploadedFile("letter.pdf", blank_pdf(), content_type="application/pdf")
    client.force_login(resident)
    response = client.post(form_url(city), filled(housing_question) | {"attachments": [pdf]})
    page = response.content.decode()
    assert response.status_code == 302, page[page.find("<main") :][:1500]
    appeal = Appeal.objects.get(applicant=resident)
    assert (appeal.kind, appeal.is_public, appeal.applicant_name) == (
        "e_appeal",
        False,
        "Иванова Анна Петровна",
    )
    assert appeal.files.count() == 1


def test_a_legal_entity_must_name_its_signatory(client, resident, city, housing_question):
    client.force_login(resident)
    response = client.post(
        form_url(city),
        filled(housing_question, applicant_type="legal_entity", legal_name="ООО «Ромашка»"),
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert page.count('class="errorlist') >= 2  # the registration number and the signatory
    assert not Appeal.objects.exists()


def test_a_name_without_a_surname_is_refused(client, resident, city, housing_question):
    client.force_login(resident)
    response = client.post(form_url(city), filled(housing_question, applicant_name="Анна"))
    assert response.status_code == 400
    assert not Appeal.objects.exists()
