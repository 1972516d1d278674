"""Open311 GeoReport v2 at /open311/v2/: services, service definitions, posting and
reading service requests, tokens and errors, in JSON and XML (docs/open311.md)."""

import io
import json
import xml.etree.ElementTree as ET
from datetime import timedelta
from urllib.parse import urlencode, urlparse

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from mycity.appeals.actions.api_keys import issue_api_client
from mycity.appeals.actions.moves import answer_appeal, close_appeal, reject_appeal, start_work
from mycity.appeals.actions.submission import AppealDraft, submit_appeal
from mycity.appeals.models import ApiClient, Appeal, Channel, FileRole, Status
from tests.appeal_fixtures import INSIDE, OUTSIDE, e_appeal_draft, jpeg, submit_report
from tests.factories import BuildingFactory, CategoryFactory, StreetFactory

pytestmark = pytest.mark.django_db

URL = "/open311/v2"
FIRST_NAME, LAST_NAME = "Ольга", "Кузьмицкая"
EMAIL = "olga.kuzmitskaya@example.org"
PHONE = "+375291234567"
SERVICE_FIELDS = [
    "service_code",
    "service_name",
    "description",
    "metadata",
    "type",
    "keywords",
    "group",
]
REQUEST_FIELDS = [
    "service_request_id",
    "status",
    "status_notes",
    "service_name",
    "service_code",
    "description",
    "agency_responsible",
    "service_notice",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
    "address",
    "address_id",
    "zipcode",
    "lat",
    "long",
    "media_url",
    "url",
]


@pytest.fixture
def api_key(city) -> str:
    return issue_api_client(city=city, name="Городской портал").key


@pytest.fixture
def lights_out(city, lighting_service):
    """A service with a choice among values."""
    return CategoryFactory(
        city=city,
        slug="lights-out",
        name_ru="Не горят фонари",
        name_be="Не гараць ліхтары",
        name_en="Street lights out",
        activity="lighting",
        default_organisation=lighting_service,
        extra_fields=[
            {
                "name": "how_many",
                "label": {"ru": "Сколько не горит", "be": "Колькі не гарыць", "en": "How many"},
                "type": "choice",
                "required": True,
                "choices": [
                    {"value": "one", "label": {"ru": "Один", "be": "Адзін", "en": "One"}},
                    {"value": "street", "label": {"ru": "Вся улица", "be": "Уся", "en": "All"}},
                ],
            },
            {"name": "plate", "type": "plate", "required": False},
        ],
    )


@pytest.fixture
def house(city):
    street = StreetFactory(
        city=city,
        name_ru="Нижне-Покровская",
        name_be="Ніжне-Пакроўская",
        name_en="Nizhne-Pokrovskaya",
    )
    for number in ("12А", "12/1"):
        BuildingFactory(street=street, number=number, lat=INSIDE[0] + 0.001, lon=INSIDE[1])
    return BuildingFactory(
        street=street, number="12", lat=INSIDE[0], lon=INSIDE[1], postcode="211400"
    )


def get(client, path, fmt="json", language=None, **params):
    query = {"jurisdiction_id": "polotsk"} | params
    headers = {"Accept-Language": language} if language else {}
    return client.get(f"{URL}/{path}.{fmt}", query, headers=headers)


def post(client, fmt="json", headers=None, **fields):
    return client.post(
        f"{URL}/requests.{fmt}",
        urlencode(fields, doseq=True),
        content_type="application/x-www-form-urlencoded; charset=utf-8",
        headers=headers or {},
    )


def report_fields(api_key, **more):
    """A request's fields; None leaves a field out."""
    fields = {
        "api_key": api_key,
        "jurisdiction_id": "polotsk",
        "service_code": "street-light-out",
        "lat": str(INSIDE[0]),
        "long": str(INSIDE[1]),
        "description": "Не горит фонарь у остановки",
    } | more
    return {name: value for name, value in fields.items() if value is not None}


def json_of(response, status=200):
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/json; charset=utf-8"
    return response.json()


def xml_of(response, status=200) -> ET.Element:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    assert response.content.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    return ET.fromstring(response.content)  # noqa: S314 (our own response)


def children(element: ET.Element) -> list[str]:
    return [child.tag for child in element]


def json_error(response, status):
    body = json_of(response, status)
    assert all(entry["code"] == status for entry in body)
    return [entry["description"] for entry in body]


def xml_error(response, status):
    root = xml_of(response, status)
    assert root.tag == "errors"
    assert {child.tag for child in root} == {"error"}
    for error in root:
        assert children(error) == ["code", "description"]
        assert error.findtext("code") == str(status)
    return [error.findtext("description") for error in root]


def created_id(response) -> int:
    body = json_of(response)
    assert len(body) == 1
    return int(body[0]["service_request_id"])


# --- services ------------------------------------------------------------------------


def test_the_service_list_names_each_active_problem_leaf(
    client, street_light, leaking_roof, housing_question
):
    group = CategoryFactory(city=street_light.city, slug="lighting", name_ru="Освещение")
    street_light.parent = group
    street_light.save()
    CategoryFactory(city=street_light.city, slug="retired", is_active=False)

    services_ = json_of(get(client, "services"))

    by_code = {service["service_code"]: service for service in services_}
    assert set(by_code) == {"street-light-out", "roof-leak"}
    light = by_code["street-light-out"]
    assert list(light) == SERVICE_FIELDS
    assert light["service_name"] == street_light.name_ru
    assert light["group"] == "Освещение"
    assert light["metadata"] is True
    assert light["type"] == "realtime"
    assert street_light.name_en in light["keywords"]
    assert light["description"]
    assert by_code["roof-leak"]["group"] is None


def test_the_service_list_in_xml_has_the_spec_element_names(client, street_light):
    root = xml_of(get(client, "services", "xml"))
    assert root.tag == "services"
    assert children(root) == ["service"]
    service = root.find("service")
    assert children(service) == SERVICE_FIELDS
    assert service.findtext("service_code") == "street-light-out"
    assert service.findtext("metadata") == "true"
    assert service.findtext("type") == "realtime"


def test_service_names_are_in_the_requests_language(client, street_light):
    english = client.get(
        f"{URL}/services.json", {"jurisdiction_id": "polotsk"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    belarusian = client.get(
        f"{URL}/services.json", {"jurisdiction_id": "polotsk"}, HTTP_ACCEPT_LANGUAGE="be"
    )
    assert json_of(english)[0]["service_name"] == street_light.name_en
    assert json_of(belarusian)[0]["service_name"] == street_light.name_be


def test_a_service_without_extra_fields_needs_no_definition(client, city):
    CategoryFactory(city=city, slug="graffiti", extra_fields=[])
    assert json_of(get(client, "services"))[0]["metadata"] is False


def test_a_service_definition_lists_the_attributes_with_open311_datatypes(
    client, street_light, lights_out
):
    light = json_of(get(client, "services/street-light-out", language="en"))
    assert light["service_code"] == "street-light-out"
    pole, entrance = light["attributes"]
    assert pole == {
        "variable": True,
        "code": "pole_number",
        "datatype": "string",
        "required": False,
        "datatype_description": "Up to 20 characters.",
        "order": 1,
        "description": "pole_number",
    }
    assert (entrance["datatype"], entrance["order"]) == ("number", 2)
    assert entrance["datatype_description"] == "A whole number from 1 to 30."

    choice, plate = json_of(get(client, "services/lights-out"))["attributes"]
    assert choice["datatype"] == "singlevaluelist"
    assert choice["required"] is True
    assert choice["description"] == "Сколько не горит"
    assert choice["values"] == [
        {"key": "one", "name": "Один"},
        {"key": "street", "name": "Вся улица"},
    ]
    assert plate["datatype"] == "string"
    assert "values" not in plate


def test_a_service_definition_in_xml_has_the_spec_element_names(client, lights_out):
    root = xml_of(get(client, "services/lights-out", "xml"))
    assert root.tag == "service_definition"
    assert children(root) == ["service_code", "attributes"]
    attributes = root.find("attributes")
    assert children(attributes) == ["attribute", "attribute"]
    choice = attributes[0]
    assert children(choice) == [
        "variable",
        "code",
        "datatype",
        "required",
        "datatype_description",
        "order",
        "description",
        "values",
    ]
    assert choice.findtext("variable") == "true"
    assert choice.findtext("datatype_description") == ""
    values = choice.find("values")
    assert children(values) == ["value", "value"]
    assert children(values[0]) == ["key", "name"]
    assert values[0].findtext("key") == "one"


def test_an_e_appeal_category_or_unknown_code_has_no_service_definition(client, housing_question):
    assert json_error(get(client, "services/housing-question"), 404)
    assert xml_error(get(client, "services/no-such-thing", "xml"), 404)


# --- jurisdiction --------------------------------------------------------------------


def test_a_single_city_server_needs_no_jurisdiction_id(client, street_light):
    response = client.get(f"{URL}/services.json")
    assert [s["service_code"] for s in json_of(response)] == ["street-light-out"]


def test_with_several_cities_the_jurisdiction_id_is_required(client, street_light, other_city):
    descriptions = json_error(client.get(f"{URL}/services.json"), 400)
    assert descriptions[0].startswith("jurisdiction_id: ")
    assert json_of(get(client, "services"))[0]["service_code"] == "street-light-out"


def test_an_unknown_jurisdiction_is_a_404(client, street_light):
    assert json_error(get(client, "services", jurisdiction_id="atlantis"), 404)
    assert xml_error(get(client, "requests", "xml", jurisdiction_id="atlantis"), 404)


# --- posting a request ---------------------------------------------------------------


def test_posting_a_request_files_an_open311_report(client, api_key, street_light):
    response = post(
        client,
        **report_fields(
            api_key,
            email=EMAIL,
            first_name=FIRST_NAME,
            last_name=LAST_NAME,
            phone=PHONE,
            device_id="tt222111",
            account_id="123456",
            media_url="http://example.org/photo.jpg",
        ),
    )

    body = json_of(response)
    assert list(body[0]) == ["service_request_id", "service_notice", "account_id"]
    assert body[0]["account_id"] is None
    appeal = Appeal.objects.get(pk=int(body[0]["service_request_id"]))
    assert appeal.number in body[0]["service_notice"]
    assert appeal.channel == Channel.OPEN311
    assert appeal.applicant is None
    assert appeal.applicant_email == EMAIL
    assert appeal.applicant_name == f"{FIRST_NAME} {LAST_NAME}"
    assert appeal.applicant_phone == PHONE
    assert appeal.consent_at is not None
    assert appeal.description == "Не горит фонарь у остановки"
    assert (appeal.lat, appeal.lon) == INSIDE
    assert appeal.status == Status.ASSIGNED
    assert appeal.is_public
    assert not appeal.files.exists()  # media_url is never fetched


def test_a_posted_request_answers_in_xml_too(client, api_key, street_light):
    root = xml_of(post(client, "xml", **report_fields(api_key)))
    assert root.tag == "service_requests"
    assert children(root) == ["request"]
    assert children(root[0]) == ["service_request_id", "service_notice", "account_id"]
    assert root[0].findtext("account_id") == ""
    assert Appeal.objects.filter(pk=int(root[0].findtext("service_request_id"))).exists()


def test_attribute_values_become_the_reports_extra_fields(client, api_key, leaking_roof):
    response = post(
        client, **report_fields(api_key, service_code="roof-leak", **{"attribute[entrance]": "3"})
    )
    assert Appeal.objects.get(pk=created_id(response)).extra == {"entrance": 3}


def test_a_list_attribute_takes_one_of_its_keys(client, api_key, lights_out):
    fields = report_fields(api_key, service_code="lights-out", **{"attribute[how_many]": "street"})
    assert Appeal.objects.get(pk=created_id(post(client, **fields))).extra == {"how_many": "street"}


def test_a_missing_or_bad_attribute_is_a_400_naming_it(client, api_key, leaking_roof):
    missing = json_error(post(client, **report_fields(api_key, service_code="roof-leak")), 400)
    assert missing[0].startswith("attribute[entrance]: ")
    bad = post(
        client,
        "xml",
        **report_fields(
            api_key,
            service_code="roof-leak",
            **{"attribute[entrance]": "third", "attribute[colour]": "red"},
        ),
    )
    described = xml_error(bad, 400)
    assert {text.split(":")[0] for text in described} == {
        "attribute[entrance]",
        "attribute[colour]",
    }
    assert not Appeal.objects.exists()


def test_a_posted_jpeg_is_the_reports_photo(client, api_key, street_light):
    fields = report_fields(api_key) | {"media": jpeg(800, 600)}
    response = client.post(f"{URL}/requests.json", fields)  # multipart
    appeal = Appeal.objects.get(pk=created_id(response))
    photo = appeal.files.get()
    assert (photo.role, photo.is_public, photo.content_type) == (FileRole.PHOTO, True, "image/jpeg")


def test_media_that_is_no_picture_is_a_400(client, api_key, street_light):
    fake = io.BytesIO(b"%PDF-1.4 not a photo")
    fake.name = "photo.jpg"
    response = client.post(f"{URL}/requests.json", report_fields(api_key) | {"media": fake})
    assert json_error(response, 400)[0].startswith("media: ")
    assert not Appeal.objects.exists()


def test_an_address_id_is_a_building_of_the_registry(client, api_key, street_light, house):
    fields = report_fields(api_key, lat=None, long=None, address_id=str(house.pk))
    appeal = Appeal.objects.get(pk=created_id(post(client, **fields)))
    assert appeal.building == house
    assert (appeal.lat, appeal.lon) == (house.lat, house.lon)


def test_an_address_string_naming_one_building_locates_the_report(
    client, api_key, street_light, house
):
    fields = report_fields(api_key, lat=None, long=None, address_string="Нижне-Покровская 12")
    assert Appeal.objects.get(pk=created_id(post(client, **fields))).building == house


def test_an_address_string_naming_no_single_building_is_a_400(client, api_key, street_light, house):
    for address in ("Нижне-Покровская", "Ленина 1"):
        fields = report_fields(api_key, lat=None, long=None, address_string=address)
        assert json_error(post(client, **fields), 400)[0].startswith("address_string: ")
    assert not Appeal.objects.exists()


def test_without_an_api_key_posting_is_a_403(client, street_light):
    assert json_error(post(client, **report_fields(None)), 403)
    assert xml_error(post(client, "xml", **report_fields("not-a-key")), 403)
    assert not Appeal.objects.exists()


def test_a_residents_personal_access_token_is_no_open311_key(client, resident, city, street_light):
    # A personal token acts as its resident in the REST API, within their limits; as an
    # api_key it would file reports with no account and outside them.
    token = issue_api_client(city=city, name="Моё приложение", user=resident).key
    assert json_error(post(client, **report_fields(token)), 403)
    assert not Appeal.objects.exists()


def test_an_open311_key_is_no_bearer_token_of_the_rest_api(client, api_key, street_light):
    auth = {"HTTP_AUTHORIZATION": f"Bearer {api_key}"}
    assert client.get("/api/v1/me/appeals", **auth).status_code == 401
    form = {
        "category": "street-light-out",
        "description": "Не горит фонарь",
        "lat": str(INSIDE[0]),
        "lon": str(INSIDE[1]),
        "consent": "true",
    }
    filed = client.post("/api/v1/cities/polotsk/appeals", data=form, **auth)
    assert filed.status_code == 401
    assert not Appeal.objects.exists()


def test_a_key_of_another_city_or_a_revoked_key_is_a_403(client, api_key, street_light, other_city):
    foreign = issue_api_client(city=other_city, name="Оршанский портал").key
    assert json_error(post(client, **report_fields(foreign)), 403)
    ApiClient.objects.update(is_active=False)
    assert json_error(post(client, **report_fields(api_key)), 403)
    assert not Appeal.objects.exists()


def test_a_key_without_the_open311_scope_or_expired_is_a_403(client, city, street_light):
    unscoped = issue_api_client(city=city, name="Портал", scopes=["public"]).key
    past = timezone.now() - timedelta(minutes=1)
    expired = issue_api_client(city=city, name="Старый портал", expires_at=past).key
    for key in (unscoped, expired):
        assert json_error(post(client, **report_fields(key)), 403)
    assert not Appeal.objects.exists()


def test_without_a_jurisdiction_the_keys_city_receives_the_request(
    client, api_key, street_light, other_city
):
    response = post(client, **report_fields(api_key, jurisdiction_id=None))
    assert Appeal.objects.get(pk=created_id(response)).city.slug == "polotsk"


def test_an_unknown_or_e_appeal_service_code_is_a_404_as_the_spec_says(
    client, api_key, street_light, housing_question
):
    for code in ("no-such-service", "housing-question"):
        assert json_error(post(client, **report_fields(api_key, service_code=code)), 404)
    assert xml_error(post(client, "xml", **report_fields(api_key, service_code="nope")), 404)
    assert not Appeal.objects.exists()


def test_a_point_outside_the_city_is_a_400(client, api_key, street_light):
    fields = report_fields(api_key, lat=str(OUTSIDE[0]), long=str(OUTSIDE[1]))
    assert json_error(post(client, **fields), 400)[0].startswith("lat: ")
    assert xml_error(post(client, "xml", **fields), 400)
    assert not Appeal.objects.exists()


def test_a_request_without_a_location_is_a_400(client, api_key, street_light):
    fields = report_fields(api_key, lat=None, long=None)
    english = {"Accept-Language": "en"}
    assert "lat and long" in json_error(post(client, headers=english, **fields), 400)[0]
    assert "lat and long" in xml_error(post(client, "xml", headers=english, **fields), 400)[0]


@pytest.mark.parametrize(
    "bad",
    [
        {"lat": "north"},
        {"lat": "nan"},
        {"lat": "1e309"},
        {"long": "181"},
        {"lat": None},
        {"address_id": "building 5"},
        {"address_id": "99999999999999999999999"},
        {"email": "not an e-mail"},
        {"phone": "1" * 31},
        {"first_name": "Я" * 150, "last_name": "Я" * 60},
        {"service_code": ""},
        {"attribute[pole_number][]": ["1", "2"]},
    ],
)
def test_malformed_fields_are_a_400_never_a_500(client, api_key, street_light, bad):
    assert json_error(post(client, **report_fields(api_key, **bad)), 400)
    assert not Appeal.objects.exists()


def test_without_a_description_the_service_name_describes_the_report(client, api_key, street_light):
    response = post(client, **report_fields(api_key, description=None))
    assert Appeal.objects.get(pk=created_id(response)).description == street_light.name_ru


def test_a_retried_post_with_the_same_idempotency_key_gives_the_same_id(
    client, api_key, street_light
):
    headers = {"Idempotency-Key": "c0ffee-1"}
    first = created_id(post(client, headers=headers, **report_fields(api_key)))
    again = created_id(post(client, headers=headers, **report_fields(api_key)))
    assert again == first
    assert Appeal.objects.count() == 1


def test_posting_needs_no_csrf_token(api_key, street_light):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    assert created_id(post(strict, **report_fields(api_key)))


# --- reading requests ----------------------------------------------------------------


@pytest.fixture
def posted(client, api_key, street_light, house):
    """A public report posted through Open311 with the applicant's personal data and a photo."""
    fields = report_fields(
        api_key,
        lat=None,
        long=None,
        address_id=str(house.pk),
        email=EMAIL,
        first_name=FIRST_NAME,
        last_name=LAST_NAME,
        phone=PHONE,
    ) | {"media": jpeg(640, 480)}
    return Appeal.objects.get(pk=created_id(client.post(f"{URL}/requests.json", fields)))


def test_a_request_reads_back_with_every_spec_field(client, posted, lighting_service):
    body = json_of(get(client, f"requests/{posted.pk}", language="en"))
    assert len(body) == 1
    request = body[0]
    assert list(request) == REQUEST_FIELDS
    photo = posted.files.get()
    local = timezone.localtime(posted.submitted_at).replace(microsecond=0)
    assert request | {"media_url": None} == {
        "service_request_id": str(posted.pk),
        "status": "open",
        "status_notes": "Assigned",
        "service_name": posted.category.name_en,
        "service_code": "street-light-out",
        "description": "Не горит фонарь у остановки",
        "agency_responsible": lighting_service.name_en,
        "service_notice": f"Appeal {posted.number}.",
        "requested_datetime": local.isoformat(),
        "updated_datetime": request["updated_datetime"],
        "expected_datetime": timezone.localtime(posted.deadline).replace(microsecond=0).isoformat(),
        "address": posted.address,
        "address_id": str(posted.building_id),
        "zipcode": "211400",
        "lat": posted.lat,
        "long": posted.lon,
        "media_url": None,
        "url": f"http://testserver/{posted.city.slug}/reports/{posted.pk}/",
    }
    assert posted.address == "Нижне-Покровская, 12"
    assert request["requested_datetime"].endswith("+03:00")
    assert request["media_url"] == f"http://testserver/api/v1/appeals/{posted.pk}/files/{photo.pk}"


def test_the_media_url_serves_the_photo(client, posted):
    media_url = json_of(get(client, f"requests/{posted.pk}"))[0]["media_url"]
    response = client.get(urlparse(media_url).path)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"


def test_requests_in_xml_have_the_spec_element_names(client, posted):
    for root in (
        xml_of(get(client, "requests", "xml")),
        xml_of(get(client, f"requests/{posted.pk}", "xml")),
    ):
        assert root.tag == "service_requests"
        assert children(root) == ["request"]
        assert children(root[0]) == REQUEST_FIELDS
        assert root[0].findtext("service_request_id") == str(posted.pk)
        assert root[0].findtext("status") == "open"
        assert root[0].findtext("status_notes") == "Назначено исполнителю"


def test_personal_data_never_leaves_through_open311(client, posted, resident, street_light):
    by_resident = submit_report(resident, street_light)
    leaks = [EMAIL, FIRST_NAME, LAST_NAME, PHONE, resident.email, resident.full_name]
    for fmt in ("json", "xml"):
        for path in ("requests", f"requests/{posted.pk}", f"requests/{by_resident.pk}"):
            content = get(client, path, fmt).content.decode()
            assert str(posted.pk) in content or str(by_resident.pk) in content
            for secret in leaks:
                assert secret not in content, (path, secret)


def test_status_maps_to_open_or_closed_with_the_latest_public_note(
    client, resident, leaking_roof, dispatcher, executor
):
    still_open = submit_report(resident, leaking_roof, extra={"entrance": 1})
    rejected = submit_report(resident, leaking_roof, extra={"entrance": 2})
    reject_appeal(actor=dispatcher, appeal=rejected, note="Кровля не муниципальная.")
    answered = submit_report(resident, leaking_roof, extra={"entrance": 3})
    start_work(actor=executor, appeal=answered)
    answer_appeal(actor=executor, appeal=answered, text="Кровля отремонтирована.")
    closed = submit_report(resident, leaking_roof, extra={"entrance": 4})
    start_work(actor=executor, appeal=closed)
    answer_appeal(actor=executor, appeal=closed, text="Заменён лист кровли.")
    close_appeal(actor=dispatcher, appeal=closed)

    body = json_of(get(client, "requests"))

    by_id = {int(r["service_request_id"]): (r["status"], r["status_notes"]) for r in body}
    # A rejected report leaves the public map, and so Open311; the notes are the status
    # in words, never the free text of a move or an answer, which may name the applicant.
    assert by_id == {
        still_open.pk: ("open", "Назначено исполнителю"),
        answered.pk: ("open", "Дан ответ"),
        closed.pk: ("closed", "Закрыто"),
    }
    assert "Кровля отремонтирована" not in json.dumps(body, ensure_ascii=False)
    closed_row = next(r for r in body if r["service_request_id"] == str(closed.pk))
    closed.refresh_from_db()
    assert closed_row["updated_datetime"] == (
        timezone.localtime(closed.closed_at).replace(microsecond=0).isoformat()
    )


def test_requests_filter_by_status(client, resident, leaking_roof, dispatcher, executor):
    still_open = submit_report(resident, leaking_roof, extra={"entrance": 1})
    closed = submit_report(resident, leaking_roof, extra={"entrance": 2})
    start_work(actor=executor, appeal=closed)
    answer_appeal(actor=executor, appeal=closed, text="Готово.")
    close_appeal(actor=dispatcher, appeal=closed)

    def ids(**params):
        return {int(r["service_request_id"]) for r in json_of(get(client, "requests", **params))}

    assert ids(status="open") == {still_open.pk}
    assert ids(status="closed") == {closed.pk}
    assert ids(status="open,closed") == {still_open.pk, closed.pk}
    assert ids(status="Closed") == {closed.pk}


def test_requests_filter_by_service_codes(client, resident, street_light, leaking_roof, city):
    light = submit_report(resident, street_light)
    roof = submit_report(resident, leaking_roof, extra={"entrance": 1})
    graffiti = submit_report(resident, CategoryFactory(city=city, slug="graffiti"))

    def ids(codes):
        body = json_of(get(client, "requests", service_code=codes))
        return {int(r["service_request_id"]) for r in body}

    assert ids("street-light-out") == {light.pk}
    assert ids("street-light-out,roof-leak") == {light.pk, roof.pk}
    assert ids("nothing-like-it") == set()
    assert graffiti.pk in ids("graffiti")


def test_requests_filter_by_start_and_end_date(client, resident, street_light):
    now = timezone.now()
    last_week = submit_report(resident, street_light)
    Appeal.objects.filter(pk=last_week.pk).update(submitted_at=now - timedelta(days=7))
    today = submit_report(resident, street_light)

    def ids(**params):
        return {int(r["service_request_id"]) for r in json_of(get(client, "requests", **params))}

    three_days_ago = (now - timedelta(days=3)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert ids(start_date=three_days_ago) == {today.pk}
    assert ids(end_date=three_days_ago) == {last_week.pk}
    eight_days_ago = (now - timedelta(days=8)).astimezone(timezone.get_current_timezone())
    assert ids(start_date=eight_days_ago.isoformat(), end_date=three_days_ago) == {last_week.pk}
    # A date alone is the whole of that day in the city's time zone.
    local_today = timezone.localdate(now)
    assert ids(start_date=(local_today - timedelta(days=8)).isoformat()) == {
        last_week.pk,
        today.pk,
    }
    assert ids(end_date=local_today.isoformat()) == {last_week.pk, today.pk}
    assert ids(end_date=(local_today - timedelta(days=1)).isoformat()) == {last_week.pk}


def test_by_default_only_the_last_90_days_are_listed(client, resident, street_light):
    old = submit_report(resident, street_light)
    Appeal.objects.filter(pk=old.pk).update(submitted_at=timezone.now() - timedelta(days=91))
    recent = submit_report(resident, street_light)

    listed = [int(r["service_request_id"]) for r in json_of(get(client, "requests"))]
    assert listed == [recent.pk]
    # A start_date alone opens a window of 90 days from it.
    long_ago = (timezone.now() - timedelta(days=95)).strftime("%Y-%m-%dT%H:%M:%SZ")
    listed = json_of(get(client, "requests", start_date=long_ago))
    assert [int(r["service_request_id"]) for r in listed] == [old.pk]


def test_at_most_1000_requests_are_listed_newest_first(client, resident, street_light, monkeypatch):
    from mycity.appeals import open311

    monkeypatch.setattr(open311, "MAX_REQUESTS", 3)
    made = [submit_report(resident, street_light).pk for _ in range(4)]
    listed = [int(r["service_request_id"]) for r in json_of(get(client, "requests"))]
    assert listed == sorted(made, reverse=True)[:3]


def test_a_span_longer_than_90_days_is_a_400(client, city):
    described = json_error(
        get(client, "requests", start_date="2026-01-01T00:00:00Z", end_date="2026-06-01T00:00Z"),
        400,
    )
    assert described[0].startswith("end_date: ")


def test_service_request_ids_override_every_other_filter(
    client, resident, street_light, leaking_roof, noisy_neighbours
):
    light = submit_report(resident, street_light)
    Appeal.objects.filter(pk=light.pk).update(submitted_at=timezone.now() - timedelta(days=200))
    roof = submit_report(resident, leaking_roof, extra={"entrance": 1})
    hidden = submit_report(resident, noisy_neighbours)

    body = json_of(
        get(
            client,
            "requests",
            service_request_id=f"{light.pk}, {roof.pk},{hidden.pk},abc,,-1,99999999999999999999999",
            service_code="roof-leak",
            status="closed",
        )
    )
    assert {int(r["service_request_id"]) for r in body} == {light.pk, roof.pk}


@pytest.mark.parametrize(
    "query",
    [
        {"status": "foo"},
        {"start_date": "yesterday"},
        {"start_date": "2026-13-45T00:00:00Z"},
        {"end_date": "0001-01-01"},
        {"start_date": "9999-12-31T23:59:59Z"},
        {"start_date": "2026-03-01T00:00:00Z", "end_date": "2026-02-01T00:00:00Z"},
        {"service_request_id": ",".join(["1"] * 1001)},
    ],
)
def test_bad_request_filters_are_a_400(client, city, query):
    assert json_error(get(client, "requests", **query), 400)
    assert xml_error(get(client, "requests", "xml", **query), 400)


def test_non_public_reports_are_not_found(
    client, resident, noisy_neighbours, housing_question, street_light, other_city
):
    moderated = submit_report(resident, noisy_neighbours)
    e_appeal = submit_appeal(
        applicant=resident, city=housing_question.city, draft=e_appeal_draft(housing_question)
    ).appeal
    orsha_light = CategoryFactory(city=other_city, slug="street-light-out")
    in_orsha = submit_appeal(
        applicant=resident,
        city=other_city,
        draft=AppealDraft(
            category_slug=orsha_light.slug,
            description="Не горит фонарь",
            lat=other_city.centre_lat,
            lon=other_city.centre_lon,
            consent=True,
        ),
    ).appeal
    assert in_orsha.is_public

    for appeal in (moderated, e_appeal, in_orsha):
        assert json_error(get(client, f"requests/{appeal.pk}"), 404)
        assert xml_error(get(client, f"requests/{appeal.pk}", "xml"), 404)
    assert json_of(get(client, "requests")) == []


@pytest.mark.parametrize("request_id", ["abc", "0", "-1", "1.5", "99999999999999999999999", "٣"])
def test_a_request_id_that_is_no_number_is_a_404(client, city, request_id):
    assert json_error(get(client, f"requests/{request_id}"), 404)


def test_listing_requests_costs_the_same_queries_for_one_or_many(
    client, api_key, street_light, house, resident, dispatcher
):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert get(client, "requests").status_code == 200
        return len(captured)

    def add_report():
        fields = report_fields(api_key, address_id=str(house.pk)) | {"media": jpeg(64, 48)}
        appeal = Appeal.objects.get(pk=created_id(client.post(f"{URL}/requests.json", fields)))
        reject_appeal(actor=dispatcher, appeal=appeal, note="Уже чиним.")

    add_report()
    one = queries()
    for _ in range(5):
        add_report()
    assert queries() == one
    # The city, the reports, their buildings' postcodes, notes and photos.
    assert one <= 5


# --- tokens, methods, paths ----------------------------------------------------------


def test_tokens_are_never_issued_so_every_token_is_a_404(client, city):
    assert json_error(get(client, "tokens/12345"), 404)[0].startswith("token: ")
    assert xml_error(get(client, "tokens/12345", "xml"), 404)


def test_an_unsupported_method_is_a_405_in_the_spec_format(client, city):
    response = client.put(f"{URL}/services.json")
    assert json_error(response, 405)
    assert "GET" in response["Allow"]


def test_an_unknown_path_is_a_404_in_the_spec_format(client, city):
    assert json_error(client.get(f"{URL}/discoveries.json"), 404)
    assert xml_error(client.get(f"{URL}/services.xml/extra.xml"), 404)
    assert json_error(client.get(f"{URL}/services.yaml"), 404)


# --- the command that issues keys ----------------------------------------------------


def test_the_command_prints_a_key_that_posts_requests(client, street_light):
    out, err = io.StringIO(), io.StringIO()
    call_command("create_api_client", "polotsk", "Городской портал", stdout=out, stderr=err)
    key = out.getvalue().strip()
    assert "shown only this once" in err.getvalue()
    assert ApiClient.objects.get().user is None
    assert created_id(post(client, **report_fields(key)))


def test_the_command_issues_a_key_acting_as_a_user(resident, city):
    call_command(
        "create_api_client", "polotsk", "Токен", "--user", resident.email, stdout=io.StringIO()
    )
    assert ApiClient.objects.get().user == resident


def test_the_command_refuses_an_unknown_city_or_user(city):
    from django.core.management import CommandError

    with pytest.raises(CommandError):
        call_command("create_api_client", "atlantis", "X", stdout=io.StringIO())
    with pytest.raises(CommandError):
        call_command("create_api_client", "polotsk", "X", "--user", "nobody@example.org")
    assert not ApiClient.objects.exists()


# --- a real-world client -------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_georeport_client_reads_services_and_requests(live_server, city, street_light):
    georeport = pytest.importorskip("georeport")
    key = issue_api_client(city=city, name="Портал").key
    from django.test import Client

    posted_id = created_id(post(Client(), **report_fields(key)))

    for output_format in ("json", "xml"):
        reader = georeport.GeoReport(
            f"{live_server.url}{URL}", jurisdiction="polotsk", output_format=output_format
        )
        listed = reader.get_service_list()
        listed = listed if isinstance(listed, list) else [listed]
        assert [s["service_code"] for s in listed] == ["street-light-out"]
        definition = reader.get_service_definition("street-light-out")
        assert definition["service_code"] == "street-light-out"
        assert reader.get_service_request(str(posted_id))["status"] == "open"
        requests = reader.get_service_requests(status="open")
        requests = requests if isinstance(requests, list) else [requests]
        assert [r["service_request_id"] for r in requests] == [str(posted_id)]


def test_an_api_key_of_another_city_in_the_query_string_is_refused(
    client, city, other_city, street_light
):
    key = issue_api_client(city=other_city, name="Портал Орши").key
    fields = report_fields(key)
    fields.pop("api_key")
    response = client.post(f"{URL}/requests.json?api_key={key}", fields)
    assert response.status_code == 403
    assert not Appeal.objects.exists()


def test_an_over_long_address_string_is_a_400(client, city, street_light):
    key = issue_api_client(city=city, name="Портал").key
    fields = report_fields(key)
    fields.pop("lat"), fields.pop("long")
    fields["address_string"] = "Нижне-Покровская " * 500
    response = client.post(f"{URL}/requests.json", fields)
    assert response.status_code == 400
    assert "address_string" in response.json()[0]["description"]
