"""An intake clerk registers a paper letter in the console."""

import pytest

from mycity.accounts.models import RoleKind
from mycity.appeals.models import Appeal
from tests.appeals.test_uploads import pdf as blank_pdf
from tests.conftest import person

pytestmark = pytest.mark.django_db


@pytest.fixture
def clerk(city):
    return person("intake@example.org", RoleKind.INTAKE, city=city)


def filled(department, category, **values):
    return {
        "channel": "post",
        "received_at": "2026-04-19T12:00",
        "registrar": department.pk,
        "category": category.slug,
        "applicant_type": "person",
        "applicant_name": "Иванова Анна Петровна",
        "applicant_address": "211400, г. Полоцк, ул. Нижне-Покровская, 5, кв. 3",
        "description": "Прошу разъяснить порядок постановки на учёт.",
        "source_number": "",
    } | values


def test_a_clerk_lands_on_intake_and_registers_a_letter_with_a_scan(
    client, clerk, city, department, housing_question
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(clerk)
    assert client.get("/console/").url == "/console/polotsk/intake/"
    scan = SimpleUploadedFile("letter.pdf", blank_pdf(), content_type="application/pdf")
    response = client.post(
        "/console/polotsk/intake/", filled(department, housing_question) | {"scans": [scan]}
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    appeal = Appeal.objects.get()
    assert appeal.registration_number and appeal.files.count() == 1
    page = client.get(response.url).content.decode()
    assert appeal.registration_number in page and "22.04.2026" in page


def test_a_letter_without_an_address_comes_back_with_the_mistake(
    client, clerk, department, housing_question
):
    client.force_login(clerk)
    response = client.post(
        "/console/polotsk/intake/", filled(department, housing_question, applicant_address="")
    )
    assert response.status_code == 400
    assert not Appeal.objects.exists()


def test_a_resident_or_an_editor_cannot_register(client, resident, editor):
    client.force_login(editor)
    assert client.get("/console/polotsk/intake/").status_code == 403
    client.force_login(resident)
    assert client.get("/console/polotsk/intake/").status_code == 404
