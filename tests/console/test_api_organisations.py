"""Organisations and their service areas through the API: what the console's
organisation pages do, by the same service and the same check of gaps and overlaps;
a malformed area is a 400 on `area`, and nothing is half-saved."""

import json

import pytest

from mycity.accounts.models import RoleKind
from mycity.cities.models import Organisation, ServiceAddress
from mycity.core.models import SetupChange
from mycity.setup.organisations import organisation_values
from tests.conftest import bearer, person
from tests.factories import BuildingFactory, OrganisationFactory, StreetFactory, square

pytestmark = pytest.mark.django_db

LAT, LON = 55.4856, 28.7683
ORGANISATIONS = "/api/v1/cities/polotsk/staff/organisations"
CHECKS = "/api/v1/cities/polotsk/staff/coverage-checks"


def box(south, west, north, east):
    ring = [[west, south], [east, south], [east, north], [west, north], [west, south]]
    return {"type": "Polygon", "coordinates": [ring]}


# The test city is ±0.05° around its centre.
WEST = box(LAT - 0.05, LON - 0.05, LAT + 0.05, LON)
EAST = box(LAT - 0.05, LON, LAT + 0.05, LON + 0.05)


def body(**changes):
    return {
        "slug": "zhes-2",
        "kind": "executor",
        "name_ru": "ЖЭС № 2",
        "activities": ["housing"],
        "email": "zhes2@example.org",
        "area": EAST,
        **changes,
    }


@pytest.fixture
def west_zhes(city):
    return OrganisationFactory(
        city=city, slug="zhes-west", name_ru="ЖЭС Запад", activities=["housing"], service_area=WEST
    )


def send(client, method, url, data, **headers):
    return getattr(client, method)(
        url, json.dumps(data), content_type="application/json", **headers
    )


def fields(response):
    return {detail["field"] for detail in response.json()["details"]}


def test_the_administrator_adds_an_organisation_with_a_drawn_area(client, city_admin, city):
    client.force_login(city_admin)
    response = send(client, "post", ORGANISATIONS, body())
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["name_be"] == "ЖЭС № 2" and created["short_name_ru"] == "ЖЭС № 2"
    assert created["area"]["type"] == "Polygon"
    assert (created["city_wide"], created["serves_addresses"]) == (False, False)
    assert client.get(f"{ORGANISATIONS}/zhes-2").json() == created
    change = SetupChange.objects.get(action="organisation.saved", subject="zhes-2")
    assert change.before == {} and change.after["email"] == "zhes2@example.org"


def test_the_list_has_every_organisation_of_the_city_only(
    client, city_admin, organisation, west_zhes, other_organisation
):
    client.force_login(city_admin)
    listed = client.get(ORGANISATIONS).json()
    assert sorted(o["slug"] for o in listed) == ["zhes-1", "zhes-west"]


def test_a_change_is_audited_before_and_after_and_whole_city_drops_the_area(
    client, city_admin, west_zhes
):
    client.force_login(city_admin)
    url = f"{ORGANISATIONS}/{west_zhes.slug}"
    sent = body(slug="zhes-west", name_ru="ЖЭС Запад", email="", area=None, city_wide=True)
    response = send(client, "put", url, sent)
    assert response.status_code == 200, response.content
    assert (response.json()["area"], response.json()["city_wide"]) == (None, True)
    change = SetupChange.objects.get(action="organisation.saved", subject="zhes-west")
    assert change.before["service_area"] == WEST and change.after["service_area"] is None


def test_an_overlapping_area_is_refused_on_area_and_nothing_is_saved(client, city_admin, west_zhes):
    client.force_login(city_admin)
    response = send(client, "post", ORGANISATIONS, body(area=square(LAT, LON, 0.02)))
    assert response.status_code == 400
    assert fields(response) == {"area"}
    assert "ЖЭС Запад" in response.json()["details"][0]["message"]
    assert not Organisation.objects.filter(slug="zhes-2").exists()
    assert not SetupChange.objects.filter(action="organisation.saved").exists()


@pytest.mark.parametrize(
    "area",
    [
        # An outline that crosses itself.
        {
            "type": "Polygon",
            "coordinates": [
                [[28.7, 55.45], [28.8, 55.5], [28.8, 55.45], [28.7, 55.5], [28.7, 55.45]]
            ],
        },
        # Every point the same: an empty area.
        {"type": "Polygon", "coordinates": [[[28.7, 55.45]] * 4]},
        # Outside the city.
        square(53.9, 27.56, 0.02),
        # Two parts, one of which crosses itself.
        {
            "type": "MultiPolygon",
            "coordinates": [
                EAST["coordinates"],
                [[[28.7, 55.45], [28.8, 55.5], [28.8, 55.45], [28.7, 55.5], [28.7, 55.45]]],
            ],
        },
    ],
)
def test_a_malformed_or_empty_or_outside_area_is_a_400_on_area(client, city_admin, area):
    client.force_login(city_admin)
    response = send(client, "post", ORGANISATIONS, body(area=area))
    assert response.status_code == 400, response.content
    assert fields(response) == {"area"}
    assert not Organisation.objects.exists()


@pytest.mark.parametrize(
    "area",
    [
        {"type": "Point", "coordinates": [28.7, 55.45]},
        {"type": "Polygon", "coordinates": [[[28.7, 55.45], [28.8, 55.5]]]},
        {
            "type": "Polygon",
            "coordinates": [[[28.7, 95.0], [28.8, 55.5], [28.8, 55.4], [28.7, 95]]],
        },
        {"type": "Polygon", "coordinates": "nothing"},
        {"type": "MultiPolygon", "coordinates": []},
        [1, 2],
    ],
)
def test_geojson_the_schema_refuses_is_a_400_on_area_never_a_500(client, city_admin, area):
    client.force_login(city_admin)
    response = send(client, "post", ORGANISATIONS, body(area=area))
    assert response.status_code == 400, response.content
    assert all(field.startswith("area") for field in fields(response))


def test_neither_an_area_nor_city_wide_nor_both_is_a_field_error(client, city_admin):
    client.force_login(city_admin)
    assert fields(send(client, "post", ORGANISATIONS, body(area=None))) == {"area"}
    assert fields(send(client, "post", ORGANISATIONS, body(city_wide=True))) == {"area"}
    assert not Organisation.objects.exists()


def test_a_taken_slug_and_bad_contacts_are_field_errors_and_the_row_is_unchanged(
    client, city_admin, west_zhes, organisation
):
    before = organisation_values(west_zhes)
    client.force_login(city_admin)
    response = send(
        client,
        "put",
        f"{ORGANISATIONS}/{west_zhes.slug}",
        body(slug="zhes-1", email="nobody", website="ftp://x", area=WEST),
    )
    assert response.status_code == 400
    assert fields(response) == {"slug", "email", "website"}
    west_zhes.refresh_from_db()
    assert organisation_values(west_zhes) == before


def test_an_organisation_serving_streets_keeps_them_without_an_area(
    client, city_admin, city, organisation
):
    street = StreetFactory(city=city, name_ru="Ленина")
    BuildingFactory(street=street, number="1", lat=LAT, lon=LON)
    organisation.serves_addresses = True
    organisation.service_area = None
    organisation.save()
    ServiceAddress.objects.create(organisation=organisation, street=street)
    client.force_login(city_admin)
    url = f"{ORGANISATIONS}/{organisation.slug}"
    response = send(client, "put", url, body(slug="zhes-1", name_ru="ЖЭС № 1", area=None))
    assert response.status_code == 200, response.content
    assert response.json()["serves_addresses"] is True
    assert response.json()["service_addresses"] == ["Ленина"]


def test_the_check_shows_the_gap_and_saves_nothing(client, city_admin, west_zhes, leaking_roof):
    # The fixture's city-wide housing company does water now: west and east are left.
    Organisation.objects.filter(slug="zhes-1").update(activities=["water"])
    client.force_login(city_admin)
    response = send(client, "post", CHECKS, body())
    assert response.status_code == 200, response.content
    [row] = response.json()
    assert row["category"] == leaking_roof.slug
    assert row["gap_share"] == pytest.approx(0.0, abs=0.01)
    assert row["complete"] is True
    shrunk = send(
        client,
        "post",
        CHECKS,
        body(
            organisation="zhes-west",
            slug="zhes-west",
            name_ru="ЖЭС Запад",
            area=square(LAT, LON - 0.025, 0.01),
        ),
    )
    [row] = shrunk.json()
    assert row["gap_share"] == pytest.approx(0.96, abs=0.01)  # only the small square
    assert row["complete"] is False
    assert not Organisation.objects.filter(slug="zhes-2").exists()
    assert Organisation.objects.get(slug="zhes-west").service_area == WEST
    unknown = send(client, "post", CHECKS, body(organisation="nobody"))
    assert (unknown.status_code, fields(unknown)) == (400, {"organisation"})
    assert not SetupChange.objects.filter(action="organisation.saved").exists()


def test_the_administrator_of_another_city_and_a_dispatcher_get_a_404(
    client, city, other_city, dispatcher, west_zhes
):
    client.force_login(person("a@orsha.example.org", RoleKind.CITY_ADMIN, city=other_city))
    assert client.get(ORGANISATIONS).status_code == 404
    assert send(client, "put", f"{ORGANISATIONS}/zhes-west", body()).status_code == 404
    client.force_login(dispatcher)
    assert send(client, "post", ORGANISATIONS, body()).status_code == 404
    assert send(client, "post", CHECKS, body()).status_code == 404
    assert not SetupChange.objects.filter(action="organisation.saved").exists()


def test_the_platform_administrator_may_and_a_token_acts_for_the_administrator(
    client, city, city_admin, platform_admin
):
    client.force_login(platform_admin)
    assert send(client, "post", ORGANISATIONS, body()).status_code == 201
    client.logout()
    response = send(
        client,
        "put",
        f"{ORGANISATIONS}/zhes-2",
        body(phone="+375 214 00-00-00"),
        **bearer(city_admin, city),
    )
    assert response.status_code == 200, response.content
    assert SetupChange.objects.filter(action="organisation.saved").count() == 2
