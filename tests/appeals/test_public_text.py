"""A report's text as the public reads it: phone numbers, e-mail addresses and car
plates masked on the map, in the list, GeoJSON, Open311 and search; the applicant and
the staff read the original."""

import json

import pytest
from django.utils import translation

from mycity.appeals.public_text import public_text
from tests.appeal_fixtures import submit_report

PHONES = [
    "+375 29 123-45-67",
    "+375291234567",
    "+375 (29) 123 45 67",
    "375 33 765 43 21",
    "8 (029) 1234567",
    "8 029 123-45-67",
    "80291234567",
    "8-044-765-43-21",
    "29 123 45 67",
    "+375 214 42 53 42",
    "8 (0214) 42-53-42",
    "123-45-67",
]
EMAILS = ["ivan.petrov@mail.by", "olga+dom@example.org"]
PLATES = [
    "1234 AB-7",
    "1234AB7",
    "1234 АВ-7",  # Cyrillic А and В
    "AB 1234-7",
    "ах 5678-2",
    "МК 1234-5",
]
NOT_PERSONAL = [
    "дом 12, кв. 34",
    "с 2025-2026 года",
    "12.05.2026 в 18:30",
    "яма 2 на 3 метра, глубина 40 см",
    "ЖЭС № 1, заявка 1234",
    "55.4860, 28.7690",
    "остановка 17, маршрут 24А",
]


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.mark.parametrize("phone", PHONES)
def test_a_belarusian_phone_number_is_masked(phone):
    assert public_text(f"Звоните {phone} вечером") == "Звоните [phone] вечером"


@pytest.mark.parametrize("email", EMAILS)
def test_an_email_address_is_masked(email):
    assert public_text(f"Пишите на {email}, отвечу") == "Пишите на [e-mail], отвечу"


@pytest.mark.parametrize("plate", PLATES)
def test_a_belarusian_car_plate_is_masked(plate):
    assert public_text(f"Машина {plate} стоит на газоне") == "Машина [plate] стоит на газоне"


@pytest.mark.parametrize("text", NOT_PERSONAL)
def test_addresses_dates_and_measures_stay(text):
    assert public_text(text) == text


PERSONAL = "Во дворе брошена машина 1234 AB-7, звоните +375 29 123-45-67 или ivan@mail.by"
MASKED = "Во дворе брошена машина [plate], звоните [phone] или [e-mail]"


@pytest.fixture
def report(resident, street_light):
    return submit_report(resident, street_light, description=PERSONAL)


def _text(response) -> str:
    assert response.status_code == 200, response.content
    if "json" in response["Content-Type"]:
        return json.dumps(json.loads(response.content), ensure_ascii=False)
    return response.content.decode()


@pytest.mark.django_db
def test_every_public_face_of_a_report_masks_its_text(client, report):
    client.cookies["mycity_language"] = "en"
    faces = {
        "list": client.get("/api/v1/cities/polotsk/reports"),
        "geojson": client.get("/api/v1/cities/polotsk/reports.geojson"),
        "one report": client.get(f"/api/v1/appeals/{report.pk}"),
        "open311 list": client.get("/open311/v2/requests.json", {"jurisdiction_id": "polotsk"}),
        "open311 one": client.get(
            f"/open311/v2/requests/{report.pk}.json", {"jurisdiction_id": "polotsk"}
        ),
        "map": client.get("/polotsk/map/", {"view": "list"}),
    }
    for face, response in faces.items():
        text = _text(response)
        assert MASKED in text, face
        for secret in ("123-45-67", "ivan@mail.by", "1234 AB-7"):
            assert secret not in text, (face, secret)


@pytest.mark.django_db
def test_a_public_search_does_not_find_a_report_by_the_phone_in_it(client, report):
    page = client.get("/polotsk/search/", {"q": "375 29"}).content.decode()
    assert report.number not in page
    found = client.get("/polotsk/search/", {"q": "машина"}).content.decode()
    assert report.number in found


@pytest.mark.django_db
def test_the_applicant_and_the_staff_read_the_original(client, report, resident, dispatcher):
    client.force_login(resident)
    assert PERSONAL in client.get(f"/my/appeals/{report.pk}/").content.decode()
    assert client.get(f"/api/v1/appeals/{report.pk}").json()["description"] == PERSONAL
    client.force_login(dispatcher)
    card = client.get(f"/console/polotsk/appeals/{report.pk}/").content.decode()
    assert PERSONAL in card
    assert client.get(f"/api/v1/appeals/{report.pk}").json()["description"] == PERSONAL
