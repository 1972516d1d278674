"""Times given without a time zone are the city's wall-clock time."""

from datetime import datetime
from zoneinfo import ZoneInfo

from mycity.cities.models import City


def in_city_time(city: City, moment: datetime) -> datetime:
    """`moment` as given when it says its offset; else read in the city's time zone."""
    if moment.tzinfo is not None and moment.utcoffset() is not None:
        return moment
    return moment.replace(tzinfo=ZoneInfo(city.timezone))


def maybe_in_city_time(city: City, moment: datetime | None) -> datetime | None:
    return in_city_time(city, moment) if moment is not None else None
