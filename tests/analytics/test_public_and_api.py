"""The public performance page, its open data (CSV and JSON, licensed) and the
figures in the API and its OpenAPI document."""

import csv
import io
from datetime import timedelta

import pytest
from django.utils import timezone

from mycity.analytics.aggregation import write_days
from mycity.cities.calendar import calendar_for
from tests.analytics.conftest import AFTER, ELEVENTH, TENTH

pytestmark = pytest.mark.django_db

PERIOD = {"date_from": "2026-03-09", "date_to": "2026-03-11"}


@pytest.fixture
def written(days):
    write_days(city=days.city, first=TENTH - (ELEVENTH - TENTH), last=ELEVENTH, now=AFTER)
    return days


def test_the_performance_page_shows_the_last_twelve_months(client, written):
    response = client.get("/polotsk/performance/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    yesterday = calendar_for(written.city).local_date(timezone.now()) - timedelta(days=1)
    assert response.context["end"] == yesterday
    assert response.context["start"] == yesterday - timedelta(days=364)
    page = response.content.decode()
    assert "/polotsk/open-data/daily-figures.csv" in page
    assert "creativecommons.org/licenses/by/4.0" in page


def test_the_open_data_as_csv_and_json(client, written):
    response = client.get("/polotsk/open-data/daily-figures.csv", PERIOD)
    assert response.status_code == 200
    assert 'rel="license"' in response["Link"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    tenth = [r for r in rows if r["day"] == "2026-03-10"]
    assert sum(int(r["received"]) for r in tenth) == 4
    assert {r["category"] for r in tenth} == {"roof", "letter", "heating"}
    assert "district" not in rows[0] and "organisation" not in rows[0]
    data = client.get("/polotsk/open-data/daily-figures.json", PERIOD).json()
    assert data["license"] == "CC-BY-4.0"
    assert sum(r["received"] for r in data["rows"]) == 6


def test_a_bad_period_of_open_data_is_a_400(client, written):
    response = client.get(
        "/polotsk/open-data/daily-figures.csv", {"date_from": "2026-03-09", "date_to": "x"}
    )
    assert response.status_code == 400
    response = client.get(
        "/polotsk/open-data/daily-figures.csv",
        {"date_from": "2024-01-01", "date_to": "2026-01-01"},
    )
    assert response.status_code == 400


def test_the_api_gives_the_open_data(client, written):
    response = client.get("/api/v1/analytics/cities/polotsk/daily-figures", PERIOD)
    assert response.status_code == 200
    assert sum(r["received"] for r in response.json()["rows"]) == 6
    assert client.get("/api/v1/analytics/cities/nowhere/daily-figures").status_code == 404


def test_the_api_gives_a_citys_figures_to_its_staff(client, dispatcher, written):
    assert client.get("/api/v1/analytics/cities/polotsk/figures", PERIOD).status_code == 401
    client.force_login(dispatcher)
    response = client.get("/api/v1/analytics/cities/polotsk/figures", PERIOD)
    assert response.status_code == 200
    tables = {t["key"]: t for t in response.json()["tables"]}
    assert tables["summary"]["rows"][0]["values"]["received"] == 6
    channels = {r["key"]: r["values"]["received"] for r in tables["channels"]["rows"]}
    assert channels["post"] is None  # one: fewer than five


def test_the_api_refuses_a_bad_filter_with_the_field(client, dispatcher, written):
    client.force_login(dispatcher)
    response = client.get("/api/v1/analytics/cities/polotsk/figures", {**PERIOD, "sector": "space"})
    assert response.status_code == 400
    assert response.json()["details"][0]["field"] == "sector"


def test_the_cities_in_the_api_are_for_observers_only(client, dispatcher, written):
    client.force_login(dispatcher)
    assert client.get("/api/v1/analytics/cities", PERIOD).status_code == 403


def test_the_figures_are_in_the_openapi_document(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert "/api/v1/analytics/cities/{slug}/figures" in paths
    assert "/api/v1/analytics/cities" in paths
    assert "/api/v1/analytics/cities/{slug}/daily-figures" in paths
