"""The role switcher: a person with several desks opens the queue of the one chosen."""

import pytest
from django.urls import reverse

from mycity.accounts.models import RoleKind
from mycity.accounts.services import grant_role
from tests.appeal_fixtures import submit_report

pytestmark = pytest.mark.django_db


def queue_url(city):
    return reverse("console:queue", kwargs={"slug": city.slug})


def test_a_dispatcher_of_two_cities_switches_to_the_other_citys_queue(
    client, dispatcher, resident, city, other_city, street_light
):
    from tests.factories import CategoryFactory

    grant_role(actor=None, user=dispatcher, kind=RoleKind.DISPATCHER, city=other_city)
    ours = submit_report(resident, street_light)
    theirs = submit_report(
        resident, CategoryFactory(city=other_city, slug="pothole"), lat=54.5153, lon=30.4053
    )
    client.force_login(dispatcher)
    page = client.get(queue_url(city)).content.decode()
    assert f'<a href="{queue_url(other_city)}">' in page  # the switcher's other desk
    switched = client.get(queue_url(other_city), {"tab": "new"})
    assert switched.status_code == 200
    rows = {appeal.number for appeal, _state in switched.context["rows"]}
    assert switched.context["city"] == other_city
    assert theirs.number in rows and ours.pk not in {a.pk for a, _s in switched.context["rows"]}


def test_a_dispatcher_who_is_also_an_executor_switches_to_the_organisations_queue(
    client, dispatcher, resident, organisation, street_light, leaking_roof
):
    grant_role(actor=None, user=dispatcher, kind=RoleKind.EXECUTOR, organisation=organisation)
    lights = submit_report(resident, street_light)
    roof = submit_report(resident, leaking_roof, extra={"entrance": 1})
    client.force_login(dispatcher)
    desk = f"{queue_url(organisation.city)}?organisation={organisation.slug}"
    page = client.get(queue_url(organisation.city), {"tab": "work"}).content.decode()
    assert f'href="{desk}"' in page
    switched = client.get(desk + "&tab=work")
    numbers = {appeal.number for appeal, _state in switched.context["rows"]}
    assert numbers == {roof.number} and lights.number not in numbers
