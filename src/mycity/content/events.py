"""The city's listings (афиша): events once or repeating, their dates in a month, and
iCalendar (RFC 5545) files for one event and feeds for the city or a category."""

import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial
from zoneinfo import ZoneInfo

from dateutil.rrule import rrulestr
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, vRecur
from icalendar import Event as CalendarEvent

from mycity.accounts.models import User
from mycity.accounts.permissions import Action, require
from mycity.appeals.uploads import Upload, clean_photo
from mycity.cities.freshness import city_pages_changed
from mycity.cities.models import City
from mycity.content import search as content_search
from mycity.content.errors import InvalidEvent
from mycity.content.models import Event, EventCategory, Place
from mycity.notify.text import absolute_url

LANGUAGES = ("ru", "be", "en")
AGE_LIMITS = (0, 6, 12, 16, 18)
MAX_OCCURRENCES = 400  # of one event within a window: a rule cannot flood a page


@dataclass(frozen=True)
class EventDraft:
    category: str
    name: dict[str, str]
    starts_at: datetime
    ends_at: datetime | None = None
    description: dict[str, str] = field(default_factory=dict)
    venue_id: int | None = None
    recurrence: str = ""
    price: str = ""
    age_limit: int = 0


def save_event(
    *,
    actor: User,
    city: City,
    draft: EventDraft,
    event: Event | None = None,
    publish: bool = True,
    picture: Upload | None = None,
) -> Event:
    require(actor, Action.EDIT_CONTENT, city)
    problems: list[dict[str, str]] = []

    def refuse(name: str, message: str) -> None:
        problems.append({"field": name, "message": message})

    if draft.category not in EventCategory.values:
        refuse("category", _("Choose a category."))
    if not (draft.name.get("ru") or "").strip():
        refuse("name.ru", _("The title in Russian is required."))
    if draft.ends_at is not None and draft.ends_at <= draft.starts_at:
        refuse("ends_at", _("The end must come after the start."))
    if draft.age_limit not in AGE_LIMITS:
        refuse("age_limit", _("The age limit is 0, 6, 12, 16 or 18."))
    venue = draft.venue_id
    if venue is not None and not Place.objects.filter(pk=venue, city=city).exists():
        refuse("venue", _("There is no such place in the city."))
    starts_at, ends_at = draft.starts_at, draft.ends_at
    if draft.recurrence:
        try:
            vRecur.from_ical(draft.recurrence)
            first = first_date(draft.starts_at, draft.recurrence, ZoneInfo(city.timezone))
        except (ValueError, TypeError):
            refuse("recurrence", _("The repetition rule is not valid."))
        else:
            if first is None:
                refuse("recurrence", _("The repetition rule gives no date from the start on."))
            else:
                # RFC 5545 counts DTSTART as the first date whatever the rule says, and
                # dateutil does not: a Wednesday start with BYDAY=SA would be an extra
                # concert in a calendar app. The event starts on the rule's first date.
                if ends_at is not None:
                    ends_at = first + (ends_at - starts_at)
                starts_at = first
    if problems:
        raise InvalidEvent(details=problems)
    cleaned = clean_photo(picture, field="picture") if picture is not None else None
    with transaction.atomic():
        event = event or Event(city=city)
        if cleaned is not None:
            event.image.save(f"{uuid.uuid4().hex}.jpg", ContentFile(cleaned.content), save=False)
        for lang in LANGUAGES:
            setattr(event, f"name_{lang}", (draft.name.get(lang) or "").strip())
            setattr(event, f"description_{lang}", (draft.description.get(lang) or "").strip())
        event.category, event.venue_id = draft.category, draft.venue_id
        event.starts_at, event.ends_at = starts_at, ends_at
        event.recurrence, event.price, event.age_limit = (
            draft.recurrence,
            draft.price,
            draft.age_limit,
        )
        # Read from the database: a form may already have set the instance's flag.
        was_published = (
            event.pk is not None and Event.objects.filter(pk=event.pk, is_published=True).exists()
        )
        newly_published = publish and not was_published
        event.is_published = publish
        event.save()
        content_search.index("event", event)
        if newly_published:
            transaction.on_commit(partial(_announce, event.pk), robust=True)
    city_pages_changed(event.city_id)
    return event


def _announce(event_id: int) -> None:
    from mycity.content.announcements import announce_event

    announce_event.enqueue(event_id)


def first_date(starts_at: datetime, recurrence: str, zone: ZoneInfo) -> datetime | None:
    """The first date of a repeating event: the rule's first from `starts_at` on, counted
    in the city's wall-clock time (dateutil skips a start the rule does not give)."""
    rule = rrulestr(recurrence, dtstart=starts_at.astimezone(zone))
    return next(iter(rule), None)


@dataclass(frozen=True)
class Occurrence:
    starts_at: datetime
    ends_at: datetime | None
    event: Event


def occurrences(event: Event, start: datetime, end: datetime) -> list[Occurrence]:
    """The event's dates that begin within [start, end)."""
    length = event.ends_at - event.starts_at if event.ends_at else None
    if not event.recurrence:
        starts = [event.starts_at] if start <= event.starts_at < end else []
    else:
        # The rule counts in the city's wall-clock time: "every Saturday at 19:00"
        # stays at 19:00 across a change of offset.
        zone = ZoneInfo(event.city.timezone)
        local = event.starts_at.astimezone(zone)
        rule = rrulestr(event.recurrence, dtstart=local)
        starts = []
        for moment in rule.xafter(start.astimezone(zone) - timedelta(microseconds=1), inc=True):
            if moment >= end or len(starts) >= MAX_OCCURRENCES:
                break
            starts.append(moment)
    return [Occurrence(s, s + length if length else None, event) for s in starts]


@dataclass(frozen=True)
class Listing:
    """One line of a month's list: a date, or a run of dates on consecutive days at the
    same hour (a daily exhibition), which the list shows once."""

    first: Occurrence
    last: Occurrence | None = None


def listings(found: list[Occurrence], zone: ZoneInfo) -> list[Listing]:
    """The occurrences (soonest first) with each event's runs of days folded into one."""
    runs: dict[int, list[list[Occurrence]]] = {}
    for occurrence in found:
        event_runs = runs.setdefault(occurrence.event.pk, [])
        if event_runs and _next_day(event_runs[-1][-1], occurrence, zone):
            event_runs[-1].append(occurrence)
        else:
            event_runs.append([occurrence])
    lines = [
        Listing(run[0], run[-1] if len(run) > 1 else None)
        for event_runs in runs.values()
        for run in event_runs
    ]
    return sorted(lines, key=lambda line: (line.first.starts_at, line.first.event.pk))


def _next_day(before: Occurrence, after: Occurrence, zone: ZoneInfo) -> bool:
    one, two = before.starts_at.astimezone(zone), after.starts_at.astimezone(zone)
    return two.date() == one.date() + timedelta(days=1) and two.time() == one.time()


def events_between(
    city: City, start: datetime, end: datetime, *, category: str = ""
) -> list[Occurrence]:
    """Every date of the city's published events within [start, end), soonest first."""
    events = Event.objects.filter(city=city, is_published=True, starts_at__lt=end).filter(
        Q(recurrence="") & Q(starts_at__gte=start) | ~Q(recurrence="")
    )
    if category:
        events = events.filter(category=category)
    found = []
    for event in events.select_related("venue", "city"):
        found.extend(occurrences(event, start, end))
    return sorted(found, key=lambda o: (o.starts_at, o.event.pk))


def _calendar_event(event: Event) -> CalendarEvent:
    item = CalendarEvent()
    item.add("uid", f"event-{event.pk}@{absolute_url('/').split('//')[-1].strip('/')}")
    item.add("dtstamp", timezone.now())
    item.add("dtstart", event.starts_at)
    if event.ends_at:
        item.add("dtend", event.ends_at)
    item.add("summary", event.name)
    if event.description:
        item.add("description", event.description)
    if event.venue is not None:
        item.add("location", ", ".join(p for p in (event.venue.name, event.venue.address) if p))
        item.add("geo", (event.venue.lat, event.venue.lon))
    if event.recurrence:
        item.add("rrule", vRecur.from_ical(event.recurrence))
    item.add("url", absolute_url(f"/{event.city.slug}/events/{event.pk}/"))
    item.add("categories", [event.get_category_display()])
    item.add("last-modified", event.updated_at)
    return item


def calendar_of(events: list[Event], name: str) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//mycity//Мой город//RU")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    for event in events:
        calendar.add_component(_calendar_event(event))
    return calendar.to_ical()


def upcoming_events(city: City, *, category: str = "") -> list[Event]:
    """Published events not yet over (a repeating one while its rule may still run)."""
    now = timezone.now()
    events = Event.objects.filter(city=city, is_published=True).filter(
        Q(starts_at__gte=now - timedelta(days=1)) | ~Q(recurrence="")
    )
    if category:
        events = events.filter(category=category)
    return list(events.select_related("venue", "city").order_by("starts_at"))
