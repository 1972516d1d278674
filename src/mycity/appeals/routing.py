"""Which organisation works an appeal: the category's default executor, else the one
whose service area holds the place and whose activities match the category. A service
area is drawn (a polygon), given as streets and house ranges from the registry, or the
whole city; the more specific wins: listed houses, then a drawn area, then the city."""

from mycity.appeals.models import AppealKind, Category
from mycity.cities.house_ranges import HouseRange
from mycity.cities.models import Building, Organisation, ServiceAddress
from mycity.cities.selectors import nearest_buildings
from mycity.core.geo import area_contains

# A report placed on the map without an address is at the registry's nearest house
# when one is this close; farther, no listed-houses organisation claims it.
NEAREST_HOUSE_M = 50


class _Place:
    """Where the appeal is, as each kind of service area asks for it: the point, and
    the registry's building (looked up once, only when a listed-houses area needs it)."""

    def __init__(
        self, category: Category, lat: float | None, lon: float | None, building_id: int | None
    ) -> None:
        self.category, self.lat, self.lon, self.building_id = category, lat, lon, building_id
        self._looked_up = False
        self._building: tuple[int, int] | None = None

    def building(self) -> tuple[int, int] | None:
        """(street id, number_sort) of the appeal's building, or None."""
        if not self._looked_up:
            self._looked_up = True
            if self.building_id is not None:
                self._building = (
                    Building.objects.filter(pk=self.building_id)
                    .values_list("street_id", "number_sort")
                    .first()
                )
            elif self.lat is not None and self.lon is not None:
                near = nearest_buildings(
                    self.category.city,
                    lat=self.lat,
                    lon=self.lon,
                    limit=1,
                    within_m=NEAREST_HOUSE_M,
                )
                if near:
                    self._building = (near[0].street_id, near[0].number_sort)
        return self._building


def _serves(organisation: Organisation, place: _Place) -> bool:
    if organisation.serves_addresses:
        building = place.building()
        if building is None:
            return False
        street_id, number_sort = building
        return any(
            HouseRange(
                street_id=line.street_id,
                number_from=line.number_from,
                number_to=line.number_to,
                parity=line.parity,
            ).covers(street_id=street_id, number_sort=number_sort)
            for line in ServiceAddress.objects.filter(
                organisation=organisation, street_id=street_id
            )
        )
    if organisation.service_area is None:
        return True
    if place.lat is None or place.lon is None:
        return False
    return area_contains(organisation.service_area, lat=place.lat, lon=place.lon)


def _specificity(organisation: Organisation) -> int:
    if organisation.serves_addresses:
        return 0
    return 1 if organisation.service_area is not None else 2


def route(
    category: Category,
    *,
    lat: float | None,
    lon: float | None,
    building_id: int | None = None,
) -> Organisation | None:
    """The executor for a new appeal, or None: then it waits in the dispatch queue."""
    place = _Place(category, lat, lon, building_id)
    default = category.default_organisation
    if (
        default is not None
        and default.is_active
        and (category.kind == AppealKind.E_APPEAL or _serves(default, place))
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
        if category.activity in (org.activities or []) and _serves(org, place)
    ]
    matching.sort(key=_specificity)
    return matching[0] if matching else None
