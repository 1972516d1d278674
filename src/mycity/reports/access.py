"""Whose figures a person may read in a city: the whole city's (a city administrator,
a dispatcher) or only their organisations' (the head of an organisation)."""

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied

from mycity.accounts.permissions import Action, may, roles_of
from mycity.cities.models import City, Organisation


@dataclass(frozen=True)
class ReportScope:
    city: City
    # None: the whole city; otherwise the only executors whose figures are shown.
    organisations: tuple[Organisation, ...] | None

    @property
    def organisation_ids(self) -> tuple[int, ...] | None:
        if self.organisations is None:
            return None
        return tuple(o.pk for o in self.organisations)


def _own_organisations(user: Any, city: City) -> tuple[Organisation, ...]:
    # Roles are loaded once per user object: asking costs no query per organisation.
    found = {
        role.organisation.pk: role.organisation
        for role in roles_of(user)
        if role.city_id == city.pk
        and role.organisation is not None
        and may(user, Action.READ_REPORTS, role.organisation)
    }
    return tuple(sorted(found.values(), key=lambda o: (o.name_ru, o.pk)))


def reads_reports(user: Any, city: City | None) -> bool:
    if city is None:
        return False
    return may(user, Action.READ_REPORTS, city) or bool(_own_organisations(user, city))


def report_scope_for(user: Any, city: City) -> ReportScope:
    """The scope of `user`'s figures in `city`; PermissionDenied when they read none."""
    if may(user, Action.READ_REPORTS, city):
        return ReportScope(city=city, organisations=None)
    organisations = _own_organisations(user, city)
    if not organisations:
        raise PermissionDenied(Action.READ_REPORTS.value)
    return ReportScope(city=city, organisations=organisations)
