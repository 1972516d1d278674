import pytest
from django.utils import timezone

from mycity.cities.selectors import nearest_buildings, search_addresses
from mycity.cities.text import fold, query_words, search_words, split_house_number
from tests.factories import BuildingFactory, StreetFactory

pytestmark = pytest.mark.django_db


def names(city, query):
    return [s.name_ru for s in search_addresses(city, query).streets]


@pytest.fixture
def streets(city):
    for ru, be in [
        ("Нижне-Покровская", "Ніжне-Пакроўская"),
        ("Ёлкина", "Ёлкіна"),
        ("Ленина", "Леніна"),
        ("Евфросинии Полоцкой", "Еўфрасінні Полацкай"),
    ]:
        StreetFactory(city=city, name_ru=ru, name_be=be)


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("Ниж", ["Нижне-Покровская"]),
        ("покр", ["Нижне-Покровская"]),
        ("Ніж", ["Нижне-Покровская"]),
        ("пакроў", ["Нижне-Покровская"]),
        ("елк", ["Ёлкина"]),
        ("ЁЛК", ["Ёлкина"]),
        ("ул. Ленина", ["Ленина"]),
        ("вул. Леніна", ["Ленина"]),
        ("улица ленина", ["Ленина"]),
        ("полоцкой евф", ["Евфросинии Полоцкой"]),
        ("Полацкай", ["Евфросинии Полоцкой"]),
        ("Минская", []),
        ("инск", []),
    ],
)
def test_word_prefixes_in_russian_or_belarusian_find_streets(city, streets, query, found):
    assert names(city, query) == found


def test_words_are_folded_and_split_on_hyphens_and_punctuation():
    assert search_words("Нижне-Покровская", "Ніжне-Пакроўская") == (
        " нижне покровская ніжне пакроўская"
    )
    assert fold("Ёлкина") == "елкина"
    assert query_words("ул. Ленина, 5") == ["ленина", "5"]


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        (["ленина", "5"], (["ленина"], "5")),
        (["ленина", "12а"], (["ленина"], "12а")),
        (["ленина", "7/2"], (["ленина"], "7/2")),
        (["1-го", "мая"], (["1-го", "мая"], None)),
        (["5"], (["5"], None)),
    ],
)
def test_a_trailing_number_is_the_house_number(words, expected):
    assert split_house_number(words) == expected


def test_an_address_the_registry_no_longer_lists_is_not_offered(city):
    street = StreetFactory(city=city, name_ru="Ленина", name_be="Леніна")
    kept = BuildingFactory(street=street, number="11", lat=55.4856, lon=28.7683)
    BuildingFactory(
        street=street, number="11А", lat=55.4857, lon=28.7684, vanished_at=timezone.now()
    )
    found = search_addresses(city, "Ленина 11")
    assert [b.number for b in found.buildings] == ["11"]
    assert [s.building_count for s in search_addresses(city, "Ленина").streets] == [1]
    assert nearest_buildings(city, lat=55.4857, lon=28.7684) == [kept]


def test_the_nearest_buildings_within_a_reach_leave_out_a_closer_miss_beyond_it(city):
    street = StreetFactory(city=city, name_ru="Ленина", name_be="Леніна")
    # About 110 m and 220 m north of the point (0.001° of latitude is ~111 m).
    near = BuildingFactory(street=street, number="1", lat=55.4867, lon=28.7684)
    far = BuildingFactory(street=street, number="3", lat=55.4877, lon=28.7684)
    point = {"lat": 55.4857, "lon": 28.7684}
    assert nearest_buildings(city, **point, limit=2) == [near, far]
    assert nearest_buildings(city, **point, limit=2, within_m=150) == [near]
    assert nearest_buildings(city, **point, limit=1, within_m=100) == []
