"""The reports page of the console: who may open it, what it shows, what it refuses."""

import re

import pytest
from django.utils import timezone

from mycity.accounts.models import RoleKind
from mycity.appeals import selectors as appeal_selectors
from mycity.cities.calendar import calendar_for
from mycity.console.forms import TABS
from mycity.console.views import COUNTED_STATUSES
from mycity.reports.forms import current_month
from tests.conftest import person
from tests.reports.conftest import MARCH

pytestmark = pytest.mark.django_db

PAGE = "/console/polotsk/reports/"


def cells(html: str, table: str, key: str) -> list[int]:
    """The numbers of one row of one table of the page."""
    section = html.split(f'id="table-{table}"', 1)[1].split("</section>", 1)[0]
    row = section.split(f'data-key="{key}"', 1)[1].split("</tr>", 1)[0]
    return [int(n) for n in re.findall(r'<td class="number">(\d+)</td>', row)]


def test_a_dispatcher_reads_the_months_figures(client, march):
    client.force_login(march.dispatcher)
    response = client.get(PAGE, MARCH)
    assert response.status_code == 200
    html = response.content.decode()
    assert cells(html, "channels", "app") == [6, 2, 1, 1, 2]
    assert cells(html, "organisations", "zhes-1") == [6, 4, 1, 1, 0]
    assert cells(html, "results", "in_work") == [4]
    assert cells(html, "timeliness", "total") == [12]
    query = "date_from=2026-03-01&amp;date_to=2026-03-31"
    assert f"/console/polotsk/reports/appeals.csv?{query}" in html
    assert f"/console/polotsk/reports/appeals.xlsx?{query}" in html
    # The queue stays a click away.
    assert 'href="/console/polotsk/"' in html


def test_the_city_admin_reads_them_too_and_sees_the_link(client, march, city_admin):
    client.force_login(city_admin)
    response = client.get(PAGE, MARCH)
    assert response.status_code == 200
    assert f'href="{PAGE}"' in response.content.decode()


def test_the_period_defaults_to_the_current_month_of_the_city(client, march):
    client.force_login(march.dispatcher)
    response = client.get(PAGE)
    assert response.status_code == 200
    start, end = current_month(calendar_for(march.city).local_date(timezone.now()))
    report = response.context["report"]
    assert (report.filters.start, report.filters.end) == (start, end)
    assert start.day == 1 and end.month == start.month and end.day >= 28


def test_an_executor_may_not_read_reports(client, march):
    client.force_login(march.executor)
    assert client.get(PAGE, MARCH).status_code == 403
    assert client.get(PAGE + "appeals.csv", MARCH).status_code == 403
    # …and is not offered the link.
    queue = client.get("/console/polotsk/").content.decode()
    assert PAGE not in queue


def test_a_dispatcher_of_another_city_finds_no_console_here(client, march, other_city):
    stranger = person("dispatcher@orsha.example.org", RoleKind.DISPATCHER, city=other_city)
    client.force_login(stranger)
    assert client.get(PAGE, MARCH).status_code == 404
    assert client.get(PAGE + "appeals.xlsx", MARCH).status_code == 404


def test_a_resident_finds_no_console(client, march):
    client.force_login(march.resident)
    assert client.get(PAGE, MARCH).status_code == 404


def test_a_head_sees_only_their_organisations_figures(client, march):
    client.force_login(march.head)
    response = client.get(PAGE, MARCH)
    assert response.status_code == 200
    html = response.content.decode()
    assert cells(html, "timeliness", "total") == [6]
    assert cells(html, "organisations", "zhes-1") == [6, 4, 1, 1, 0]
    assert 'data-key="gorsvet"' not in html
    assert f'href="{PAGE}"' in html


def test_a_head_cannot_ask_for_another_organisation(client, march):
    client.force_login(march.head)
    response = client.get(PAGE, {**MARCH, "organisation": "gorsvet"})
    assert response.status_code == 400
    assert "organisation" in response.context["form"].errors


def test_a_dispatcher_narrows_to_one_executor(client, march):
    client.force_login(march.dispatcher)
    html = client.get(PAGE, {**MARCH, "organisation": "gorsvet"}).content.decode()
    assert cells(html, "timeliness", "total") == [4]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"date_from": "2026-03-31", "date_to": "2026-03-01"}, "date_to"),
        ({"date_from": "2020-01-01", "date_to": "2026-03-31"}, "date_to"),
        ({"date_from": "2026-02-30", "date_to": "2026-03-31"}, "date_from"),
        ({"date_from": "yesterday", "date_to": "2026-03-31"}, "date_from"),
        ({"date_from": "", "date_to": "2026-03-31"}, "date_from"),
        ({**MARCH, "channel": "pigeon"}, "channel"),
        ({**MARCH, "kind": "complaint"}, "kind"),
        ({**MARCH, "organisation": "no-such"}, "organisation"),
    ],
)
def test_a_bad_request_is_a_400_with_the_fields_mistake(client, march, query, field):
    client.force_login(march.dispatcher)
    response = client.get(PAGE, query)
    assert response.status_code == 400
    assert list(response.context["form"].errors) == [field]
    assert response.context["report"] is None
    assert 'role="alert"' in response.content.decode()
    assert client.get(PAGE + "appeals.csv", query).status_code == 400


def test_five_whole_years_are_allowed(client, march):
    client.force_login(march.dispatcher)
    response = client.get(PAGE, {"date_from": "2021-04-01", "date_to": "2026-03-31"})
    assert response.status_code == 200


def test_the_mistakes_are_in_the_persons_language(client, march):
    client.force_login(march.dispatcher)
    bad = {"date_from": "2026-13-01", "date_to": "2026-03-31"}
    russian = client.get(PAGE, bad).content.decode()
    assert "Введите правильную дату." in russian
    english = client.get(PAGE, bad, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Enter a valid date." in english


def test_the_queue_and_the_report_count_the_same_appeals(client, march):
    """Over a period holding all of the city's appeals, the report's statuses are the
    queue's counters, for the dispatcher's whole city and for the head's organisation."""
    everything = {"date_from": "2026-01-01", "date_to": "2026-12-31"}
    for someone in (march.dispatcher, march.head):
        client.force_login(someone)
        queue = client.get("/console/polotsk/")
        assert queue.status_code == 200
        report = client.get(PAGE, everything).context["report"]
        by_status = {row.key: row.values[0] for row in report.table("statuses").rows}
        handled = appeal_selectors.handled_in(someone, march.city)
        counts = appeal_selectors.status_counts(handled, statuses=COUNTED_STATUSES)
        assert counts == {s: by_status[s] for s in COUNTED_STATUSES if by_status[s]}
        tabs = {key: n for key, _label, n in queue.context["tabs"]}
        for key, (_label, statuses) in TABS.items():
            if tabs[key] is not None:
                assert tabs[key] == sum(by_status[s] for s in statuses)
        assert by_status["total"] == handled.count()
