"""Factories for the fixed actors and places tests are written against."""

import factory
from factory.django import DjangoModelFactory

from mycity.accounts.models import Role, RoleKind, User
from mycity.appeals.models import AppealKind, Category
from mycity.cities.models import Building, City, District, Organisation, Street
from mycity.cities.text import house_number_sort_key, search_words


def square(lat: float, lon: float, half: float) -> dict:
    """A GeoJSON square polygon centred on (lat, lon), `half` degrees to each side."""
    ring = [
        [lon - half, lat - half],
        [lon + half, lat - half],
        [lon + half, lat + half],
        [lon - half, lat + half],
        [lon - half, lat - half],
    ]
    return {"type": "Polygon", "coordinates": [ring]}


class CityFactory(DjangoModelFactory):
    class Meta:
        model = City
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"city{n}")
    name_ru = factory.Sequence(lambda n: f"Город {n}")
    name_be = factory.Sequence(lambda n: f"Горад {n}")
    name_en = factory.Sequence(lambda n: f"City {n}")
    region = "vitebsk"
    population = 80000
    centre_lat = 55.4856
    centre_lon = 28.7683
    boundary = factory.LazyAttribute(lambda o: square(o.centre_lat, o.centre_lon, 0.05))
    min_lat = factory.LazyAttribute(lambda o: o.centre_lat - 0.05)
    max_lat = factory.LazyAttribute(lambda o: o.centre_lat + 0.05)
    min_lon = factory.LazyAttribute(lambda o: o.centre_lon - 0.05)
    max_lon = factory.LazyAttribute(lambda o: o.centre_lon + 0.05)


class DistrictFactory(DjangoModelFactory):
    class Meta:
        model = District

    city = factory.SubFactory(CityFactory)
    slug = factory.Sequence(lambda n: f"district{n}")
    name_ru = factory.Sequence(lambda n: f"Район {n}")
    name_be = factory.Sequence(lambda n: f"Раён {n}")
    name_en = factory.Sequence(lambda n: f"District {n}")
    boundary = factory.LazyAttribute(lambda o: o.city.boundary)
    min_lat = factory.LazyAttribute(lambda o: o.city.min_lat)
    max_lat = factory.LazyAttribute(lambda o: o.city.max_lat)
    min_lon = factory.LazyAttribute(lambda o: o.city.min_lon)
    max_lon = factory.LazyAttribute(lambda o: o.city.max_lon)


class OrganisationFactory(DjangoModelFactory):
    class Meta:
        model = Organisation

    city = factory.SubFactory(CityFactory)
    slug = factory.Sequence(lambda n: f"org{n}")
    kind = Organisation.Kind.EXECUTOR
    name_ru = factory.Sequence(lambda n: f"Организация {n}")
    name_be = factory.Sequence(lambda n: f"Арганізацыя {n}")
    name_en = factory.Sequence(lambda n: f"Organisation {n}")
    activities = factory.LazyFunction(lambda: ["housing"])
    min_lat, min_lon, max_lat, max_lon = -90, -180, 90, 180


class StreetFactory(DjangoModelFactory):
    class Meta:
        model = Street

    city = factory.SubFactory(CityFactory)
    kind = "street"
    name_ru = factory.Sequence(lambda n: f"Улица{n}")
    name_be = factory.Sequence(lambda n: f"Вуліца{n}")
    name_en = factory.Sequence(lambda n: f"Street{n}")
    search_words = factory.LazyAttribute(lambda o: search_words(o.name_ru, o.name_be, o.name_en))


class BuildingFactory(DjangoModelFactory):
    class Meta:
        model = Building

    street = factory.SubFactory(StreetFactory)
    city = factory.LazyAttribute(lambda o: o.street.city)
    number = factory.Sequence(lambda n: str(n + 1))
    number_sort = factory.LazyAttribute(lambda o: house_number_sort_key(o.number))
    lat = 55.4856
    lon = 28.7683


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("email",)

    email = factory.Sequence(lambda n: f"user{n}@example.org")
    full_name = factory.Sequence(lambda n: f"Пользователь {n}")
    password = factory.django.Password("correct-horse-battery")


class RoleFactory(DjangoModelFactory):
    class Meta:
        model = Role

    user = factory.SubFactory(UserFactory)
    kind = RoleKind.DISPATCHER
    city = factory.SubFactory(CityFactory)
    organisation = None


class CategoryFactory(DjangoModelFactory):
    class Meta:
        model = Category
        django_get_or_create = ("city", "slug")

    city = factory.SubFactory(CityFactory)
    slug = factory.Sequence(lambda n: f"category{n}")
    kind = AppealKind.PROBLEM
    name_ru = factory.Sequence(lambda n: f"Категория {n}")
    name_be = factory.Sequence(lambda n: f"Катэгорыя {n}")
    name_en = factory.Sequence(lambda n: f"Category {n}")
    activity = "housing"
    service_time_value = 3
    service_time_unit = "working_days"
