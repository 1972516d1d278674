"""Request bodies are limited per endpoint before anything reads them, and a body the
parser refuses (too large, too many fields or files) is a 413 or 400 in the shape of the
face that was asked: the API's error body, Open311's list of errors, a page otherwise."""

import xml.etree.ElementTree as ET

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from mycity.appeals.actions.api_keys import issue_api_client
from mycity.appeals.limits import MAX_ATTACHMENTS, MAX_PHOTOS
from mycity.appeals.models import Appeal
from mycity.appeals.uploads import MAX_FILE_BYTES
from mycity.core.request_limits import body_limit_for
from tests.appeal_fixtures import INSIDE

pytestmark = pytest.mark.django_db

MB = 1024 * 1024
HUGE = 3 * 1024 * MB


class Tripwire:
    """A request body that must never be read: the test fails where it is."""

    def read(self, *args):
        raise AssertionError("the body was read")

    readline = read


def post_unread(client, path, *, length, content_type="multipart/form-data; boundary=b", **extra):
    """A POST that claims `length` bytes of body and fails the test if any is read."""
    environ = {
        "CONTENT_TYPE": content_type,
        "CONTENT_LENGTH": str(length),
        "wsgi.input": Tripwire(),
    }
    return client.generic("POST", path, **(environ | extra))


# --- limits before the body is read ------------------------------------------------


def test_open311_refuses_a_huge_body_before_reading_it(client, city):
    response = post_unread(client, "/open311/v2/requests.json", length=HUGE)
    assert response.status_code == 413
    [error] = response.json()
    assert error["code"] == 413
    assert "слишком велик" in error["description"]


def test_open311_answers_the_refusal_in_xml_when_xml_was_asked(client, city):
    response = post_unread(client, "/open311/v2/requests.xml", length=HUGE)
    assert response.status_code == 413
    root = ET.fromstring(response.content)  # noqa: S314 (our own answer)
    assert root.tag == "errors"
    assert root.find("error/code").text == "413"


def test_open311_checks_a_key_in_the_query_string_before_reading_the_body(client, city):
    response = post_unread(client, "/open311/v2/requests.json?api_key=not-a-key", length=10 * MB)
    assert response.status_code == 403
    assert "api_key" in response.json()[0]["description"]


def test_open311_accepts_a_key_in_the_query_string(client, city, street_light):
    key = issue_api_client(city=city, name="Портал").key
    fields = {
        "jurisdiction_id": "polotsk",
        "service_code": "street-light-out",
        "lat": str(INSIDE[0]),
        "long": str(INSIDE[1]),
        "description": "Не горит фонарь",
    }
    response = client.post(f"/open311/v2/requests.json?api_key={key}", fields)
    assert response.status_code == 200, response.content
    assert Appeal.objects.count() == 1


def test_any_page_refuses_a_large_body_before_csrf_reads_it(client, city):
    response = post_unread(
        client,
        "/settings/",
        length=2 * MB,
        content_type="application/x-www-form-urlencoded",
        HTTP_ACCEPT_LANGUAGE="be",
    )
    assert response.status_code == 413
    assert response["Content-Type"].startswith("text/html")
    page = response.content.decode()
    assert '<html lang="be">' in page
    assert "Запыт занадта вялікі" in page


def test_the_api_refuses_a_large_body_in_its_error_shape(client, resident):
    client.force_login(resident)
    response = post_unread(
        client, "/api/v1/me/push-subscriptions", length=3 * MB, content_type="application/json"
    )
    assert response.status_code == 413
    body = response.json()
    assert body["code"] == "request_too_large"
    assert "слишком велик" in body["message"]
    assert body["details"] == []


def test_a_body_without_a_length_is_refused(client, city):
    response = post_unread(
        client, "/polotsk/report/", length=0, CONTENT_LENGTH="", HTTP_TRANSFER_ENCODING="chunked"
    )
    assert response.status_code == 411


@pytest.mark.parametrize(
    ("path", "files"),
    [
        ("/polotsk/report/", MAX_PHOTOS),
        ("/polotsk/e-appeal/", MAX_ATTACHMENTS),
        ("/my/appeals/12/", MAX_ATTACHMENTS),
        ("/console/polotsk/intake/", MAX_ATTACHMENTS),
        ("/console/polotsk/appeals/12/act", MAX_ATTACHMENTS),
        ("/api/v1/cities/polotsk/appeals", MAX_ATTACHMENTS),
        ("/api/v1/appeals/12/answer", MAX_ATTACHMENTS),
        ("/api/v1/appeals/12/information", MAX_ATTACHMENTS),
        ("/open311/v2/requests.json", MAX_PHOTOS),
        ("/open311/v2/requests.xml", MAX_PHOTOS),
        ("/console/polotsk/news/new", 1),
        ("/console/polotsk/news/3/", 1),
        ("/console/polotsk/city/places/new", 1),
        ("/console/polotsk/city/events/4/", 1),
    ],
)
def test_an_upload_may_carry_every_file_its_form_takes_at_the_largest_size(path, files):
    assert body_limit_for(path) >= files * MAX_FILE_BYTES + MB // 2


@pytest.mark.parametrize(
    "path",
    [
        "/settings/",
        "/accounts/login/",
        "/admin/login/",
        "/api/v1/me/push-subscriptions",
        "/api/v1/appeals/12/moves",
        "/open311/v2/requests/12.json",
        "/console/polotsk/bulk",
        "/polotsk/report/nearby",
    ],
)
def test_everything_else_takes_a_small_body(path):
    assert body_limit_for(path) <= MB


# --- what the parser refuses -------------------------------------------------------


def tiny_files(count: int) -> list[SimpleUploadedFile]:
    return [SimpleUploadedFile(f"f{n}.txt", b"x") for n in range(count)]


def test_too_many_files_to_the_api_is_a_400_in_its_error_shape(client, city, dispatcher):
    token = issue_api_client(city=city, name="Мобильный", user=dispatcher).key
    response = client.post(
        "/api/v1/cities/polotsk/appeals",
        {"category": "x", "description": "y", "files": tiny_files(101)},
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "too_many_files"
    assert "файлов" in body["message"]


def test_too_many_fields_to_the_api_is_a_400_in_its_error_shape(client, city, dispatcher):
    token = issue_api_client(city=city, name="Мобильный", user=dispatcher).key
    fields = {f"field{n}": "1" for n in range(1001)}
    response = client.post(
        "/api/v1/cities/polotsk/appeals", fields, HTTP_AUTHORIZATION=f"Bearer {token}"
    )
    assert response.status_code == 400
    assert response.json()["code"] == "too_many_fields"


def test_too_much_text_beside_the_files_to_the_api_is_a_413(client, city, dispatcher):
    token = issue_api_client(city=city, name="Мобильный", user=dispatcher).key
    response = client.post(
        "/api/v1/cities/polotsk/appeals",
        {"category": "x", "description": "я" * (2 * MB), "files": tiny_files(1)},
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert response.status_code == 413
    assert response.json()["code"] == "request_too_large"


def test_too_many_files_on_a_page_is_a_translated_400(client, city, resident, street_light):
    client.force_login(resident)
    response = client.post(
        "/polotsk/report/",
        {"description": "y", "photos": tiny_files(101)},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert "too many files" in response.content.decode()


def test_too_much_text_on_a_page_is_a_translated_413(client, city, resident, street_light):
    client.force_login(resident)
    response = client.post(
        "/polotsk/report/",
        {"description": "я" * (2 * MB), "photos": tiny_files(1)},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 413
    assert "too large" in response.content.decode()
