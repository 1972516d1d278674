"""The figures through the API, for a staff token."""

import pytest

from mycity.accounts.models import RoleKind
from mycity.appeals.actions.api_keys import issue_api_client
from tests.conftest import person
from tests.reports.conftest import MARCH

pytestmark = pytest.mark.django_db

URL = "/api/v1/cities/polotsk/appeal-figures"


def bearer(city, user) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {issue_api_client(city=city, name='BI', user=user).key}"}


def rows(body: dict, table: str) -> dict:
    found = next(t for t in body["tables"] if t["key"] == table)
    return {row["key"]: row["values"] for row in found["rows"]}


def test_a_dispatcher_s_token_reads_the_month(client, march):
    response = client.get(URL, MARCH, **bearer(march.city, march.dispatcher))
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["date_from"], body["date_to"]) == ("2026-03-01", "2026-03-31")
    assert rows(body, "channels")["app"] == {
        "total": 6,
        "on_time": 2,
        "late": 1,
        "overdue": 1,
        "in_term": 2,
    }
    assert rows(body, "results")["in_work"] == {"count": 4}


def test_names_and_titles_come_in_the_request_s_language(client, march):
    auth = bearer(march.city, march.dispatcher)
    body = client.get(URL, MARCH, HTTP_ACCEPT_LANGUAGE="en", **auth).json()
    categories = next(t for t in body["tables"] if t["key"] == "categories")
    assert categories["title"] == "By subject"
    assert categories["rows"][1]["labels"] == ["Housing", "Roof"]
    assert categories["columns"][0] == {"key": "group", "label": "Group"}


def test_the_api_and_the_page_give_the_same_numbers(client, march):
    body = client.get(URL, MARCH, **bearer(march.city, march.dispatcher)).json()
    client.force_login(march.dispatcher)
    report = client.get("/console/polotsk/reports/", MARCH).context["report"]
    for table in report.tables:
        assert [list(values.values()) for values in rows(body, table.key).values()] == [
            list(row.values) for row in table.rows
        ]


def test_a_head_s_token_reads_only_their_organisation(client, march):
    body = client.get(URL, MARCH, **bearer(march.city, march.head)).json()
    assert rows(body, "timeliness")["total"] == {"count": 6}
    assert set(rows(body, "organisations")) == {"zhes-1", "total"}


def test_an_executor_s_token_is_refused(client, march):
    response = client.get(URL, MARCH, **bearer(march.city, march.executor))
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"


def test_another_city_s_dispatcher_is_refused(client, march, other_city):
    stranger = person("dispatcher@orsha.example.org", RoleKind.DISPATCHER, city=other_city)
    response = client.get(URL, MARCH, **bearer(other_city, stranger))
    assert response.status_code == 403


def test_without_a_token_it_is_a_401(client, march):
    assert client.get(URL, MARCH).status_code == 401


def test_a_bad_period_is_a_400_with_the_field(client, march):
    auth = bearer(march.city, march.dispatcher)
    backwards = client.get(URL, {"date_from": "2026-03-31", "date_to": "2026-03-01"}, **auth)
    assert backwards.status_code == 400
    assert [d["field"] for d in backwards.json()["details"]] == ["date_to"]
    not_a_date = client.get(URL, {"date_from": "2026-02-30"}, **auth)
    assert not_a_date.status_code == 400
    assert [d["field"] for d in not_a_date.json()["details"]] == ["date_from"]


def test_an_unknown_city_is_a_404(client, march):
    auth = bearer(march.city, march.dispatcher)
    assert client.get("/api/v1/cities/atlantis/appeal-figures", **auth).status_code == 404


def test_documented_in_openapi(client):
    schema = client.get("/api/v1/openapi.json").json()
    operation = schema["paths"]["/api/v1/cities/{slug}/appeal-figures"]["get"]
    assert {p["name"] for p in operation["parameters"]} >= {
        "slug",
        "date_from",
        "date_to",
        "organisation",
        "channel",
        "kind",
    }
    assert operation["tags"] == ["reports"]
