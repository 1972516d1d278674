"""Organisations and their service areas: checked for gaps and overlaps per category,
saved whole or not at all, audited."""

import json

import pytest
from django.urls import reverse

from mycity.appeals.routing import route
from mycity.cities.errors import InvalidSetup
from mycity.cities.models import Organisation
from mycity.console.coverage_report import category_coverage
from mycity.core.models import SetupChange
from mycity.setup.organisations import organisation_values, save_organisation
from tests.factories import OrganisationFactory, square

pytestmark = pytest.mark.django_db

LAT, LON = 55.4856, 28.7683


def box(south, west, north, east):
    ring = [[west, south], [east, south], [east, north], [west, north], [west, south]]
    return {"type": "Polygon", "coordinates": [ring]}


# The test city is ±0.05° around its centre.
WEST = box(LAT - 0.05, LON - 0.05, LAT + 0.05, LON)
EAST = box(LAT - 0.05, LON, LAT + 0.05, LON + 0.05)


def values(**changes):
    return {
        "slug": "zhes-2",
        "kind": "executor",
        "name_ru": "ЖЭС № 2",
        "activities": ["housing"],
        "service_area": EAST,
        "display_order": 100,
        "is_active": True,
        **changes,
    }


@pytest.fixture
def west_zhes(city):
    return OrganisationFactory(
        city=city, slug="zhes-west", activities=["housing"], service_area=WEST
    )


def fields_of(error):
    return {d["field"] for d in error.value.as_dict()["details"]}


def test_an_organisation_with_its_area_is_saved_audited_and_routed_to(
    city_admin, city, leaking_roof
):
    saved = save_organisation(actor=city_admin, city=city, organisation=None, values=values())
    assert saved.names == {"ru": "ЖЭС № 2", "be": "ЖЭС № 2", "en": "ЖЭС № 2"}
    assert (saved.min_lon, saved.max_lon) == pytest.approx((LON, LON + 0.05))
    change = SetupChange.objects.get(action="organisation.saved")
    assert change.after["service_area"] == EAST
    assert route(leaking_roof, lat=LAT, lon=LON + 0.02) == saved


def test_an_area_overlapping_another_executors_for_the_same_activity_is_refused(
    city_admin, city, west_zhes
):
    with pytest.raises(InvalidSetup) as refused:
        save_organisation(
            actor=city_admin,
            city=city,
            organisation=None,
            values=values(service_area=square(LAT, LON, 0.02)),
        )
    assert fields_of(refused) == {"service_area"}
    assert "zhes-west" not in str(refused.value.as_dict())  # named, not by slug
    assert not Organisation.objects.filter(slug="zhes-2").exists()


def test_an_overlap_for_another_activity_is_no_conflict(city_admin, city, west_zhes):
    save_organisation(
        actor=city_admin,
        city=city,
        organisation=None,
        values=values(activities=["lighting"], service_area=square(LAT, LON, 0.02)),
    )


def test_an_area_outside_the_city_is_refused(city_admin, city):
    with pytest.raises(InvalidSetup) as refused:
        save_organisation(
            actor=city_admin,
            city=city,
            organisation=None,
            values=values(service_area=square(53.9, 27.56, 0.02)),
        )
    assert fields_of(refused) == {"service_area"}


def test_a_self_crossing_area_is_refused(city_admin, city):
    bow_tie = {
        "type": "Polygon",
        "coordinates": [[[28.7, 55.45], [28.8, 55.5], [28.8, 55.45], [28.7, 55.5], [28.7, 55.45]]],
    }
    with pytest.raises(InvalidSetup) as refused:
        save_organisation(
            actor=city_admin, city=city, organisation=None, values=values(service_area=bow_tie)
        )
    assert fields_of(refused) == {"service_area"}


def test_bad_contacts_and_a_taken_slug_are_field_errors_and_the_row_is_unchanged(
    city_admin, city, west_zhes
):
    before = organisation_values(west_zhes)
    with pytest.raises(InvalidSetup) as refused:
        save_organisation(
            actor=city_admin,
            city=city,
            organisation=west_zhes,
            values={"email": "nobody", "website": "ftp://x", "slug": "Zhes West"},
        )
    assert fields_of(refused) == {"email", "website", "slug"}
    west_zhes.refresh_from_db()
    assert organisation_values(west_zhes) == before


def test_the_check_shows_gaps_and_overlaps_per_category(city, west_zhes, leaking_roof):
    # The fixture's city-wide housing company would cover everything: it does water now.
    Organisation.objects.filter(slug="zhes-1").update(activities=["water"])
    (row,) = category_coverage(city)
    assert row.category == leaking_roof
    assert row.coverage.gap_share == pytest.approx(0.5)
    proposed = Organisation(city=city, kind="executor", activities=["housing"], slug="x")
    proposed.service_area, proposed.name_ru = EAST, "ЖЭС № 2"
    (row,) = category_coverage(city, replacing=proposed)
    assert not row.coverage.has_gap and not row.coverage.overlaps
    proposed.service_area = square(LAT, LON, 0.05)
    (row,) = category_coverage(city, replacing=proposed)
    assert [(o.first.slug, o.second.slug) for o in row.coverage.overlaps] == [("zhes-west", "x")]


def test_a_dispatcher_cannot_open_the_organisations(client, dispatcher, city):
    client.force_login(dispatcher)
    assert (
        client.get(reverse("console:organisations", kwargs={"slug": city.slug})).status_code == 404
    )


def form(**changes):
    data = {
        "name_ru": "ЖЭС № 2",
        "slug": "zhes-2",
        "kind": "executor",
        "activities": ["housing"],
        "display_order": "100",
        "is_active": "on",
        "service_area": json.dumps({"type": "Feature", "geometry": EAST, "properties": {}}),
        "action": "save",
    }
    data.update(changes)
    return data


def test_checking_on_the_page_saves_nothing_and_shows_the_gap(
    client, city_admin, city, leaking_roof, west_zhes
):
    client.force_login(city_admin)
    url = reverse("console:new_organisation", kwargs={"slug": city.slug})
    response = client.post(
        url, form(action="check", service_area=json.dumps(square(LAT, LON + 0.04, 0.01)))
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "С такими значениями" in page
    assert not Organisation.objects.filter(slug="zhes-2").exists()


def test_saving_a_pasted_feature_on_the_page(client, city_admin, city):
    client.force_login(city_admin)
    url = reverse("console:new_organisation", kwargs={"slug": city.slug})
    response = client.post(url, form())
    assert response.status_code == 302
    assert Organisation.objects.get(slug="zhes-2").service_area == EAST


def test_no_area_and_not_city_wide_is_a_field_error(client, city_admin, city):
    client.force_login(city_admin)
    url = reverse("console:new_organisation", kwargs={"slug": city.slug})
    response = client.post(url, form(service_area=""))
    assert response.status_code == 400
    assert not Organisation.objects.filter(slug="zhes-2").exists()


def test_a_city_wide_organisation_needs_no_area(client, city_admin, city):
    client.force_login(city_admin)
    url = reverse("console:new_organisation", kwargs={"slug": city.slug})
    assert client.post(url, form(service_area="", city_wide="on")).status_code == 302
    assert Organisation.objects.get(slug="zhes-2").service_area is None
