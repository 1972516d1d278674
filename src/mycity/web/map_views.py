"""The map of a city's public problem reports, and the same results as a list for those
who cannot use a map: one page, the list rendered by the server, the map drawn over it
from the GeoJSON of the same filters."""

from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from mycity.appeals import selectors
from mycity.cities.maps import allow_tiles, tiles_of
from mycity.content.selectors import notices_of
from mycity.core.public_reads import public_read
from mycity.web.choice import city_or_404
from mycity.web.report_views import category_choices

LIST_PAGE = 50
MAP_POINTS = 200  # the newest reports the map shows at once (clustered)
STATUSES = [("open", _("Open")), ("closed", _("Finished")), ("", _("All"))]


class ReportMapForm(forms.Form):
    category = forms.ChoiceField(label=_("Category"), required=False)
    status = forms.ChoiceField(label=_("Status"), choices=STATUSES, required=False)
    before = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def __init__(self, choices: list, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["category"].choices = [("", _("All categories")), *choices[1:]]  # type: ignore[attr-defined]


NOTICES_LISTED = 10


@require_GET
@public_read
def report_map(request: HttpRequest, slug: str) -> HttpResponse:
    city = city_or_404(slug)
    form = ReportMapForm(category_choices(city, often=False)[0], request.GET or {"status": "open"})
    status = 200
    data: dict[str, Any]
    if not form.is_valid():
        status, data = 400, {"status": "open"}
    else:
        data = form.cleaned_data
    filters = selectors.ReportFilters(
        categories=(data["category"],) if data.get("category") else (),
        statuses=(data["status"],) if data.get("status") else (),
    )
    reports = selectors.public_reports(
        city, filters, after_id=data.get("before"), limit=LIST_PAGE + 1
    )
    more = len(reports) > LIST_PAGE
    reports = reports[:LIST_PAGE]
    query = {
        k: v for k, v in (("category", data.get("category")), ("status", data.get("status"))) if v
    }
    tiles = tiles_of(city)
    geojson = reverse("api-v1:reports_geojson", kwargs={"slug": city.slug})
    context = {
        "city": city,
        "form": form,
        "reports": reports,
        "next_query": urlencode(query | {"before": reports[-1].pk}) if more else "",
        "reports_map": {
            "lat": city.centre_lat,
            "lon": city.centre_lon,
            "zoom": 13,
            "tiles": tiles.url,
            "attribution": tiles.attribution,
            "points": [],
            "source": f"{geojson}?{urlencode(query | {'limit': MAP_POINTS})}",
            "notices": f"/api/v1/cities/{city.slug}/notices.geojson",
        },
        "notices": list(notices_of(city).defer("area")[:NOTICES_LISTED]),
    }
    return allow_tiles(render(request, "web/report_map.html", context, status=status), tiles)
