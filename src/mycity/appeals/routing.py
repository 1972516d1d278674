"""Which organisation works an appeal: the category's default executor, else the one
whose service area holds the point and whose activities match the category."""

from mycity.appeals.models import AppealKind, Category
from mycity.cities.models import Organisation
from mycity.core.geo import area_contains


def _serves(organisation: Organisation, lat: float | None, lon: float | None) -> bool:
    if organisation.service_area is None:
        return True
    if lat is None or lon is None:
        return False
    return area_contains(organisation.service_area, lat=lat, lon=lon)


def route(category: Category, *, lat: float | None, lon: float | None) -> Organisation | None:
    """The executor for a new appeal, or None: then it waits in the dispatch queue."""
    default = category.default_organisation
    if (
        default is not None
        and default.is_active
        and (category.kind == AppealKind.E_APPEAL or _serves(default, lat, lon))
    ):
        return default
    if category.kind == AppealKind.E_APPEAL:
        return None
    candidates = Organisation.objects.filter(
        city_id=category.city_id, kind=Organisation.Kind.EXECUTOR, is_active=True
    ).order_by("display_order", "slug")
    if lat is not None and lon is not None:
        candidates = candidates.filter(
            min_lat__lte=lat, max_lat__gte=lat, min_lon__lte=lon, max_lon__gte=lon
        )
    matching = [
        org
        for org in candidates
        if category.activity in (org.activities or []) and _serves(org, lat, lon)
    ]
    # An organisation with its own area is more specific than a city-wide one.
    matching.sort(key=lambda org: org.service_area is None)
    return matching[0] if matching else None
