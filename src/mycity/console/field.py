"""The console in the street: an executor's shortlist of today's work on a phone.

The shortlist is the organisation's problem reports waiting for work or in work, the
terms that end first at the top: what a crew can reach today. The phone keeps a copy
for places without a connection (`static/console/field.js`): only what the work needs
(number, category, place, the public text with phone numbers and e-mails masked,
status, term, version), never the applicant's name or contacts; it is cleared on
sign-out. What the executor does offline goes through the API's moves and answer
under idempotency keys, so it is made once when the connection returns.
"""

from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from mycity.appeals import selectors
from mycity.appeals.deadlines import deadline_state
from mycity.appeals.models import Appeal, AppealKind, Status
from mycity.appeals.public_text import public_text
from mycity.appeals.transitions import ANSWER_RESULTS
from mycity.appeals.workflow import Move, moves_for
from mycity.cities.models import City
from mycity.console.access import console_city_for, desks_of

# What a crew can reach in a day, and what a phone keeps without trouble.
SHORTLIST_SIZE = 20
FIELD_STATUSES = (Status.ASSIGNED, Status.IN_PROGRESS)
# The static files the page needs offline, kept with it on the phone.
FIELD_ASSETS = (
    "web/site.css",
    "console/console.css",
    "console/field.css",
    "console/field.js",
    "web/app.js",
    "web/report-queue.js",
    "vendor/htmx/htmx.min.js",
)


def navigation(lat: float | None, lon: float | None) -> dict[str, str] | None:
    """Where a phone finds the way to a point: its own navigation app (a `geo:` URI,
    RFC 5870) and a map in the browser for phones without one."""
    if lat is None or lon is None:
        return None
    point = f"{lat:.6f},{lon:.6f}"
    return {
        "geo": f"geo:{point}?z=18",
        "map": "https://www.openstreetmap.org/?"
        + urlencode({"mlat": f"{lat:.6f}", "mlon": f"{lon:.6f}"})
        + f"#map=18/{lat:.6f}/{lon:.6f}",
    }


def shortlist(user: Any, city: City) -> list[Appeal] | None:
    """Today's work of `user` in `city`: None when they handle no appeals there."""
    filters = selectors.QueueFilters(
        statuses=tuple(FIELD_STATUSES), kind=AppealKind.PROBLEM, by_deadline=True
    )
    return selectors.appeals_handled_by(
        user, city, filters, limit=SHORTLIST_SIZE, with_details=False
    )


def _kept(request: HttpRequest, city: City, appeal: Appeal, now: Any) -> dict[str, Any]:
    """One appeal as the phone keeps it."""
    moves = moves_for(request.user, appeal)
    return {
        "id": appeal.pk,
        "number": appeal.number,
        "category": appeal.category.name,
        "address": appeal.address,
        "lat": appeal.lat,
        "lon": appeal.lon,
        "text": public_text(appeal.description),
        "status": appeal.status,
        "status_label": str(appeal.get_status_display()),
        "deadline": appeal.deadline.isoformat(),
        "deadline_state": deadline_state(appeal, now),
        "version": appeal.version,
        "can_start": Move.START in moves,
        "can_answer": Move.ANSWER in moves,
        "card": reverse("console:card", kwargs={"slug": city.slug, "appeal_id": appeal.pk}),
        "navigation": navigation(appeal.lat, appeal.lon),
    }


def _field_context(request: HttpRequest, city: City, *, without_appeals: bool) -> dict[str, Any]:
    return {
        "city": city,
        "desks": desks_of(request.user),
        "shell": without_appeals,
        "field_url": reverse("console:field", kwargs={"slug": city.slug}),
        "shell_url": reverse("console:field_shell", kwargs={"slug": city.slug}),
        "shortlist_url": reverse("console:field_shortlist", kwargs={"slug": city.slug}),
        "assets": [static(name) for name in FIELD_ASSETS],
        "answer_results": [(r.value, r.label) for r in ANSWER_RESULTS],
    }


@login_required
@require_GET
def field(request: HttpRequest, slug: str) -> HttpResponse:
    """Today's shortlist, as a list of cards that fits a phone."""
    city = console_city_for(request.user, slug)
    appeals = shortlist(request.user, city)
    if appeals is None:
        raise Http404
    now = timezone.now()
    rows = [(a, deadline_state(a, now), navigation(a.lat, a.lon)) for a in appeals]
    context = _field_context(request, city, without_appeals=False) | {"rows": rows}
    return render(request, "console/field.html", context)


@login_required
@require_GET
def field_shell(request: HttpRequest, slug: str) -> HttpResponse:
    """The same page without any appeal in it: the phone keeps it to open offline and
    fills it from the shortlist it keeps."""
    city = console_city_for(request.user, slug)
    if shortlist(request.user, city) is None:
        raise Http404
    return render(
        request, "console/field.html", _field_context(request, city, without_appeals=True)
    )


@login_required
@require_GET
def field_shortlist(request: HttpRequest, slug: str) -> JsonResponse:
    """The shortlist for the phone to keep."""
    city = console_city_for(request.user, slug)
    appeals = shortlist(request.user, city)
    if appeals is None:
        raise Http404
    now = timezone.now()
    return JsonResponse(
        {
            "user": request.user.pk,
            "city": city.slug,
            "saved_at": now.isoformat(),
            "appeals": [_kept(request, city, appeal, now) for appeal in appeals],
        },
        json_dumps_params={"ensure_ascii": False},
    )
