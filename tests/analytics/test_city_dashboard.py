"""The city's dashboard: who reads it, what it shows, the appeals behind a figure, the
XLSX of a table and the heat map's cells."""

import io

import pytest
from openpyxl import load_workbook

from mycity.accounts.models import RoleKind
from mycity.analytics.aggregation import write_days
from mycity.analytics.models import Observer
from tests.analytics.conftest import AFTER, ELEVENTH, TENTH, make_appeal, utc
from tests.conftest import person

pytestmark = pytest.mark.django_db

PERIOD = {"date_from": "2026-03-09", "date_to": "2026-03-11"}
URL = "/console/analytics/polotsk/"


@pytest.fixture
def written(days):
    write_days(city=days.city, first=TENTH - (ELEVENTH - TENTH), last=ELEVENTH, now=AFTER)
    return days


def test_a_dispatcher_reads_the_whole_city_with_links_to_the_appeals(client, dispatcher, written):
    client.force_login(dispatcher)
    response = client.get(URL, PERIOD)
    assert response.status_code == 200
    page = response.content.decode()
    assert "/console/analytics/polotsk/appeals/?" in page
    summary = response.context["dashboard"].table("summary")
    # Six received in the three days: under the minimum of five? No: six is shown.
    assert summary.rows[0].cells[0].value == 6


def test_the_appeals_behind_a_figure_open_in_the_console(client, dispatcher, written):
    client.force_login(dispatcher)
    response = client.get(URL + "appeals/", {**PERIOD, "category": "housing"})
    assert response.status_code == 200
    numbers = {a.number for a in response.context["appeals"]}
    assert numbers == {"2026-00001", "2026-00002", "2026-00005", "2026-00006"}


def test_counts_under_five_are_shown_as_such(client, dispatcher, written):
    client.force_login(dispatcher)
    response = client.get(URL, PERIOD, HTTP_ACCEPT_LANGUAGE="en")
    table = response.context["dashboard"].table("channels")
    channels = {row.key: row.cells[0] for row in table.rows}
    assert channels["post"].value is None
    assert channels["post"].text == "fewer than 5"
    assert channels["app"].value == 5


def test_a_head_reads_only_their_organisation(client, organisation, written):
    head = person("head-a@example.org", RoleKind.HEAD, organisation=organisation)
    client.force_login(head)
    response = client.get(URL, PERIOD)
    assert response.status_code == 200
    organisations = response.context["dashboard"].table("organisations").rows
    assert [row.key for row in organisations] == [organisation.slug]
    # Not another executor's appeals, whatever the filter asks.
    behind = client.get(URL + "appeals/", {**PERIOD})
    assert {a.organisation_id for a in behind.context["appeals"]} == {organisation.pk}


def test_a_resident_and_a_stranger_read_nothing(client, resident, executor_of_other_city, written):
    client.force_login(resident)
    assert client.get(URL, PERIOD).status_code == 403
    client.force_login(executor_of_other_city)
    assert client.get(URL, PERIOD).status_code == 403


def test_the_mayor_reads_figures_but_not_the_appeals(client, written):
    mayor = person("mayor@example.org", None)
    Observer.objects.create(user=mayor, kind="mayor", city=written.city)
    client.force_login(mayor)
    response = client.get(URL, PERIOD)
    assert response.status_code == 200
    assert "/appeals/?" not in response.content.decode()
    assert client.get(URL + "appeals/", PERIOD).status_code == 403


def test_a_bad_period_is_a_400_with_the_fields_message(client, dispatcher, written):
    client.force_login(dispatcher)
    response = client.get(
        URL, {"date_from": "2026-03-11", "date_to": "2026-03-01"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 400
    assert "before its start" in response.content.decode()


def test_any_table_downloads_as_xlsx(client, dispatcher, written):
    client.force_login(dispatcher)
    response = client.get(
        URL + "table.xlsx", {**PERIOD, "table": "categories"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][0] == "Category"
    assert client.get(URL + "table.xlsx", {**PERIOD, "table": "nothing"}).status_code == 404


def test_the_heat_map_sends_cells_not_reports(client, dispatcher, written):
    client.force_login(dispatcher)
    response = client.get(URL + "heat.json", PERIOD)
    assert response.status_code == 200
    # The five reports of the three days (1, 2, 3, 5 and 6) share one cell.
    assert [cell[4] for cell in response.json()["cells"]] == [5]


def test_a_heads_heat_map_holds_only_their_organisations_reports(
    client, dispatcher, organisation, written
):
    # A fifth report of the head's organisation in the same cell: 1, 2, 5, 6 and this.
    make_appeal(written.city, "2026-00009", written.roof, utc(10, 12), TENTH,
                organisation=organisation, district=written.d1)  # fmt: skip
    write_days(city=written.city, first=TENTH, last=TENTH, now=AFTER)
    head = person("head-a@example.org", RoleKind.HEAD, organisation=organisation)
    client.force_login(head)
    assert [c[4] for c in client.get(URL + "heat.json", PERIOD).json()["cells"]] == [5]
    client.force_login(dispatcher)
    assert [c[4] for c in client.get(URL + "heat.json", PERIOD).json()["cells"]] == [6]
    # Every filter of the dashboard narrows the map: the other executor has one report.
    for narrower in ({"organisation": "gorsvet"}, {"district": "d2"}, {"channel": "post"}):
        cells = client.get(URL + "heat.json", {**PERIOD, **narrower}).json()["cells"]
        assert cells == [], narrower


def test_rows_under_the_minimum_are_in_name_order_not_ranked(client, dispatcher, written):
    client.force_login(dispatcher)
    response = client.get(URL, PERIOD, HTTP_ACCEPT_LANGUAGE="en")
    rows = response.context["dashboard"].table("categories").rows
    # Roof has three, the others one each: all under five, so by name.
    assert [row.label for row in rows] == ["Heating", "Letters", "Roof", "Street lights"]
