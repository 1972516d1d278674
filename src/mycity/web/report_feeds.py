"""RSS 2.0 feeds of public reports: the new ones of an area (around a point, a district
or a category) and the updates of one report, as FixMyStreet offers. Public, without
sign-in, and only what the public map shows (the text masked, no notes, no names)."""

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.feedgenerator import Rss201rev2Feed
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from mycity.appeals import selectors
from mycity.appeals.access import Audience
from mycity.appeals.models import Appeal, Category, Status
from mycity.appeals.public_text import public_text
from mycity.cities.models import City, District
from mycity.cities.selectors import point_in_city
from mycity.web.choice import city_or_404

FEED_ITEMS = 50
MAX_RADIUS_M = 5000
CONTENT_TYPE = "application/rss+xml; charset=utf-8"


class FeedRefused(Exception):
    """A feed asked for with parameters that make no sense: a 400 that says why."""


def _rss(request: HttpRequest, feed: Rss201rev2Feed) -> HttpResponse:
    response = HttpResponse(content_type=CONTENT_TYPE)
    feed.write(response, "utf-8")
    return response


def _refused(message: str) -> HttpResponse:
    return HttpResponse(message, status=400, content_type="text/plain; charset=utf-8")


def _area(request: HttpRequest, city: City) -> tuple[str, selectors.ReportFilters]:
    """What the area feed follows, from its query, and its title."""
    given = [name for name in ("lat", "district", "category") if request.GET.get(name)]
    if len(given) != 1:
        raise FeedRefused(_("Give a point (lat, lon, radius), a district or a category."))
    if given == ["lat"]:
        try:
            lat, lon = float(request.GET["lat"]), float(request.GET.get("lon", ""))
            radius = int(request.GET.get("radius", "500"))
        except ValueError:
            raise FeedRefused(_("The point and the radius must be numbers.")) from None
        if not 1 <= radius <= MAX_RADIUS_M:
            raise FeedRefused(_("The radius is 1 to %(max)s metres.") % {"max": MAX_RADIUS_M})
        if not point_in_city(city, lat=lat, lon=lon):
            raise FeedRefused(_("The point is outside the city."))
        title = _("New reports within %(m)s m of %(lat).5f, %(lon).5f") % {
            "m": radius,
            "lat": lat,
            "lon": lon,
        }
        return title, selectors.ReportFilters(near=(lat, lon, float(radius)))
    if given == ["district"]:
        district = District.objects.filter(city=city, slug=request.GET["district"]).first()
        if district is None:
            raise FeedRefused(_("There is no such district in this city."))
        title = _("New reports in the district %(name)s") % {"name": district.name}
        return title, selectors.ReportFilters(district=district.slug)
    category = Category.objects.filter(city=city, slug=request.GET["category"]).first()
    if category is None:
        raise FeedRefused(_("There is no such category in this city."))
    title = _("New reports of the category %(name)s") % {"name": category.name}
    return title, selectors.ReportFilters(categories=(category.slug,))


def _item_text(report: Appeal) -> str:
    parts = [report.category.name, str(report.get_status_display()), report.address]
    return " · ".join(p for p in parts if p) + "\n\n" + public_text(report.description)


@require_GET
@cache_control(max_age=300, public=True)
def area_feed(request: HttpRequest, slug: str) -> HttpResponse:
    """`?lat=&lon=&radius=` (metres), `?district=` or `?category=`: the newest public
    reports there."""
    city = city_or_404(slug)
    try:
        title, filters = _area(request, city)
    except FeedRefused as refused:
        return _refused(str(refused))
    reports = selectors.public_reports(city, filters, limit=FEED_ITEMS)
    feed = Rss201rev2Feed(
        title=f"{title} · {city.name}",
        link=request.build_absolute_uri(f"/{city.slug}/map/"),
        description=title,
        language=request.LANGUAGE_CODE,
        feed_url=request.build_absolute_uri(),
    )
    for report in reports:
        link = request.build_absolute_uri(report.public_path())
        feed.add_item(
            title=f"{report.number} · {report.category.name}",
            link=link,
            description=_item_text(report),
            pubdate=report.submitted_at,
            updateddate=report.updated_at,
            unique_id=link,
            unique_id_is_permalink=True,
            categories=[report.category.name],
        )
    return _rss(request, feed)


@require_GET
@cache_control(max_age=300, public=True)
def report_feed(request: HttpRequest, slug: str, appeal_id: int) -> HttpResponse:
    """The public timeline of one report, newest first."""
    city = city_or_404(slug)
    report = selectors.public_report(city, appeal_id)
    if report is None:
        raise Http404
    link = request.build_absolute_uri(report.public_path())
    title = _("Report %(number)s: %(category)s") % {
        "number": report.number,
        "category": report.category.name,
    }
    feed = Rss201rev2Feed(
        title=title,
        link=link,
        description=public_text(report.description)[:300],
        language=request.LANGUAGE_CODE,
        feed_url=request.build_absolute_uri(),
    )
    for event in reversed(selectors.timeline(report, Audience.PUBLIC)):
        status = str(Status(event.to_status).label) if event.to_status else ""
        feed.add_item(
            title=f"{report.number}: {status}",
            link=link,
            description=status,
            pubdate=event.created_at,
            unique_id=f"{link}#event-{event.pk}",
            unique_id_is_permalink=False,
        )
    return _rss(request, feed)
