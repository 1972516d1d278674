"""Service areas given as streets and house ranges from the registry: saved whole or not
at all and audited, routed to, and counted in the gaps and overlaps per category."""

import pytest
from django.urls import reverse

from mycity.appeals.routing import route
from mycity.cities.errors import InvalidSetup
from mycity.cities.house_ranges import HouseRange
from mycity.cities.models import Organisation, ServiceAddress
from mycity.console.coverage_report import category_coverage
from mycity.core.models import SetupChange
from mycity.setup.organisations import save_organisation
from tests.appeal_fixtures import submit_report
from tests.factories import BuildingFactory, StreetFactory

pytestmark = pytest.mark.django_db

LAT, LON = 55.4856, 28.7683


@pytest.fixture
def lenina(city):
    """Улица Ленина with houses 1–10, all at the city's centre."""
    street = StreetFactory(city=city, name_ru="Ленина", name_be="Леніна")
    for number in range(1, 11):
        BuildingFactory(street=street, number=str(number), lat=LAT, lon=LON + number * 1e-4)
    return street


@pytest.fixture
def only_listed(city, organisation):
    # The fixture's city-wide housing company does water now: housing has no fallback.
    Organisation.objects.filter(pk=organisation.pk).update(activities=["water"])


def values(street, *lines, slug="zhes-odd", **changes):
    return {
        "slug": slug,
        "kind": "executor",
        "name_ru": f"ЖЭС {slug}",
        "activities": ["housing"],
        "service_area": None,
        "serves_addresses": True,
        "service_addresses": list(lines) or [HouseRange(street_id=street.pk)],
        "display_order": 100,
        "is_active": True,
        **changes,
    }


def odd(street, low=None, high=None):
    return HouseRange(street_id=street.pk, number_from=low, number_to=high, parity="odd")


def even(street):
    return HouseRange(street_id=street.pk, parity="even")


def fields_of(error):
    return {d["field"] for d in error.value.as_dict()["details"]}


def building(street, number):
    return street.buildings.get(number=str(number))


def test_the_odd_side_is_saved_audited_and_routed_to(city_admin, city, lenina, leaking_roof):
    saved = save_organisation(
        actor=city_admin, city=city, organisation=None, values=values(lenina, odd(lenina))
    )
    assert list(
        ServiceAddress.objects.filter(organisation=saved).values_list("parity", flat=True)
    ) == ["odd"]
    change = SetupChange.objects.get(action="organisation.saved", subject="zhes-odd")
    assert change.after["service_addresses"] == ["Ленина odd"]
    assert route(leaking_roof, lat=None, lon=None, building_id=building(lenina, 3).pk) == saved
    # The even side falls back to the fixture's city-wide housing company.
    assert route(leaking_roof, lat=None, lon=None, building_id=building(lenina, 4).pk) != saved


def test_a_report_at_a_listed_house_routes_there(city_admin, city, lenina, leaking_roof, resident):
    saved = save_organisation(
        actor=city_admin, city=city, organisation=None, values=values(lenina, odd(lenina, 1, 5))
    )
    appeal = submit_report(
        resident,
        leaking_roof,
        building_id=building(lenina, 3).pk,
        extra={"entrance": 1},
    )
    assert appeal.organisation == saved


def test_a_point_next_to_a_listed_house_routes_there(city_admin, city, lenina, leaking_roof):
    saved = save_organisation(
        actor=city_admin, city=city, organisation=None, values=values(lenina, odd(lenina, 5, 5))
    )
    assert route(leaking_roof, lat=LAT, lon=LON + 5e-4) == saved


def test_an_unknown_street_is_a_field_error_and_nothing_is_saved(city_admin, city, lenina):
    with pytest.raises(InvalidSetup) as refused:
        save_organisation(
            actor=city_admin,
            city=city,
            organisation=None,
            values=values(lenina, HouseRange(street_id=999_999)),
        )
    assert fields_of(refused) == {"service_addresses[0]"}
    assert not Organisation.objects.filter(slug="zhes-odd").exists()


def test_a_street_of_another_city_is_refused(city_admin, city, other_city, lenina):
    foreign = StreetFactory(city=other_city, name_ru="Ленина")
    with pytest.raises(InvalidSetup) as refused:
        save_organisation(
            actor=city_admin,
            city=city,
            organisation=None,
            values=values(lenina, HouseRange(street_id=foreign.pk)),
        )
    assert fields_of(refused) == {"service_addresses[0]"}


def test_a_range_that_ends_before_it_starts_is_refused(city_admin, city, lenina):
    with pytest.raises(InvalidSetup) as refused:
        save_organisation(
            actor=city_admin, city=city, organisation=None, values=values(lenina, odd(lenina, 9, 3))
        )
    assert fields_of(refused) == {"service_addresses[0].number_to"}


def test_an_empty_list_is_refused(city_admin, city, lenina):
    data = values(lenina)
    data["service_addresses"] = []
    with pytest.raises(InvalidSetup) as refused:
        save_organisation(actor=city_admin, city=city, organisation=None, values=data)
    assert fields_of(refused) == {"service_addresses"}


def test_houses_another_executor_serves_are_an_overlap(city_admin, city, lenina):
    save_organisation(
        actor=city_admin, city=city, organisation=None, values=values(lenina, odd(lenina))
    )
    with pytest.raises(InvalidSetup) as refused:
        save_organisation(
            actor=city_admin,
            city=city,
            organisation=None,
            values=values(
                lenina, HouseRange(street_id=lenina.pk, number_from=1, number_to=4), slug="zhes-b"
            ),
        )
    assert fields_of(refused) == {"service_addresses"}
    assert "2 из этих адресов" in str(refused.value.as_dict())


def test_another_citys_organisation_cannot_be_changed(city_admin, city, lenina, other_organisation):
    with pytest.raises(InvalidSetup):
        save_organisation(
            actor=city_admin,
            city=city,
            organisation=other_organisation,
            values=values(lenina, odd(lenina), slug=other_organisation.slug),
        )
    assert not ServiceAddress.objects.exists()


def test_gaps_and_overlaps_are_counted_in_addresses(
    city_admin, city, lenina, leaking_roof, only_listed
):
    save_organisation(
        actor=city_admin, city=city, organisation=None, values=values(lenina, odd(lenina))
    )
    (row,) = category_coverage(city)
    assert row.coverage.by_addresses
    assert row.coverage.address_gaps == 5  # the even side
    assert row.coverage.address_gap_examples[0] == "Ленина, 2"
    assert not row.coverage.complete
    proposed = Organisation(city=city, kind="executor", activities=["housing"], slug="x")
    proposed.name_ru, proposed.serves_addresses = "ЖЭС чётный", True
    proposed.proposed_lines = [even(lenina)]
    (row,) = category_coverage(city, replacing=proposed)
    assert (row.coverage.address_gaps, row.coverage.address_overlaps) == (0, [])
    assert row.coverage.complete
    proposed.proposed_lines = [HouseRange(street_id=lenina.pk)]
    (row,) = category_coverage(city, replacing=proposed)
    [overlap] = row.coverage.address_overlaps
    assert overlap.addresses == 5


def form(street_rows, **changes):
    data = {
        "name_ru": "ЖЭС № 2",
        "slug": "zhes-2",
        "kind": "executor",
        "activities": ["housing"],
        "display_order": "100",
        "is_active": "on",
        "serves_addresses": "on",
        "action": "save",
    }
    for row, (street, houses, parity) in enumerate(street_rows):
        data |= {f"street_{row}": street, f"houses_{row}": houses, f"parity_{row}": parity}
    data.update(changes)
    return data


def test_the_page_saves_streets_and_ranges(client, city_admin, city, lenina):
    client.force_login(city_admin)
    url = reverse("console:new_organisation", kwargs={"slug": city.slug})
    response = client.post(url, form([("Ленина", "1-5", "odd"), ("леніна", "8", "all")]))
    assert response.status_code == 302
    saved = Organisation.objects.get(slug="zhes-2")
    assert saved.serves_addresses and saved.service_area is None
    lines = list(
        ServiceAddress.objects.filter(organisation=saved)
        .order_by("pk")
        .values_list("number_from", "number_to", "parity")
    )
    assert lines == [(1, 5, "odd"), (8, 8, "all")]
    page = client.get(
        reverse("console:organisation", kwargs={"slug": city.slug, "organisation_id": saved.pk})
    )
    assert page.context["form"]["houses_0"].value() == "1-5"


def test_the_page_refuses_an_unknown_street_and_a_backward_range(client, city_admin, city, lenina):
    client.force_login(city_admin)
    url = reverse("console:new_organisation", kwargs={"slug": city.slug})
    response = client.post(url, form([("Несуществующая", "", "all"), ("Ленина", "9-3", "all")]))
    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"street_0", "houses_1"}
    assert not Organisation.objects.filter(slug="zhes-2").exists()


def test_the_check_on_the_page_shows_address_gaps(
    client, city_admin, city, lenina, leaking_roof, only_listed
):
    client.force_login(city_admin)
    url = reverse("console:new_organisation", kwargs={"slug": city.slug})
    response = client.post(url, form([("Ленина", "", "odd")], action="check"))
    assert response.status_code == 200
    (row,) = response.context["checked"]
    assert row.coverage.address_gaps == 5
    assert "Ленина, 2" in response.content.decode()
    assert not Organisation.objects.filter(slug="zhes-2").exists()
