"""Intake through the API: an intake clerk's system registers letters with their scans,
as the console's intake page does."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from mycity.appeals.models import Appeal, Channel
from tests.appeals.test_uploads import pdf as blank_pdf
from tests.conftest import bearer

pytestmark = pytest.mark.django_db

URL = "/api/v1/cities/polotsk/intake"


def filled(department, category, **values):
    return {
        "channel": "post",
        "received_at": "2026-04-19T12:00:00+03:00",
        "registrar": department.slug,
        "category": category.slug,
        "applicant_name": "Иванова Анна Петровна",
        "applicant_address": "211400, г. Полоцк, ул. Нижне-Покровская, 5, кв. 3",
        "description": "Прошу разъяснить порядок постановки на учёт.",
    } | values


def test_a_clerk_registers_a_letter_with_a_scan_by_token(
    client, city, clerk, department, housing_question
):
    scan = SimpleUploadedFile("letter.pdf", blank_pdf(), content_type="application/pdf")
    response = client.post(
        URL, filled(department, housing_question) | {"scans": [scan]}, **bearer(clerk, city)
    )
    assert response.status_code == 201, response.content
    body = response.json()
    appeal = Appeal.objects.get()
    assert body["registration_number"] == appeal.registration_number
    # Received on Sunday 19 April 2026; the 20th is a day off moved from the 25th and
    # the 21st is Radunitsa: registered on the next working day.
    assert body["registered_on"] == "2026-04-22"
    assert appeal.channel == Channel.POST and appeal.files.count() == 1
    assert appeal.applicant is None


def test_the_same_source_number_registers_once(client, city, clerk, department, housing_question):
    values = filled(department, housing_question, source_number="01-15/204")
    first = client.post(URL, values, **bearer(clerk, city))
    again = client.post(URL, values, **bearer(clerk, city))
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["id"] == first.json()["id"] and again.json()["replayed"] is True
    assert Appeal.objects.count() == 1


def test_a_letter_without_an_address_is_refused_with_the_field(
    client, city, clerk, department, housing_question
):
    response = client.post(
        URL, filled(department, housing_question, applicant_address=""), **bearer(clerk, city)
    )
    assert response.status_code == 400
    assert "applicant_address" in {d["field"] for d in response.json()["details"]}
    unknown = client.post(
        URL, filled(department, housing_question, registrar="nowhere"), **bearer(clerk, city)
    )
    assert unknown.status_code == 400
    assert unknown.json()["details"][0]["field"] == "registrar"
    wrong_channel = client.post(
        URL, filled(department, housing_question, channel="web"), **bearer(clerk, city)
    )
    assert wrong_channel.status_code == 400
    assert wrong_channel.json()["details"][0]["field"] == "channel"
    assert not Appeal.objects.exists()


def test_only_intake_clerks_register_letters(
    client, city, other_city, executor, department, housing_question
):
    assert client.post(URL, filled(department, housing_question)).status_code == 401
    response = client.post(URL, filled(department, housing_question), **bearer(executor, city))
    assert response.status_code == 403
    from mycity.accounts.models import RoleKind
    from tests.conftest import person

    stranger = person("intake@orsha.example.org", RoleKind.INTAKE, city=other_city)
    # A token acts in its own city only.
    elsewhere = client.post(
        URL, filled(department, housing_question), **bearer(stranger, other_city)
    )
    assert elsewhere.status_code == 403
    assert not Appeal.objects.exists()


def test_a_token_without_the_staff_scope_is_refused(
    client, city, clerk, department, housing_question
):
    response = client.post(
        URL, filled(department, housing_question), **bearer(clerk, city, "resident")
    )
    assert response.status_code == 403 and response.json()["code"] == "missing_scope"
