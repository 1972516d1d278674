"""Who sees which webhook endpoints: a city's administrator every endpoint of the city
(the city's own and its organisations'), the head of an organisation its
organisation's. Another's endpoint is a 404, not a 403: its existence is not told."""

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet

from mycity.accounts.models import RoleKind
from mycity.accounts.permissions import Action, may, roles_of
from mycity.cities.models import City, Organisation
from mycity.webhooks.errors import EndpointNotFound
from mycity.webhooks.models import Endpoint


@dataclass(frozen=True)
class Owner:
    """Whose endpoint one registers: the city's (organisation None) or an organisation's."""

    city: City
    organisation: Organisation | None

    @property
    def key(self) -> str:
        return self.organisation.slug if self.organisation is not None else ""


def manages_all(user: Any, city: City) -> bool:
    return may(user, Action.MANAGE_WEBHOOKS, city)


def organisations_managed(user: Any, city: City) -> list[int]:
    return [
        role.organisation_id
        for role in roles_of(user)
        if role.kind == RoleKind.HEAD and role.city_id == city.pk and role.organisation_id
    ]


def require_webhooks(user: Any, city: City) -> None:
    """May the person manage any endpoint in the city at all? Else 403."""
    if not (manages_all(user, city) or organisations_managed(user, city)):
        raise PermissionDenied(Action.MANAGE_WEBHOOKS.value)


def endpoints_for(user: Any, city: City) -> QuerySet[Endpoint]:
    rows = Endpoint.objects.filter(city=city).select_related("organisation", "city")
    rows = rows.defer("organisation__service_area", "city__boundary")
    if manages_all(user, city):
        return rows.order_by("organisation_id", "pk")
    return rows.filter(organisation_id__in=organisations_managed(user, city)).order_by("pk")


def get_endpoint_for(user: Any, city: City, endpoint_id: int) -> Endpoint:
    endpoint = endpoints_for(user, city).filter(pk=endpoint_id).first()
    if endpoint is None:
        raise EndpointNotFound()
    return endpoint


def owners_for(user: Any, city: City) -> list[Owner]:
    """Whose endpoints the person may register in the city."""
    organisations = Organisation.objects.filter(city=city, is_active=True).defer("service_area")
    if manages_all(user, city):
        return [Owner(city, None)] + [Owner(city, o) for o in organisations.order_by("name_ru")]
    return [
        Owner(city, o)
        for o in organisations.filter(pk__in=organisations_managed(user, city)).order_by("name_ru")
    ]


def owner_by_key(user: Any, city: City, key: str) -> Owner | None:
    for owner in owners_for(user, city):
        if owner.key == (key or ""):
            return owner
    return None
