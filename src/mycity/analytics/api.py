"""The figures and the daily figures in the open API: a city's dashboard for its staff
and observers, the cities side by side for an oblast or a ministry, and the public
daily figures (open data). The same tables as the pages (`dashboard`), without links."""

from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router

from mycity.analytics.access import city_scope_for, observed_cities, reads_above_cities
from mycity.analytics.dashboard import Dashboard, as_data, cities_dashboard, city_dashboard
from mycity.analytics.forms import FIELDS, AnalyticsForm, InvalidAnalyticsQuery
from mycity.analytics.open_data import as_json
from mycity.analytics.public_views import MAX_DAYS, last_twelve_months
from mycity.analytics.schemas import FiguresOut, FiguresQuery, OpenDataOut
from mycity.appeals.api import STAFF
from mycity.cities.calendar import calendar_for
from mycity.cities.selectors import city_by_slug

router = Router(tags=["analytics"])


def _given(query: FiguresQuery) -> dict[str, str]:
    return {name: value for name in FIELDS if (value := getattr(query, name)) is not None}


def _out(slugs: list[str], dashboard: Dashboard) -> dict[str, Any]:
    return {
        "cities": slugs,
        "date_from": dashboard.selection.start.isoformat(),
        "date_to": dashboard.selection.end.isoformat(),
        "tables": as_data(dashboard),
    }


@router.get(
    "/cities/{slug}/figures",
    response=FiguresOut,
    auth=STAFF,
    summary="A city's figures on appeals (staff and observers)",
    description="The figures of docs/analytics.md for a period of days (default: the 90 "
    "days up to yesterday), from the daily figures, with today's so far counted live: "
    "the summary, the trend, by sector, category, district, executor and channel, the "
    "backlog by age and the hotspots. A value is null where fewer than five appeals stand "
    "behind it. The head of an organisation reads only its appeals. 403 without the right "
    "to the city's figures; 400 with field details for a bad filter.",
)
def city_figures(request: HttpRequest, slug: str, query: Query[FiguresQuery]) -> dict:
    city = city_by_slug(slug)
    scope = city_scope_for(request.auth, city)  # type: ignore[attr-defined]
    now = timezone.now()
    today = calendar_for(city).local_date(now)
    form = AnalyticsForm([city], today, _given(query), organisation_ids=scope.organisation_ids)
    if not form.is_valid():
        raise form.as_error()
    return _out([city.slug], city_dashboard(city, form.selection(), now=now, today=today))


@router.get(
    "/cities",
    response=FiguresOut,
    auth=STAFF,
    summary="Every city of an oblast or of the republic, side by side (observers)",
    description="For an oblast executive committee's official (the cities of the region) "
    "or a ministry's (every city): each city's figures with the rate per 10,000 residents, "
    "received by city and sector, and the ranking, which leaves out the cities with fewer "
    "than five appeals. Filters: the period, sector and channel.",
)
def cities_figures(request: HttpRequest, query: Query[FiguresQuery]) -> dict:
    user = request.auth  # type: ignore[attr-defined]
    cities = observed_cities(user) if reads_above_cities(user) else []
    if not cities:
        raise PermissionDenied("read_analytics")
    today = calendar_for(cities[0]).local_date(timezone.now())
    form = AnalyticsForm(cities, today, _given(query))
    if not form.is_valid():
        raise form.as_error()
    return _out([c.slug for c in cities], cities_dashboard(cities, form.selection()))


@router.get(
    "/cities/{slug}/daily-figures",
    response=OpenDataOut,
    auth=None,
    summary="Open data: a city's daily figures per day and category",
    description="Per day (the city's time zone) and category, with its sector: received, "
    "first actions, answered, finished, finished on time, reopened, ratings and their sum, "
    "and the counts per bucket of the times to first action and to answer (hours: 1, 4, 8, "
    "24, 48, 72, 120, 168, 360, 720, more). Licence CC BY 4.0. Default period: the last "
    f"12 months; at most {MAX_DAYS} days. Also as CSV at /<city>/open-data/daily-figures.csv.",
)
def daily_figures(
    request: HttpRequest, slug: str, date_from: date | None = None, date_to: date | None = None
) -> dict:
    city = city_by_slug(slug)
    start, end = last_twelve_months(city)
    start, end = date_from or start, date_to or end
    if end < start or (end - start).days >= MAX_DAYS:
        raise InvalidAnalyticsQuery(field="date_to")
    return as_json(city, start, end)
