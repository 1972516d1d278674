"""Open311 in beyond the core spec (docs/open311.md): numbered pages of requests,
`extensions=true` with each report's public timeline, and `servicerequestupdates`, the
extension FixMyStreet uses, for the system that filed a request to follow it."""

import xml.etree.ElementTree as ET
from datetime import timedelta
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from django.utils import timezone

from mycity.appeals.actions.api_keys import issue_api_client
from mycity.appeals.actions.moves import answer_appeal, reject_appeal, start_work
from mycity.appeals.models import Appeal
from tests.appeal_fixtures import INSIDE, submit_report
from tests.conftest import person

pytestmark = pytest.mark.django_db

URL = "/open311/v2"
UPDATE_FIELDS = [
    "update_id",
    "service_request_id",
    "status",
    "updated_datetime",
    "description",
    "media_url",
]


def get(client, path, fmt="json", **params):
    return client.get(f"{URL}/{path}.{fmt}", {"jurisdiction_id": "polotsk"} | params)


def json_of(response, status=200):
    assert response.status_code == status, response.content
    return response.json()


def file_request(client, key, description="Не горит фонарь у остановки") -> Appeal:
    fields = {
        "api_key": key,
        "jurisdiction_id": "polotsk",
        "service_code": "street-light-out",
        "lat": str(INSIDE[0]),
        "long": str(INSIDE[1]),
        "description": description,
        "email": "olga@example.org",
    }
    response = client.post(
        f"{URL}/requests.json",
        urlencode(fields),
        content_type="application/x-www-form-urlencoded; charset=utf-8",
    )
    return Appeal.objects.get(pk=json_of(response)[0]["service_request_id"])


@pytest.fixture
def key(city):
    return issue_api_client(city=city, name="Система ЖЭС").key


@pytest.fixture
def lighting_executor(lighting_service):
    from mycity.accounts.models import RoleKind

    return person("e@gorsvet.example.org", RoleKind.EXECUTOR, organisation=lighting_service)


# --- paging ---------------------------------------------------------------------------


@pytest.fixture
def five_reports(resident, street_light):
    return [submit_report(resident, street_light).pk for _ in range(5)]


def test_requests_come_in_numbered_pages_newest_first(client, five_reports):
    newest_first = sorted(five_reports, reverse=True)
    pages = [
        [
            int(r["service_request_id"])
            for r in json_of(get(client, "requests", page=n, page_size=2))
        ]
        for n in (1, 2, 3, 4)
    ]
    assert pages == [newest_first[:2], newest_first[2:4], newest_first[4:], []]


def test_a_full_page_links_to_the_next_one(client, five_reports):
    response = get(client, "requests", page=1, page_size=2, status="open")

    link = response["Link"]
    assert link.endswith('>; rel="next"')
    query = parse_qs(urlsplit(link[1 : link.index(">")]).query)
    assert (query["page"], query["page_size"], query["status"]) == (["2"], ["2"], ["open"])
    assert "Link" not in get(client, "requests", page=3, page_size=2)


def test_page_size_alone_gives_the_first_page(client, five_reports):
    assert len(json_of(get(client, "requests", page_size=3))) == 3


@pytest.mark.parametrize(
    "query",
    [
        {"page": "0"},
        {"page": "x"},
        {"page": "-1"},
        {"page_size": "0"},
        {"page_size": "1001"},
        {"page": "10001"},
        {"page": "1.5"},
    ],
)
def test_a_bad_page_is_a_400_naming_it(client, city, query):
    response = get(client, "requests", **query)
    [error] = json_of(response, 400)
    assert error["description"].startswith(next(iter(query)) + ":")


def test_paging_keeps_the_other_filters(client, resident, street_light, leaking_roof):
    lights = [submit_report(resident, street_light).pk for _ in range(3)]
    submit_report(resident, leaking_roof, extra={"entrance": 1})

    body = json_of(get(client, "requests", service_code="street-light-out", page=1, page_size=10))
    assert sorted(int(r["service_request_id"]) for r in body) == lights


# --- extensions=true ------------------------------------------------------------------


def test_extensions_add_each_reports_public_timeline(
    client, resident, street_light, lighting_executor
):
    report = submit_report(resident, street_light)
    start_work(actor=lighting_executor, appeal=report)
    answer_appeal(actor=lighting_executor, appeal=report, text="Заменили лампу; звоните Ольге.")

    [plain] = json_of(get(client, "requests"))
    [extended] = json_of(get(client, "requests", extensions="true"))

    assert "notes" not in plain
    assert [(n["status"], n["detailed_status"]) for n in extended["notes"]] == [
        ("open", "accepted"),
        ("open", "assigned"),
        ("open", "in_progress"),
        ("open", "answered"),
    ]
    assert {n["description"] for n in extended["notes"]} >= {"Дан ответ"}
    # Fixed phrases only: the answer and the notes of moves may name the applicant.
    assert "Ольге" not in str(extended)


def test_extensions_in_xml_have_note_elements(client, resident, street_light):
    submit_report(resident, street_light)

    response = get(client, "requests", "xml", extensions="true")
    root = ET.fromstring(response.content)  # noqa: S314 (our own response)
    notes = root.find("request/notes")
    assert notes is not None and {n.tag for n in notes} == {"note"}
    assert [c.tag for c in notes[0]] == [
        "update_id",
        "status",
        "detailed_status",
        "description",
        "updated_datetime",
    ]


def test_extensions_must_be_true_or_false(client, city):
    [error] = json_of(get(client, "requests", extensions="yes"), 400)
    assert error["description"].startswith("extensions:")


# --- servicerequestupdates ---------------------------------------------------------------


def test_the_filing_system_reads_its_requests_updates_with_the_answer(
    client, key, street_light, lighting_executor
):
    filed = file_request(client, key)
    start_work(actor=lighting_executor, appeal=filed)
    answer_appeal(
        actor=lighting_executor, appeal=filed, text="<p>Лампу заменили.</p>", result="satisfied"
    )

    updates = json_of(get(client, "servicerequestupdates", api_key=key))

    assert all(list(u) == UPDATE_FIELDS for u in updates)
    assert [(u["service_request_id"], u["status"]) for u in updates] == [
        (str(filed.pk), "open"),
        (str(filed.pk), "open"),
        (str(filed.pk), "in_progress"),
        (str(filed.pk), "fixed"),
    ]
    assert updates[-1]["description"] == "Лампу заменили."
    ids = [int(u["update_id"]) for u in updates]
    assert ids == sorted(ids)


def test_updates_in_xml_have_the_fixmystreet_element_names(client, key, street_light):
    file_request(client, key)

    response = get(client, "servicerequestupdates", "xml", api_key=key)
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    root = ET.fromstring(response.content)  # noqa: S314 (our own response)
    assert root.tag == "service_request_updates"
    assert {child.tag for child in root} == {"request_update"}
    assert [c.tag for c in root[0]] == UPDATE_FIELDS


def test_a_rejection_is_closed_with_its_reason(client, key, street_light, dispatcher):
    filed = file_request(client, key)
    reject_appeal(actor=dispatcher, appeal=filed, note="Опора не городская.")

    last = json_of(get(client, "servicerequestupdates", api_key=key))[-1]
    assert (last["status"], last["description"]) == ("closed", "Опора не городская.")


def test_a_system_reads_only_the_updates_of_what_it_filed(
    client, key, city, resident, street_light
):
    other_key = issue_api_client(city=city, name="Другая система").key
    file_request(client, other_key)
    submit_report(resident, street_light)  # filed in the app: no system follows it

    assert json_of(get(client, "servicerequestupdates", api_key=key)) == []


@pytest.mark.parametrize("given", [{}, {"api_key": "wrong"}])
def test_updates_need_the_systems_key(client, key, given):
    [error] = json_of(get(client, "servicerequestupdates", **given), 403)
    assert error["description"].startswith("api_key:")


def test_a_key_of_another_city_reads_no_updates(client, key, other_city, street_light):
    other = issue_api_client(city=other_city, name="Орша").key
    json_of(get(client, "servicerequestupdates", api_key=other), 403)


def test_updates_are_read_between_start_and_end_date(client, key, street_light):
    file_request(client, key)
    later = (timezone.now() + timedelta(hours=1)).replace(microsecond=0)

    assert (
        json_of(get(client, "servicerequestupdates", api_key=key, start_date=later.isoformat()))
        == []
    )
    before = (timezone.now() - timedelta(hours=1)).replace(microsecond=0)
    assert (
        json_of(get(client, "servicerequestupdates", api_key=key, end_date=before.isoformat()))
        == []
    )
    assert (
        len(
            json_of(
                get(client, "servicerequestupdates", api_key=key, start_date=before.isoformat())
            )
        )
        == 2
    )


@pytest.mark.parametrize(
    "query",
    [
        {"start_date": "yesterday"},
        {"end_date": "2026-02-30"},
        {"start_date": "2026-12-07", "end_date": "2026-12-01"},
    ],
)
def test_bad_update_dates_are_a_400(client, key, query):
    json_of(get(client, "servicerequestupdates", api_key=key, **query), 400)
