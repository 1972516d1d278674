"""The city's public performance page (the last 12 months: how many appeals, how fast,
how many on time, by sector) and its open data. Anyone may read them: figures only,
from the daily figures."""

from datetime import date, timedelta

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_GET

from mycity.analytics.figures import Figures, Selection, breakdown, totals
from mycity.analytics.open_data import LICENSE_URL, as_csv, as_json
from mycity.analytics.tables import breakdown_table, figure_cells, figure_columns
from mycity.cities.calendar import calendar_for
from mycity.cities.models import City
from mycity.cities.selectors import CityNotFound, city_by_slug

MAX_DAYS = 366


def _city(slug: str) -> City:
    try:
        return city_by_slug(slug)
    except CityNotFound:
        raise Http404 from None


def last_twelve_months(city: City) -> tuple[date, date]:
    yesterday = calendar_for(city).local_date(timezone.now()) - timedelta(days=1)
    return yesterday - timedelta(days=364), yesterday


@require_GET
def performance(request: HttpRequest, slug: str) -> HttpResponse:
    city = _city(slug)
    start, end = last_twelve_months(city)
    selection = Selection(city_ids=(city.pk,), start=start, end=end)
    total: Figures = totals(selection)
    map_url = reverse("web:report_map", kwargs={"slug": city.slug})
    sectors = breakdown_table(
        "sectors",
        "",
        "",
        "sector",
        breakdown(selection, "sector"),
    )
    return render(
        request,
        "analytics/performance.html",
        {
            "city": city,
            "start": start,
            "end": end,
            "total": total,
            "figures": list(
                zip(
                    [label for _key, label in figure_columns("", per_residents=True)[1:]],
                    figure_cells(total, link=map_url, population=city.population),
                    strict=True,
                )
            ),
            "sectors": sectors,
            "map_url": map_url,
            "license_url": LICENSE_URL,
            "query": urlencode({"date_from": start.isoformat(), "date_to": end.isoformat()}),
        },
    )


def _period(request: HttpRequest, city: City) -> tuple[date, date] | HttpResponse:
    start, end = last_twelve_months(city)
    try:
        if request.GET.get("date_from"):
            start = date.fromisoformat(request.GET["date_from"])
        if request.GET.get("date_to"):
            end = date.fromisoformat(request.GET["date_to"])
    except ValueError:
        return JsonResponse(
            {"code": "invalid_period", "message": "Dates are YYYY-MM-DD."}, status=400
        )
    if end < start or (end - start).days >= MAX_DAYS:
        return JsonResponse(
            {"code": "invalid_period", "message": f"A period of 1 to {MAX_DAYS} days."}, status=400
        )
    return start, end


@require_GET
def daily_figures_file(request: HttpRequest, slug: str, kind: str) -> HttpResponse:
    city = _city(slug)
    period = _period(request, city)
    if isinstance(period, HttpResponse):
        return period
    start, end = period
    if kind == "json":
        response: HttpResponse = JsonResponse(as_json(city, start, end))
    elif kind == "csv":
        response = HttpResponse(as_csv(city, start, end), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = (
            f'attachment; filename="daily-figures-{city.slug}-{start}-{end}.csv"'
        )
    else:
        raise Http404
    response["Link"] = f'<{LICENSE_URL}>; rel="license"'
    return response
