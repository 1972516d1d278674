"""A public report's own page: what anyone may read of it, with a link to share and
the Open Graph tags that make the link a preview in messengers.

Only what the public map already shows: the category, the status, the place, the text
with phone numbers, e-mails and plates masked, the public photos; of the answer, who
answered, when and with what result (an answer letter may name the applicant: its text
is the applicant's and the staff's), and the photos after the work; the timeline's
status changes without their notes or who made them."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from mycity.appeals import selectors
from mycity.appeals.access import Audience
from mycity.appeals.models import CLOSED_STATUSES, FileRole, MeToo
from mycity.appeals.public_text import public_text
from mycity.cities.maps import allow_tiles, tiles_of
from mycity.web.choice import city_or_404


def report_url(city_slug: str, appeal_id: int) -> str:
    return reverse("web:public_report", kwargs={"slug": city_slug, "appeal_id": appeal_id})


@require_GET
def public_report(request: HttpRequest, slug: str, appeal_id: int) -> HttpResponse:
    city = city_or_404(slug)
    report = selectors.public_report(city, appeal_id)
    if report is None:
        raise Http404
    files = selectors.files_of(report, Audience.PUBLIC)
    photos = [f for f in files if f.role == FileRole.PHOTO]
    after = [f for f in files if f.role == FileRole.AFTER]
    user = request.user
    signed_in = user.is_authenticated
    joined = signed_in and MeToo.objects.filter(appeal=report, user_id=user.pk or 0).exists()
    text = public_text(report.description)
    tiles = tiles_of(city)
    shown = photos[0] if photos else (after[0] if after else None)
    context = {
        "city": city,
        "report": report,
        "text": text,
        "photos": photos,
        "after_photos": after,
        "answers": selectors.answers_of(report),
        "timeline": selectors.timeline(report, Audience.PUBLIC),
        "joinable": report.status not in CLOSED_STATUSES,
        "own": signed_in and report.applicant_id == user.pk,
        "joined": joined,
        "share_url": request.build_absolute_uri(report_url(city.slug, report.pk)),
        "image_url": request.build_absolute_uri(f"/api/v1/appeals/{report.pk}/files/{shown.pk}")
        if shown
        else None,
        "report_map": {
            "lat": report.lat,
            "lon": report.lon,
            "tiles": tiles.url,
            "attribution": tiles.attribution,
            "points": [
                {"lat": report.lat, "lon": report.lon, "label": report.number, "main": True}
            ],
        }
        if report.lat is not None and report.lon is not None
        else None,
    }
    return allow_tiles(render(request, "web/public_report.html", context), tiles)
