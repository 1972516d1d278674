"""The appeals behind a figure, for the city's staff: the drill-down from a dashboard's
number to the rows it counts (received in the period, with the same filters). A page
of the newest, without personal data; each opens in the console."""

from django.db.models import QuerySet

from mycity.analytics.figures import Selection, selected_appeals
from mycity.analytics.sectors import sectors_of
from mycity.appeals.models import Appeal
from mycity.cities.models import City

PAGE = 100


def appeals_behind(city: City, selection: Selection, *, bbox: str = "") -> QuerySet[Appeal]:
    appeals = Appeal.objects.filter(
        city=city, registered_on__gte=selection.start, registered_on__lte=selection.end
    )
    appeals = selected_appeals(appeals, selection, sectors_of(city) if selection.sectors else {})
    try:
        west, south, east, north = (float(v) for v in bbox.split(",")) if bbox else (None,) * 4
    except ValueError:
        west = south = east = north = None
    if west is not None:
        appeals = appeals.filter(lat__gte=south, lat__lt=north, lon__gte=west, lon__lt=east)
    return (
        appeals.select_related("category", "organisation")
        .only(
            "pk", "number", "status", "registered_on", "kind", "category__name_ru",
            "category__name_be", "category__name_en", "organisation__name_ru",
            "organisation__name_be", "organisation__name_en",
        )
        .order_by("-registered_on", "-pk")[:PAGE]
    )  # fmt: skip
