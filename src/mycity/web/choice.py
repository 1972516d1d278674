"""Which city a visitor is looking at: their choice, then their home city, then the default."""

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponseBase

from mycity.accounts.models import User
from mycity.cities.errors import CityNotFound
from mycity.cities.models import City
from mycity.cities.selectors import active_cities, city_by_slug

CITY_COOKIE = "mycity_city"
CITY_COOKIE_AGE = 365 * 24 * 3600


def chosen_city(request: HttpRequest) -> City | None:
    cities = active_cities()
    slug = request.COOKIES.get(CITY_COOKIE)
    if slug:
        city = cities.filter(slug=slug).first()
        if city:
            return city
    user = request.user
    if isinstance(user, User) and user.home_city_id is not None:
        city = cities.filter(pk=user.home_city_id).first()
        if city:
            return city
    if settings.MYCITY_DEFAULT_CITY:
        return cities.filter(slug=settings.MYCITY_DEFAULT_CITY).first()
    return None


def remember_city(response: HttpResponseBase, slug: str) -> None:
    """The explicit choice (the chooser's form). A city's public page remembers itself
    with its own script instead (web/city-choice.js), so that its answer sets no cookie
    and stays in shared caches; that script must be able to overwrite this cookie, so it
    is not HttpOnly (it holds only the slug of a public page)."""
    response.set_cookie(
        CITY_COOKIE,
        slug,
        max_age=CITY_COOKIE_AGE,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=False,
    )


def city_or_404(slug: str) -> City:
    """The city a page's address names; a 404 for an unknown one."""
    try:
        return city_by_slug(slug)
    except CityNotFound:
        raise Http404 from None
