"""Addresses as residents write them, in Russian and Belarusian: the street's kind
before or after the name, abbreviated or not, "д." before the number, a building
("корп.", "к.") after it, a flat at the end."""

import pytest

from mycity.cities.selectors import search_addresses
from mycity.cities.text import parse_address
from tests.factories import BuildingFactory, StreetFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def registry(city):
    lenina = StreetFactory(city=city, name_ru="Ленина", name_be="Леніна", name_en="Lenina")
    pokrovskaya = StreetFactory(city=city, name_ru="Нижне-Покровская", name_be="Ніжне-Пакроўская")
    skoriny = StreetFactory(
        city=city, kind="avenue", name_ru="Франциска Скорины", name_be="Францыска Скарыны"
    )
    return {
        "Ленина 11": BuildingFactory(street=lenina, number="11"),
        "Ленина 11к2": BuildingFactory(street=lenina, number="11к2"),
        "Ленина 12А": BuildingFactory(street=lenina, number="12А"),
        "Нижне-Покровская 5": BuildingFactory(street=pokrovskaya, number="5"),
        "Франциска Скорины 10": BuildingFactory(street=skoriny, number="10"),
        "Франциска Скорины 14/1": BuildingFactory(street=skoriny, number="14/1"),
    }


def found(city, query):
    (building,) = search_addresses(city, query, limit=1).buildings
    return f"{building.street.name_ru} {building.number}"


@pytest.mark.parametrize(
    ("query", "building"),
    [
        ("ул. Ленина, д. 11", "Ленина 11"),
        ("улица Ленина, дом 11", "Ленина 11"),
        ("Ленина ул., 11", "Ленина 11"),
        ("Ленина, д.11", "Ленина 11"),
        ("Ленина 11, кв. 45", "Ленина 11"),
        ("г. Полоцк, ул. Ленина, 11", "Ленина 11"),
        ("Нижне-Покровская ул., 5", "Нижне-Покровская 5"),
        ("Нижне Покровская 5", "Нижне-Покровская 5"),
        ("пр-т Франциска Скорины 10", "Франциска Скорины 10"),
        ("пр-кт Ф. Скорины, 10", "Франциска Скорины 10"),
        ("просп. Франциска Скорины, д. 10", "Франциска Скорины 10"),
        ("Скорины пр., 10", "Франциска Скорины 10"),
        ("вул. Леніна, д. 11", "Ленина 11"),
        ("вуліца Леніна, 11", "Ленина 11"),
        ("пр-т Францыска Скарыны, 10", "Франциска Скорины 10"),
        ("праспект Скарыны 10", "Франциска Скорины 10"),
        ("ул. Ленина, д. 11, корп. 2", "Ленина 11к2"),
        ("Ленина 11 к. 2", "Ленина 11к2"),
        ("Ленина 11к2", "Ленина 11к2"),
        ("Ленина 11, корпус 2", "Ленина 11к2"),
        ("Леніна, 11, корп. 2", "Ленина 11к2"),
        ("Ленина 12 а", "Ленина 12А"),
        ("Ленина, 12-а", "Ленина 12А"),
        ("пр-т Скорины 14 корп. 1", "Франциска Скорины 14/1"),
        ("пр-т Скорины 14/1", "Франциска Скорины 14/1"),
        # What the English pages' suggestions fill in.
        ("st. Lenina, 11", "Ленина 11"),
    ],
)
def test_an_address_as_people_write_it_finds_the_building(city, registry, query, building):
    assert found(city, query) == building


@pytest.mark.parametrize(
    "query",
    ["ул. Ленина, д. 13", "Ленина 11 корп. 3", "ул. Минская, 11", "д. 11"],
)
def test_an_address_not_in_the_registry_finds_no_building(city, registry, query):
    assert search_addresses(city, query).buildings == []


@pytest.mark.parametrize(
    ("query", "words", "number"),
    [
        ("ул. Ленина, д. 11, корп. 2, кв. 5", ["ленина"], "11к2"),
        ("зав. Мірны, 3", ["мірны"], "3"),
        ("пл. Свободы", ["свободы"], None),
        ("б-р Ленина 3а", ["ленина"], "3а"),
        ("пр-т", [], None),
    ],
)
def test_an_address_is_read_as_street_words_and_a_house_number(query, words, number):
    assert parse_address(query) == (words, number)
