"""Who a console API call acts for, and the city they may change: one answer for every
city-setup endpoint. Anyone without the right gets a 404, never a 403, so that the
API tells nobody which cities have what."""

from django.http import HttpRequest

from mycity.accounts.models import User
from mycity.accounts.permissions import Action, may
from mycity.cities.models import City
from mycity.cities.selectors import city_by_slug
from mycity.core.errors import NotFound


def caller(request: HttpRequest) -> User:
    """The person a session or a staff token acts for."""
    return request.auth  # type: ignore[attr-defined]


def admin_city(request: HttpRequest, slug: str, action: Action = Action.EDIT_CITY) -> City:
    """The city the caller sets up (as the console's `setup_city`)."""
    city = city_by_slug(slug)
    if not may(caller(request), action, city):
        raise NotFound()
    return city
