"""The demo city gets a reception schedule, once."""

import pytest

from mycity.reception.demo import load_demo_schedule
from mycity.reception.models import Official, ReceptionSession
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def test_the_demo_schedule_is_loaded_once(city):
    for slug in ("ispolkom", "uzhkh", "zheu-1"):
        OrganisationFactory(city=city, slug=slug)
    made = load_demo_schedule(city)
    assert made > 0 and Official.objects.count() == 4
    assert load_demo_schedule(city) == 0
    assert Official.objects.count() == 4
    assert ReceptionSession.objects.count() == made
