"""Answers about a person carry `Cache-Control: private, no-store`, so no shared cache,
browser cache or service worker keeps them after the session ends; public answers to
anonymous readers stay cacheable."""

import pytest
from django.test import Client

from mycity.appeals.actions.api_keys import issue_api_client
from tests.appeal_fixtures import submit_report

pytestmark = pytest.mark.django_db
PRIVATE = "private, no-store"


@pytest.fixture
def signed_in(resident) -> Client:
    client = Client()
    client.force_login(resident)
    return client


def test_a_residents_own_pages_are_never_stored(signed_in, resident, street_light):
    appeal = submit_report(resident, street_light)
    for path in ("/my/appeals/", f"/my/appeals/{appeal.pk}/", "/my/data/", "/settings/"):
        response = signed_in.get(path)
        assert response.status_code == 200, path
        assert response["Cache-Control"] == PRIVATE, path


def test_the_copy_of_my_data_is_never_stored(signed_in):
    response = signed_in.post("/my/data/download")
    assert response["Cache-Control"] == PRIVATE


def test_a_public_page_seen_signed_in_is_never_stored(signed_in, city):
    # It names the resident in its header.
    response = signed_in.get("/polotsk/")
    assert response.status_code == 200
    assert response["Cache-Control"] == PRIVATE


def test_a_public_page_seen_anonymously_may_be_stored(client, city):
    response = client.get("/polotsk/")
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")


def test_the_console_is_never_stored(client, dispatcher, city):
    client.force_login(dispatcher)
    response = client.get("/console/polotsk/")
    assert response["Cache-Control"] == PRIVATE


def test_an_api_answer_to_a_personal_token_is_never_stored(client, resident, city):
    token = issue_api_client(city=city, name="Моё приложение", user=resident).key
    response = client.get("/api/v1/me/appeals", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 200
    assert response["Cache-Control"] == PRIVATE


def test_a_public_photo_fetched_signed_in_is_never_stored(signed_in, resident, street_light):
    from tests.appeal_fixtures import jpeg

    appeal = submit_report(resident, street_light, files=[jpeg()])
    photo = appeal.files.get()
    response = signed_in.get(f"/api/v1/appeals/{appeal.pk}/files/{photo.pk}")
    assert response.status_code == 200
    assert response["Cache-Control"] == PRIVATE
