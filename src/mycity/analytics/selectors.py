"""The appeals behind a figure, for the city's staff: the drill-down from a dashboard's
number to the rows it counts (received in the period, with the same filters). A page
of the newest, without personal data; each opens in the console."""

from django.db.models import QuerySet

from mycity.analytics.figures import Selection
from mycity.analytics.sectors import sectors_of
from mycity.appeals.models import Appeal
from mycity.cities.models import City

PAGE = 100


def appeals_behind(city: City, selection: Selection, *, bbox: str = "") -> QuerySet[Appeal]:
    appeals = Appeal.objects.filter(
        city=city, registered_on__gte=selection.start, registered_on__lte=selection.end
    )
    if selection.sectors:
        sectors = sectors_of(city)
        appeals = appeals.filter(
            category_id__in=[pk for pk, s in sectors.items() if s in selection.sectors]
        )
    for name, values in (
        ("category_id", selection.category_ids),
        ("district_id", selection.district_ids),
        ("organisation_id", selection.organisation_ids),
        ("channel", selection.channels),
    ):
        if values:
            appeals = appeals.filter(**{f"{name}__in": values})
    if selection.confined_to_organisations is not None:
        appeals = appeals.filter(organisation_id__in=selection.confined_to_organisations)
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
