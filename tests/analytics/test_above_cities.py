"""An oblast's and a ministry's officials: every city of theirs side by side, by sector,
a ranking that leaves out small counts, and no personal data anywhere (pages,
exports, API)."""

import io

import pytest
from openpyxl import load_workbook

from mycity.analytics.aggregation import write_days
from mycity.analytics.figures import Figures, ranking
from mycity.analytics.models import Observer
from tests.analytics.conftest import AFTER, ELEVENTH, TENTH
from tests.conftest import person

pytestmark = pytest.mark.django_db

PERIOD = {"date_from": "2026-03-09", "date_to": "2026-03-11"}
URL = "/console/analytics/cities/"
PERSONAL = ("resident@example.org", "Текст обращения", "2026-00001", "/console/polotsk/appeals/")


@pytest.fixture
def written(days, other_city):
    for city in (days.city, other_city):
        write_days(city=city, first=TENTH - (ELEVENTH - TENTH), last=ELEVENTH, now=AFTER)
    return days


@pytest.fixture
def ministry(db):
    user = person("ministry@example.org", None)
    Observer.objects.create(user=user, kind="ministry")
    return user


@pytest.fixture
def oblast(db):
    user = person("oblast@example.org", None)
    Observer.objects.create(user=user, kind="oblast", region="brest")
    return user


def test_a_ministry_sees_every_city_side_by_side(client, ministry, written):
    client.force_login(ministry)
    response = client.get(URL, PERIOD)
    assert response.status_code == 200
    cities = response.context["dashboard"].table("cities")
    assert {row.key for row in cities.rows} == {"polotsk", "orsha"}
    polotsk = next(row for row in cities.rows if row.key == "polotsk")
    assert polotsk.cells[0].value == 6


def test_the_cities_by_sector(client, ministry, written):
    client.force_login(ministry)
    table = client.get(URL, PERIOD).context["dashboard"].table("sectors")
    polotsk = next(row for row in table.rows if row.key == "polotsk")
    housing = [k for k, _label in table.columns[1:]].index("housing")
    # Four housing appeals (1, 2, 5; 6 is heating: utilities): fewer than five.
    assert polotsk.cells[housing].value is None


def test_an_oblast_sees_only_the_cities_of_its_region(client, oblast, written):
    client.force_login(oblast)
    response = client.get(URL, PERIOD)
    # Both test cities are in the Vitebsk region; Brest's official sees none of them.
    assert response.status_code == 403


def test_an_oblast_of_the_region_sees_its_cities(client, written):
    user = person("vitebsk@example.org", None)
    Observer.objects.create(user=user, kind="oblast", region="vitebsk")
    client.force_login(user)
    response = client.get(URL, PERIOD)
    assert response.status_code == 200
    assert client.get(f"/console/analytics/{written.city.slug}/", PERIOD).status_code == 200


def test_an_observer_never_sees_personal_data_or_an_appeal(client, ministry, written):
    client.force_login(ministry)
    pages = [
        client.get(URL, PERIOD),
        client.get("/console/analytics/polotsk/", PERIOD),
        client.get(URL + "table.csv", {**PERIOD, "table": "cities"}),
        client.get("/console/analytics/polotsk/table.csv", {**PERIOD, "table": "hotspots"}),
        client.get("/console/analytics/polotsk/table.csv", {**PERIOD, "table": "categories"}),
        client.get("/api/v1/analytics/cities/polotsk/figures", PERIOD),
    ]
    for response in pages:
        assert response.status_code == 200, response
        body = response.content.decode()
        for personal in PERSONAL:
            assert personal not in body
    assert client.get("/console/analytics/polotsk/appeals/", PERIOD).status_code == 403
    assert client.get("/console/polotsk/appeals/1/").status_code == 404


def test_an_observers_xlsx_holds_figures_only(client, ministry, written):
    client.force_login(ministry)
    response = client.get(URL + "table.xlsx", {**PERIOD, "table": "cities"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    text = " ".join(str(v) for row in sheet.iter_rows(values_only=True) for v in row if v)
    assert "resident@example.org" not in text


def test_a_resident_and_a_citys_staff_do_not_see_the_cities(client, resident, dispatcher, written):
    for user in (resident, dispatcher):
        client.force_login(user)
        assert client.get(URL, PERIOD).status_code == 403


def test_the_ranking_leaves_out_small_counts():
    places = ranking(
        {
            1: Figures(received=50),  # 50 per 10,000 of 10,000 residents
            2: Figures(received=10),  # 1 per 10,000 of 100,000
            3: Figures(received=4),  # too few, however many residents
            4: Figures(received=40),  # no population: no rate
        },
        {1: 10_000, 2: 100_000, 3: 1_000_000, 4: 0},
    )
    assert [(p.city_id, p.rank) for p in places] == [(2, 1), (1, 2), (3, None), (4, None)]
    assert places[2].rate is None


def test_the_platform_operators_grant_observers_in_the_admin():
    from django.contrib import admin

    from mycity.analytics.models import CategorySector

    assert admin.site.is_registered(Observer)
    assert admin.site.is_registered(CategorySector)
