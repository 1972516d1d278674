"""The onboarding checklist and going live."""

from datetime import time

import pytest
from django.urls import reverse

from mycity.accounts.models import RoleKind
from mycity.cities.errors import CityNotReady
from mycity.core.models import SetupChange
from mycity.privacy.models import Operator, PrivacyNotice
from mycity.reception.models import Official, ReceptionRule
from mycity.setup.checklist import checklist, go_live
from tests.conftest import person
from tests.factories import DistrictFactory

pytestmark = pytest.mark.django_db


def missing(city):
    return {item.key for item in checklist(city) if not item.done}


@pytest.fixture
def ready_city(city, leaking_roof, organisation, dispatcher, executor):
    """Polotsk with a district, a category served city-wide, staff and a notice."""
    DistrictFactory(city=city)
    Operator.objects.create(city=city, name_ru="Полоцкий райисполком", postal_address="пл. 1")
    PrivacyNotice.objects.create(city=city, version="1")
    official = Official.objects.create(
        organisation=organisation, full_name="Петров П. П.", position="Начальник"
    )
    ReceptionRule.objects.create(
        official=official,
        repeat="weekly",
        weekday=1,
        starts_at=time(10),
        ends_at=time(13),
        place="каб. 1",
    )
    return city


def test_a_new_city_lacks_everything_but_its_boundary(city):
    assert missing(city) == {
        "districts",
        "categories",
        "coverage",
        "notice",
        "reception",
        "staff",
    }


def test_a_city_whose_only_official_no_longer_receives_lacks_a_reception(ready_city):
    Official.objects.update(is_active=False)
    assert missing(ready_city) == {"reception"}


def test_a_city_set_up_has_nothing_missing(ready_city):
    assert missing(ready_city) == set()


def test_an_executor_organisation_without_staff_is_missing(
    ready_city, lighting_service, street_light
):
    (staff,) = [item for item in checklist(ready_city) if item.key == "staff"]
    assert not staff.done and lighting_service.name in staff.detail


def test_a_gap_in_a_categorys_cover_is_missing(ready_city, organisation):
    organisation.service_area = {
        "type": "Polygon",
        "coordinates": [
            [[28.72, 55.44], [28.77, 55.44], [28.77, 55.53], [28.72, 55.53], [28.72, 55.44]]
        ],
    }
    organisation.save()
    assert missing(ready_city) == {"coverage"}


def test_going_live_is_refused_item_by_item_until_complete(city_admin, city):
    with pytest.raises(CityNotReady) as refused:
        go_live(actor=city_admin, city=city)
    assert {d["field"] for d in refused.value.as_dict()["details"]} == {
        "districts",
        "categories",
        "coverage",
        "notice",
        "reception",
        "staff",
    }
    city.refresh_from_db()
    assert city.live_since is None


def test_a_ready_city_goes_live_once_with_an_audit_row(city_admin, ready_city):
    go_live(actor=city_admin, city=ready_city)
    first = ready_city.live_since
    go_live(actor=city_admin, city=ready_city)
    assert ready_city.live_since == first is not None
    assert SetupChange.objects.filter(action="city.went_live").count() == 1


def test_the_home_lists_the_items_with_their_pages(client, city_admin, city):
    client.force_login(city_admin)
    page = client.get(reverse("console:setup", kwargs={"slug": city.slug})).content.decode()
    assert reverse("console:districts", kwargs={"slug": city.slug}) in page
    assert reverse("console:people", kwargs={"slug": city.slug}) in page


def test_the_go_live_button_shows_what_is_missing(client, city_admin, city):
    client.force_login(city_admin)
    response = client.post(reverse("console:go_live", kwargs={"slug": city.slug}))
    assert response.status_code == 409
    assert "Районы города нарисованы" in response.content.decode()


def test_a_dispatcher_cannot_go_live(client, dispatcher, city):
    client.force_login(dispatcher)
    assert client.post(reverse("console:go_live", kwargs={"slug": city.slug})).status_code == 404


def test_an_admin_of_another_city_cannot_see_the_checklist(client, city, other_city):
    client.force_login(person("a@orsha.example.org", RoleKind.CITY_ADMIN, city=other_city))
    assert client.get(reverse("console:setup", kwargs={"slug": city.slug})).status_code == 404
