import pytest

from mycity.accounts.errors import AddressOutsideCity
from mycity.accounts.services import update_personal_settings
from tests.factories import BuildingFactory

pytestmark = pytest.mark.django_db


def test_a_building_sets_the_home_city_too(resident, city):
    building = BuildingFactory(street__city=city)
    update_personal_settings(user=resident, home_building=building)
    resident.refresh_from_db()
    assert (resident.home_city, resident.home_building) == (city, building)


def test_a_building_in_another_city_than_the_home_city_is_refused(resident, city, other_city):
    building = BuildingFactory(street__city=other_city)
    with pytest.raises(AddressOutsideCity) as caught:
        update_personal_settings(user=resident, home_city=city, home_building=building)
    assert caught.value.field == "home_building"
    resident.refresh_from_db()
    assert resident.home_building is None


def test_moving_to_another_city_drops_the_old_address(resident, city, other_city):
    update_personal_settings(user=resident, home_building=BuildingFactory(street__city=city))
    update_personal_settings(user=resident, home_city=other_city)
    resident.refresh_from_db()
    assert (resident.home_city, resident.home_building) == (other_city, None)


def test_only_changed_fields_are_written(resident, django_assert_num_queries):
    update_personal_settings(user=resident, language="en")
    with django_assert_num_queries(0):
        update_personal_settings(user=resident, language="en")
