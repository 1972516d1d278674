"""The analytics pages: a city's dashboard, the cities side by side for an oblast or a
ministry, a table of either as XLSX, the heat map's cells, and (for the city's staff)
the appeals behind a figure. Each parses its filters with `AnalyticsForm` and renders
what `dashboard` built."""

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_GET

from mycity.analytics.access import (
    CityScope,
    city_scope_for,
    observed_cities,
    reads_above_cities,
    reads_city,
)
from mycity.analytics.dashboard import Dashboard, cities_dashboard, city_dashboard
from mycity.analytics.exports import table_csv, table_xlsx
from mycity.analytics.forms import AnalyticsForm
from mycity.analytics.places import shared_heat_map
from mycity.analytics.selectors import appeals_behind
from mycity.cities.calendar import calendar_for
from mycity.cities.maps import allow_tiles, tiles_of
from mycity.cities.models import City
from mycity.cities.selectors import CityNotFound, city_by_slug

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _city(user: Any, slug: str) -> tuple[City, CityScope]:
    """404 for an unknown city; 403 without the right to its figures."""
    try:
        city = city_by_slug(slug)
    except CityNotFound:
        raise Http404 from None
    return city, city_scope_for(user, city)


def _appeals_link(city: City, scope: CityScope, query: dict[str, str]) -> Any:
    """Staff follow a figure to the appeals behind it; observers to the public map."""

    def link(filters: dict[str, str]) -> str:
        if scope.opens_appeals:
            url = reverse("analytics:appeals", kwargs={"slug": city.slug})
            return f"{url}?{urlencode(query | filters)}"
        url = reverse("web:report_map", kwargs={"slug": city.slug})
        public = {k: v for k, v in filters.items() if k in ("category", "bbox")}
        return f"{url}?{urlencode(public)}" if public else url

    return link


def _city_dashboard(
    request: HttpRequest, slug: str
) -> tuple[City, AnalyticsForm, Dashboard | None]:
    city, scope = _city(request.user, slug)
    now = timezone.now()
    today = calendar_for(city).local_date(now)
    form = AnalyticsForm([city], today, request.GET, organisation_ids=scope.organisation_ids)
    if not form.is_valid():
        return city, form, None
    link = _appeals_link(city, scope, form.query())
    return city, form, city_dashboard(city, form.selection(), now=now, today=today, link=link)


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """Where the analytics start: the cities side by side for those above a city,
    else the dashboard of the one city they read."""
    if reads_above_cities(request.user):
        return redirect("analytics:cities")
    cities = observed_cities(request.user)
    if len(cities) == 1:
        return redirect("analytics:city", slug=cities[0].slug)
    readable = [c for c in City.objects.filter(is_active=True) if reads_city(request.user, c)]
    if not readable:
        raise PermissionDenied("read_analytics")
    if len(readable) == 1:
        return redirect("analytics:city", slug=readable[0].slug)
    return render(request, "analytics/choose.html", {"cities": readable})


@login_required
@require_GET
def city_page(request: HttpRequest, slug: str) -> HttpResponse:
    city, form, dashboard = _city_dashboard(request, slug)
    query = urlencode(form.query()) if dashboard is not None else ""
    tiles = tiles_of(city)
    response = render(
        request,
        "analytics/city.html",
        {"city": city, "form": form, "dashboard": dashboard, "query": query, "tiles": tiles},
        status=200 if dashboard is not None else 400,
    )
    return allow_tiles(response, tiles)


def _table_file(dashboard: Dashboard, key: str, heading: str, name: str, kind: str) -> HttpResponse:
    try:
        table = dashboard.table(key)
    except StopIteration:
        raise Http404 from None
    if kind == "csv":
        response = HttpResponse(table_csv(table, heading), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(table_xlsx(table, heading), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{name}-{key}.{kind}"'
    return response


@login_required
@require_GET
def city_export(request: HttpRequest, slug: str, kind: str) -> HttpResponse:
    city, form, dashboard = _city_dashboard(request, slug)
    if dashboard is None:
        return render(
            request,
            "analytics/city.html",
            {"city": city, "form": form, "dashboard": None},
            status=400,
        )
    selection = dashboard.selection
    heading = f"{city.name}, {selection.start.isoformat()} – {selection.end.isoformat()}"
    name = f"analytics-{city.slug}-{selection.start}-{selection.end}"
    return _table_file(dashboard, request.GET.get("table", ""), heading, name, kind)


@login_required
@require_GET
def heat(request: HttpRequest, slug: str) -> JsonResponse:
    """The heat map's cells for the period and filters: [south, west, north, east, n]."""
    city, scope = _city(request.user, slug)
    today = calendar_for(city).local_date(timezone.now())
    form = AnalyticsForm([city], today, request.GET, organisation_ids=scope.organisation_ids)
    if not form.is_valid():
        return JsonResponse({"errors": form.errors}, status=400)
    try:
        block = max(1, min(int(request.GET.get("block", "1")), 20))
    except ValueError:
        block = 1
    cells = shared_heat_map(form.selection(), block=block)
    return JsonResponse({"cells": [[c.south, c.west, c.north, c.east, c.reports] for c in cells]})


@login_required
@require_GET
def appeals(request: HttpRequest, slug: str) -> HttpResponse:
    """The appeals behind a figure, for the city's staff only (observers read figures,
    never appeals)."""
    city, scope = _city(request.user, slug)
    if not scope.opens_appeals:
        raise PermissionDenied("read_appeals")
    today = calendar_for(city).local_date(timezone.now())
    form = AnalyticsForm([city], today, request.GET, organisation_ids=scope.organisation_ids)
    if not form.is_valid():
        return render(
            request,
            "analytics/city.html",
            {"city": city, "form": form, "dashboard": None},
            status=400,
        )
    found = appeals_behind(city, form.selection(), bbox=request.GET.get("bbox", ""))
    return render(
        request,
        "analytics/appeals.html",
        {"city": city, "form": form, "appeals": found, "query": urlencode(form.query())},
    )


def _cities(request: HttpRequest) -> tuple[list[City], AnalyticsForm, Dashboard | None]:
    if not reads_above_cities(request.user):
        raise PermissionDenied("read_analytics")
    cities = observed_cities(request.user)
    if not cities:
        raise PermissionDenied("read_analytics")
    # The republic shares one time zone; the first city's date is everyone's.
    today = calendar_for(cities[0]).local_date(timezone.now())
    form = AnalyticsForm(cities, today, request.GET)
    if not form.is_valid():
        return cities, form, None
    return cities, form, cities_dashboard(cities, form.selection())


@login_required
@require_GET
def cities_page(request: HttpRequest) -> HttpResponse:
    cities, form, dashboard = _cities(request)
    query = urlencode(form.query()) if dashboard is not None else ""
    return render(
        request,
        "analytics/cities.html",
        {"cities": cities, "form": form, "dashboard": dashboard, "query": query},
        status=200 if dashboard is not None else 400,
    )


@login_required
@require_GET
def cities_export(request: HttpRequest, kind: str) -> HttpResponse:
    cities, form, dashboard = _cities(request)
    if dashboard is None:
        return render(
            request,
            "analytics/cities.html",
            {"cities": cities, "form": form, "dashboard": None},
            status=400,
        )
    selection = dashboard.selection
    heading = f"{selection.start.isoformat()} – {selection.end.isoformat()}"
    return _table_file(
        dashboard,
        request.GET.get("table", ""),
        heading,
        f"analytics-{selection.start}-{selection.end}",
        kind,
    )
