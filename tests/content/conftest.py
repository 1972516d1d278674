"""A street of Polotsk with houses 1–12, a building on another street, and notices."""

from datetime import timedelta

import pytest
from django.utils import timezone

from mycity.accounts.models import Subscription, SubscriptionKind
from mycity.content.services import AddressLine, NoticeDraft
from tests.factories import BuildingFactory, DistrictFactory, StreetFactory


@pytest.fixture
def centre(city):
    return DistrictFactory(city=city, slug="centre")


@pytest.fixture
def street(city, centre):
    street = StreetFactory(city=city, name_ru="Нижне-Покровская")
    for number in range(1, 13):
        BuildingFactory(street=street, number=str(number), district=centre)
    BuildingFactory(street=street, number="5А", district=centre)
    return street


@pytest.fixture
def other_building(city):
    return BuildingFactory(street=StreetFactory(city=city, name_ru="Евфросинии Полоцкой"))


def house(street, number):
    return street.buildings.get(number=number)


def draft(**values) -> NoticeDraft:
    start = timezone.now() + timedelta(days=1)
    fields = {
        "kind": "hot_water",
        "title": {"ru": "Отключение горячей воды"},
        "reason": {"ru": "Ремонт теплотрассы"},
        "starts_at": start,
        "ends_at": start + timedelta(hours=8),
        "addresses": [],
    } | values
    return NoticeDraft(**fields)


def subscribe(user, city, *, building=None, district=None, topic="", channels=("in_app",)):
    kind = (
        SubscriptionKind.ADDRESS
        if building
        else SubscriptionKind.DISTRICT
        if district
        else SubscriptionKind.NOTICE_KIND
    )
    return Subscription.objects.create(
        user=user,
        city=city,
        kind=kind,
        building=building,
        district=district,
        topic=topic,
        channels=list(channels),
    )


__all__ = ["AddressLine", "draft", "house", "subscribe"]
