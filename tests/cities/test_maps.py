"""Map tiles: the platform's default, a city's own, and what a page may load."""

import pytest
from django.core.exceptions import ValidationError
from django.http import HttpResponse

from mycity.cities.maps import MapTiles, allow_tiles, tiles_of, validate_tiles_url


@pytest.mark.parametrize(
    "url",
    [
        "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
        "https://{s}.tiles.polotsk.example.by/{z}/{x}/{y}.png",
        "",
    ],
)
def test_a_tile_template_with_https_and_placeholders_is_accepted(url):
    validate_tiles_url(url)


@pytest.mark.parametrize(
    ("url", "code"),
    [
        ("http://tile.openstreetmap.org/{z}/{x}/{y}.png", "tiles_scheme"),
        ("javascript:alert(1)//{z}/{x}/{y}", "tiles_scheme"),
        ("https://tile.openstreetmap.org/{z}/{x}.png", "tiles_placeholders"),
    ],
)
def test_other_tile_urls_are_refused(url, code):
    with pytest.raises(ValidationError) as refused:
        validate_tiles_url(url)
    assert refused.value.code == code


def test_a_city_without_tiles_uses_the_platforms(city, settings):
    settings.MAP_TILES_URL = "https://tiles.example.by/{z}/{x}/{y}.png"
    assert tiles_of(city).url == settings.MAP_TILES_URL
    city.map_tiles_url = "https://{s}.maps.polotsk.example.by/{z}/{x}/{y}.png"
    city.map_attribution = "Полоцкий горисполком"
    assert tiles_of(city) == MapTiles(url=city.map_tiles_url, attribution="Полоцкий горисполком")


def test_a_page_with_a_map_may_load_its_tiles_and_nothing_else():
    response = allow_tiles(HttpResponse(), MapTiles("https://{s}.t.example.by/{z}/{x}/{y}", ""))
    assert response._csp_update == {
        "img-src": ["https://a.t.example.by", "https://b.t.example.by", "https://c.t.example.by"]
    }
    assert not hasattr(allow_tiles(HttpResponse(), MapTiles("", "")), "_csp_update")
