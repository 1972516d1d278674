"""Which map tiles a city's maps load, and letting the browser fetch them.

Tiles come from the city's own template when it has one (a committee may run its own
tile server), else from the platform's `MAP_TILES_URL` (OpenStreetMap by default). A
page may load images only from hosts its Content-Security-Policy names, so a page
that shows a map adds the tiles' origin to its policy.
"""

from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.utils.translation import gettext_lazy as _

PLACEHOLDERS = ("{z}", "{x}", "{y}")


def validate_tiles_url(value: str) -> None:
    if not value:
        return
    parts = urlsplit(value.replace("{s}", "a"))
    if parts.scheme != "https" or not parts.hostname:
        raise ValidationError(_("A tile URL must be an https:// address."), code="tiles_scheme")
    if not all(placeholder in value for placeholder in PLACEHOLDERS):
        raise ValidationError(
            _("A tile URL must contain {z}, {x} and {y}."), code="tiles_placeholders"
        )


@dataclass(frozen=True)
class MapTiles:
    url: str  # empty: draw the map without a background
    attribution: str

    @property
    def origins(self) -> list[str]:
        if not self.url:
            return []
        parts = urlsplit(self.url)
        if "{s}" in parts.netloc:  # Leaflet's subdomains a, b, c
            return [f"{parts.scheme}://{parts.netloc.replace('{s}', s)}" for s in "abc"]
        return [f"{parts.scheme}://{parts.netloc}"]


def tiles_of(city: object) -> MapTiles:
    url = getattr(city, "map_tiles_url", "") or settings.MAP_TILES_URL
    attribution = getattr(city, "map_attribution", "") or settings.MAP_ATTRIBUTION
    return MapTiles(url=url, attribution=attribution)


def allow_tiles(response: HttpResponse, tiles: MapTiles) -> HttpResponse:
    """Let the page load the tiles: their origin joins the response's img-src."""
    if tiles.origins:
        response._csp_update = {"img-src": tiles.origins}  # type: ignore[attr-defined]
    return response
