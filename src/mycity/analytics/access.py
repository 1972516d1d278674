"""Whose figures a person may read.

Staff who read the committee's reports read the city's dashboard the same way (a city
administrator or a dispatcher the whole city, the head of an organisation only its
appeals) and may follow a figure to the appeals behind it. An observer reads figures
only, never an appeal or a person: the head of the city executive committee their
city, an oblast executive committee's official the cities of the region, a ministry's
every city. A platform administrator reads everything.
"""

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q

from mycity.accounts.models import RoleKind
from mycity.accounts.permissions import roles_of
from mycity.analytics.models import Observer, ObserverKind
from mycity.cities.models import City
from mycity.reports.access import reads_reports, report_scope_for


@dataclass(frozen=True)
class CityScope:
    city: City
    # None: the whole city; otherwise the executors whose appeals are counted.
    organisation_ids: tuple[int, ...] | None
    # Staff of the city may open the appeals behind a figure; observers may not.
    opens_appeals: bool


def _observer_rows(user: Any) -> list[Observer]:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    cached = getattr(user, "_mycity_observer_roles", None)
    if cached is None:
        cached = list(Observer.objects.filter(user=user))
        user._mycity_observer_roles = cached
    return cached


def is_platform_admin(user: Any) -> bool:
    return any(role.kind == RoleKind.PLATFORM_ADMIN for role in roles_of(user))


def observed_cities(user: Any) -> list[City]:
    """The active cities `user` reads as an observer (or platform administrator), the
    largest first; empty for everyone else."""
    cities = City.objects.filter(is_active=True)
    if is_platform_admin(user):
        return list(cities)
    rows = _observer_rows(user)
    if any(row.kind == ObserverKind.MINISTRY for row in rows):
        return list(cities)
    regions = [row.region for row in rows if row.kind == ObserverKind.OBLAST]
    city_ids = [row.city_id for row in rows if row.kind == ObserverKind.MAYOR]
    if not regions and not city_ids:
        return []
    return list(cities.filter(Q(region__in=regions) | Q(pk__in=city_ids)))


def reads_above_cities(user: Any) -> bool:
    """An oblast's or a ministry's official (or the platform administrator)."""
    return is_platform_admin(user) or any(
        row.kind in (ObserverKind.OBLAST, ObserverKind.MINISTRY) for row in _observer_rows(user)
    )


def city_scope_for(user: Any, city: City) -> CityScope:
    """PermissionDenied when `user` reads none of the city's figures."""
    if reads_reports(user, city):
        scope = report_scope_for(user, city)
        return CityScope(city=city, organisation_ids=scope.organisation_ids, opens_appeals=True)
    if any(c.pk == city.pk for c in observed_cities(user)):
        return CityScope(city=city, organisation_ids=None, opens_appeals=False)
    raise PermissionDenied("read_analytics")


def reads_city(user: Any, city: City) -> bool:
    try:
        city_scope_for(user, city)
    except PermissionDenied:
        return False
    return True
