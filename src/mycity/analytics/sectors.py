"""Which of the republic's sectors each category of a city belongs to: the city's own
choice for the category, else its group's, else what the category's activity says."""

from mycity.analytics.models import CategorySector, Sector
from mycity.appeals.models import Category
from mycity.cities.models import Activity, City

DEFAULT_SECTOR: dict[str, Sector] = {
    Activity.GENERAL: Sector.OTHER,
    Activity.HOUSING: Sector.HOUSING,
    Activity.WATER: Sector.UTILITIES,
    Activity.HEATING: Sector.UTILITIES,
    Activity.GAS: Sector.UTILITIES,
    Activity.ELECTRICITY: Sector.UTILITIES,
    Activity.LIGHTING: Sector.IMPROVEMENT,
    Activity.LANDSCAPING: Sector.IMPROVEMENT,
    Activity.WASTE: Sector.IMPROVEMENT,
    Activity.ROADS: Sector.ROADS,
    Activity.TRANSPORT: Sector.TRANSPORT,
    Activity.TRADE: Sector.TRADE,
    Activity.SOCIAL: Sector.SOCIAL,
    Activity.EDUCATION: Sector.SOCIAL,
    Activity.HEALTH: Sector.SOCIAL,
    Activity.CULTURE: Sector.SOCIAL,
    Activity.ARCHITECTURE: Sector.OTHER,
    Activity.EMERGENCY: Sector.SAFETY,
}


def sectors_of(city: City) -> dict[int, str]:
    """Every category of the city (leaves and groups) with its sector. Two queries."""
    chosen = dict(
        CategorySector.objects.filter(category__city=city).values_list("category_id", "sector")
    )
    categories = list(Category.objects.filter(city=city).values_list("pk", "parent_id", "activity"))
    sectors = {}
    for pk, parent_id, activity in categories:
        sectors[pk] = (
            chosen.get(pk)
            or (chosen.get(parent_id) if parent_id else None)
            or DEFAULT_SECTOR.get(activity, Sector.OTHER)
        )
    return sectors
