"""/open-data/: every feed and export of a city, in open formats, in one list."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from mycity.content.models import EventCategory
from mycity.web.choice import chosen_city, city_or_404


@require_GET
def open_data_home(request: HttpRequest) -> HttpResponse:
    city = chosen_city(request)
    if city is None:
        return redirect("web:city_chooser")
    return redirect("web:open_data", slug=city.slug)


@require_GET
def open_data(request: HttpRequest, slug: str) -> HttpResponse:
    city = city_or_404(slug)
    api = f"/api/v1/cities/{city.slug}"
    rows = [
        (_("News"), "RSS 2.0", reverse("content:news_feed", args=[city.slug, "rss"])),
        (_("News"), "Atom", reverse("content:news_feed", args=[city.slug, "atom"])),
        (_("Outages and works"), "RSS 2.0", reverse("content:notices_feed", args=[slug, "rss"])),
        (_("Outages and works"), "Atom", reverse("content:notices_feed", args=[slug, "atom"])),
        (_("Outages and works"), "GeoJSON", f"{api}/notices.geojson"),
        (_("Events"), "iCalendar", reverse("content:events_ics", args=[city.slug])),
        *(
            (f"{_('Events')}: {label}", "iCalendar", f"/{slug}/events.ics?category={value}")
            for value, label in EventCategory.choices
        ),
        (_("Places"), "GeoJSON", f"{api}/places.geojson"),
        (_("Public problem reports"), "GeoJSON", f"{api}/reports.geojson"),
        (
            _("Public problem reports"),
            "Open311 GeoReport v2",
            f"/open311/v2/requests.json?jurisdiction_id={slug}",
        ),
        # The analytics' daily figures (docs/analytics.md), under CC BY 4.0.
        (
            _("Daily figures on appeals (CC BY 4.0)"),
            "CSV",
            f"/{slug}/open-data/daily-figures.csv",
        ),
        (
            _("Daily figures on appeals (CC BY 4.0)"),
            "JSON",
            f"/{slug}/open-data/daily-figures.json",
        ),
        (_("How the city answers: the last 12 months"), "HTML", f"/{slug}/performance/"),
        (_("Everything above and more"), "OpenAPI 3 (REST)", "/api/v1/openapi.json"),
    ]
    return render(request, "web/open_data.html", {"city": city, "rows": rows})
