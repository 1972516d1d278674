"""The citizen app's listings: a month's calendar, one event, and iCalendar files."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django import forms
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from mycity.content.events import (
    calendar_of,
    events_between,
    listings,
    occurrences,
    upcoming_events,
)
from mycity.content.models import Event, EventCategory
from mycity.content.pictures import picture
from mycity.core.public_reads import public_read
from mycity.web.choice import city_or_404

UPCOMING_DAYS = 366
UPCOMING_DATES = 10


class MonthForm(forms.Form):
    # Years a calendar can page through (year 1 or 9999 would step off the calendar).
    month = forms.RegexField(regex=r"^(19|20|21)\d{2}-(0[1-9]|1[0-2])$", required=False)
    category = forms.ChoiceField(
        label=gettext_lazy("Category"),
        required=False,
        choices=[("", gettext_lazy("All events")), *EventCategory.choices],
    )


def _month_bounds(first: date, zone: ZoneInfo) -> tuple[datetime, datetime, date, date]:
    following = date(first.year + first.month // 12, first.month % 12 + 1, 1)
    previous = date(first.year - (first.month == 1), (first.month - 2) % 12 + 1, 1)
    start = datetime.combine(first, time(), tzinfo=zone)
    end = datetime.combine(following, time(), tzinfo=zone)
    return start, end, previous, following


@require_GET
@public_read
def events(request: HttpRequest, slug: str) -> HttpResponse:
    city = city_or_404(slug)
    zone = ZoneInfo(city.timezone)
    form = MonthForm(request.GET)
    if not form.is_valid():
        return render(
            request, "web/error.html", {"title": _("The request is not valid.")}, status=400
        )
    today = datetime.now(zone).date()
    month = form.cleaned_data["month"]
    first = date.fromisoformat(f"{month}-01") if month else today.replace(day=1)
    start, end, previous, following = _month_bounds(first, zone)
    category = form.cleaned_data["category"]
    days: dict[date, list] = {}
    for line in listings(events_between(city, start, end, category=category), zone):
        days.setdefault(line.first.starts_at.astimezone(zone).date(), []).append(line)
    return render(
        request,
        "content/events.html",
        {
            "city": city,
            "form": form,
            "days": days,
            "month": first,
            "previous": previous.strftime("%Y-%m"),
            "following": following.strftime("%Y-%m"),
            "category": category,
        },
    )


def _event(slug: str, event_id: int) -> Event:
    city = city_or_404(slug)
    found = (
        Event.objects.filter(city=city, pk=event_id, is_published=True)
        .select_related("venue", "city")
        .first()
    )
    if found is None:
        raise Http404
    return found


@require_GET
@public_read
def event(request: HttpRequest, slug: str, event_id: int) -> HttpResponse:
    found = _event(slug, event_id)
    # The dates to come, as the month's list and the calendar file have them.
    now = timezone.now()
    dates = occurrences(found, now, now + timedelta(days=UPCOMING_DAYS))[:UPCOMING_DATES]
    return render(
        request, "content/event.html", {"city": found.city, "event": found, "dates": dates}
    )


def _ics(body: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_GET
@public_read
def event_ics(request: HttpRequest, slug: str, event_id: int) -> HttpResponse:
    found = _event(slug, event_id)
    return _ics(calendar_of([found], found.name), f"event-{found.pk}.ics")


@require_GET
@public_read
def events_ics(request: HttpRequest, slug: str) -> HttpResponse:
    """The city's events as a calendar feed; ?category= for one category."""
    city = city_or_404(slug)
    category = request.GET.get("category", "")
    if category and category not in EventCategory.values:
        raise Http404
    name = _("Events: %(city)s") % {"city": city.name}
    if category:
        name += f" · {EventCategory(category).label}"
    return _ics(calendar_of(upcoming_events(city, category=category), name), f"{slug}-events.ics")


@require_GET
@cache_control(public=True, max_age=86400)
def event_image(request: HttpRequest, slug: str, event_id: int) -> FileResponse:
    return picture(_event(slug, event_id).image)
