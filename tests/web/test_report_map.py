"""The map of public reports and its list view."""

import pytest
from django.urls import reverse

from mycity.appeals.models import Appeal, Status
from tests.appeal_fixtures import submit_report

pytestmark = pytest.mark.django_db


def map_url(city):
    return reverse("web:report_map", kwargs={"slug": city.slug})


def test_the_list_shows_open_public_reports_without_personal_data(
    client, resident, city, street_light
):
    report = submit_report(resident, street_light, description="Не горит фонарь")
    page = client.get(map_url(city)).content.decode()
    assert report.number in page and "Не горит фонарь" in page
    assert resident.email not in page


def test_filters_by_status_and_category(client, resident, city, street_light, leaking_roof):
    light = submit_report(resident, street_light)
    roof = submit_report(resident, leaking_roof, extra={"entrance": 1})
    Appeal.objects.filter(pk=roof.pk).update(status=Status.CLOSED)
    page = client.get(map_url(city)).content.decode()  # open ones by default
    assert light.number in page and roof.number not in page
    finished = client.get(map_url(city), {"status": "closed"}).content.decode()
    assert roof.number in finished and light.number not in finished
    lights = client.get(map_url(city), {"category": "street-light-out", "status": ""})
    assert roof.number not in lights.content.decode()


def test_the_map_draws_the_same_filters_from_the_geojson(client, city, street_light):
    response = client.get(map_url(city), {"category": "street-light-out", "status": "open"})
    source = response.context["reports_map"]["source"]
    assert source.startswith("/api/v1/cities/polotsk/reports.geojson?")
    assert "category=street-light-out" in source and "status=open" in source
    assert client.get(source).status_code == 200


def test_the_list_pages_on(client, resident, city, street_light, monkeypatch):
    from mycity.web import map_views

    monkeypatch.setattr(map_views, "LIST_PAGE", 2)
    made = [submit_report(resident, street_light) for _ in range(3)]
    first = client.get(map_url(city))
    assert made[0].number not in first.content.decode()
    second = client.get(f"{map_url(city)}?{first.context['next_query']}").content.decode()
    assert made[0].number in second and made[2].number not in second


def test_a_bad_filter_is_a_400_with_the_form(client, city, street_light):
    response = client.get(map_url(city), {"status": "lost"})
    assert response.status_code == 400
    assert 'class="errorlist' in response.content.decode()
