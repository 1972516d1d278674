"""Who may use the console where: the cities in which a person holds a staff role."""

from dataclasses import dataclass
from typing import Any

from django.http import Http404
from django.urls import reverse
from django.utils.http import urlencode

from mycity.accounts.models import ROLES_NEEDING_ORGANISATION, RoleKind
from mycity.accounts.permissions import Action, may, roles_of
from mycity.appeals.access import Audience, get_appeal_for
from mycity.appeals.errors import AppealNotFound
from mycity.appeals.models import Appeal
from mycity.cities.models import City
from mycity.cities.selectors import active_cities, city_by_slug
from mycity.core.errors import NotFound


@dataclass(frozen=True)
class Desk:
    """One place a person works from: a city, and the organisation for an executor."""

    city: City
    kind: str  # the role kind
    organisation_name: str = ""
    organisation_slug: str = ""

    @property
    def role_name(self) -> str:
        return str(RoleKind(self.kind).label)

    @property
    def url(self) -> str:
        """Where the desk opens: a city administrator's on the city's setup (the
        onboarding checklist), an executor's on the queue of their organisation, the
        others on the city's queue."""
        if self.kind == RoleKind.CITY_ADMIN:
            return reverse("console:setup", kwargs={"slug": self.city.slug})
        if self.kind == RoleKind.EDITOR:
            return reverse("console:notices", kwargs={"slug": self.city.slug})
        if self.kind == RoleKind.INTAKE:
            return reverse("console:intake", kwargs={"slug": self.city.slug})
        if self.kind == RoleKind.PRIVACY_OFFICER:
            return reverse("console:privacy:requests", kwargs={"slug": self.city.slug})
        queue = reverse("console:queue", kwargs={"slug": self.city.slug})
        if self.kind in ROLES_NEEDING_ORGANISATION and self.organisation_slug:
            return f"{queue}?{urlencode({'organisation': self.organisation_slug})}"
        return queue


def desks_of(user: Any) -> list[Desk]:
    """The person's staff roles, one desk each, for the role switcher."""
    if not getattr(user, "is_authenticated", False):
        return []
    roles = [r for r in roles_of(user) if r.kind != RoleKind.RESIDENT]
    if any(r.kind == RoleKind.PLATFORM_ADMIN for r in roles):
        cities = list(active_cities().defer("boundary"))
        return [Desk(city=c, kind=RoleKind.PLATFORM_ADMIN) for c in cities]
    desks = []
    for role in roles:
        if role.city is None or not role.city.is_active:
            continue
        desks.append(
            Desk(
                city=role.city,
                kind=role.kind,
                organisation_name=role.organisation.name if role.organisation else "",
                organisation_slug=role.organisation.slug if role.organisation else "",
            )
        )
    return desks


def console_city_for(user: Any, slug: str) -> City:
    """The city whose console `user` opens, or 404 when they have no staff role there."""
    try:
        city = city_by_slug(slug)
    except NotFound:
        raise Http404 from None
    if not may(user, Action.USE_CONSOLE, city) and not any(
        d.city.pk == city.pk for d in desks_of(user)
    ):
        raise Http404
    return city


def appeal_at_desk(user: Any, city: City, appeal_id: int) -> Appeal:
    """An appeal of `city` that `user` handles; 404 for anything else (no existence leak)."""
    try:
        appeal, audience = get_appeal_for(user, appeal_id)
    except AppealNotFound:
        raise Http404 from None
    if audience != Audience.STAFF or appeal.city_id != city.pk:
        raise Http404
    return appeal
