"""The RSS feeds of public reports (by area and per report) and the alerts on the
subscriptions page and a report's own page."""

import xml.etree.ElementTree as ET

import pytest

from mycity.accounts.models import RoleKind
from mycity.appeals.actions.moves import start_work
from mycity.appeals.models import ReportAlert
from tests.appeal_fixtures import INSIDE, submit_report
from tests.conftest import person
from tests.factories import BuildingFactory, DistrictFactory, StreetFactory

pytestmark = pytest.mark.django_db


def rss(response):
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/rss+xml; charset=utf-8"
    root = ET.fromstring(response.content)  # noqa: S314 (our own output)
    assert root.tag == "rss" and root.get("version") == "2.0"
    return root.find("channel")


def test_the_area_feed_lists_the_public_reports_around_a_point(client, resident, street_light):
    near = submit_report(resident, street_light, description="Фонарь, тел. +375 29 111-22-33")
    channel = rss(
        client.get(
            "/polotsk/reports/feed/",
            {"lat": INSIDE[0], "lon": INSIDE[1], "radius": 500},
        )
    )
    assert channel.findtext("title")
    items = channel.findall("item")
    assert [i.findtext("guid") for i in items] == [f"http://testserver{near.public_path()}"]
    assert items[0].findtext("link") == f"http://testserver{near.public_path()}"
    assert "111-22-33" not in items[0].findtext("description")
    assert items[0].findtext("pubDate")


def test_the_area_feed_by_district_and_by_category(client, resident, street_light, city):
    centre = DistrictFactory(city=city, slug="centre")
    one = submit_report(resident, street_light)
    assert one.district_id == centre.pk
    by_district = rss(client.get("/polotsk/reports/feed/", {"district": "centre"}))
    by_category = rss(client.get("/polotsk/reports/feed/", {"category": street_light.slug}))
    assert len(by_district.findall("item")) == len(by_category.findall("item")) == 1


@pytest.mark.parametrize(
    "query",
    [
        {},
        {"lat": "x", "lon": "1"},
        {"lat": str(INSIDE[0]), "lon": str(INSIDE[1]), "radius": "99999"},
        {"lat": "55.70", "lon": "28.90"},
        {"district": "nowhere"},
        {"category": "nothing"},
        {"district": "a", "category": "b"},
    ],
)
def test_a_feed_asked_for_wrongly_is_a_400_that_says_why(client, city, query):
    response = client.get("/polotsk/reports/feed/", query, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert response.content.decode().strip()


def test_the_feed_of_a_report_is_its_public_timeline_without_notes(
    client, resident, executor, leaking_roof
):
    roof = submit_report(resident, leaking_roof, extra={"entrance": 1})
    start_work(actor=executor, appeal=roof, note="Бригада Петрова")
    channel = rss(client.get(f"/polotsk/reports/{roof.pk}/feed/", HTTP_ACCEPT_LANGUAGE="en"))
    items = channel.findall("item")
    assert "In progress" in items[0].findtext("title")
    assert "Петрова" not in ET.tostring(channel, encoding="unicode")
    guids = [i.findtext("guid") for i in items]
    assert len(guids) == len(set(guids))


def test_a_private_appeal_has_no_feed(client, resident, housing_question, city):
    from mycity.appeals.actions.submission import submit_appeal
    from tests.appeal_fixtures import e_appeal_draft

    private = submit_appeal(
        applicant=resident, city=city, draft=e_appeal_draft(housing_question)
    ).appeal
    assert client.get(f"/polotsk/reports/{private.pk}/feed/").status_code == 404


def test_a_resident_adds_an_alert_around_an_address_and_stops_it(client, city):
    neighbour = person("neighbour@example.org", RoleKind.RESIDENT, city=city)
    street = StreetFactory(city=city, name_ru="Нижне-Покровская", name_be="Ніжне-Пакроўская")
    BuildingFactory(street=street, number="5", lat=INSIDE[0], lon=INSIDE[1])
    client.force_login(neighbour)
    response = client.post(
        "/my/alerts/",
        {"kind": "area", "address": "Нижне-Покровская 5", "radius": "1000", "email": "on"},
    )
    assert response.status_code == 302
    alert = ReportAlert.objects.get(user=neighbour)
    assert (alert.radius_m, alert.channels) == (1000, ["in_app", "email"])
    page = client.get("/my/subscriptions/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "New reports within 1000 m of" in page
    assert "/polotsk/reports/feed/?lat=" in page
    client.post(f"/my/alerts/{alert.pk}/stop")
    assert not ReportAlert.objects.exists()


def test_an_unknown_address_is_a_field_error(client, city):
    neighbour = person("neighbour@example.org", RoleKind.RESIDENT, city=city)
    client.force_login(neighbour)
    response = client.post(
        "/my/alerts/", {"kind": "area", "address": "Нет такой 1"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 400
    assert "No such address in the registry of this city." in response.content.decode()
    assert not ReportAlert.objects.exists()


def test_someone_elses_alert_cannot_be_stopped(client, city, street_light):
    from mycity.appeals import alerts

    owner = person("owner@example.org", RoleKind.RESIDENT, city=city)
    alert = alerts.follow_category(user=owner, category=street_light)
    client.force_login(person("other@example.org", RoleKind.RESIDENT, city=city))
    assert client.post(f"/my/alerts/{alert.pk}/stop").status_code == 404
    assert ReportAlert.objects.filter(pk=alert.pk).exists()


def test_a_resident_follows_a_report_from_its_page(client, resident, street_light, city):
    one = submit_report(resident, street_light)
    neighbour = person("neighbour@example.org", RoleKind.RESIDENT, city=city)
    client.force_login(neighbour)
    response = client.post(f"/polotsk/reports/{one.pk}/follow")
    assert response["Location"] == one.public_path()
    client.post(f"/polotsk/reports/{one.pk}/follow")
    assert ReportAlert.objects.filter(user=neighbour, appeal=one).count() == 1
