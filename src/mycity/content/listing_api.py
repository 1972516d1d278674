"""The open API of the city's places, contacts, events and polls."""

from datetime import datetime, timedelta

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja.decorators import decorate_view

from mycity.cities.clock import in_city_time
from mycity.cities.selectors import city_by_slug
from mycity.content.events import events_between
from mycity.content.models import EventCategory, PlaceKind
from mycity.content.places import contacts_of, places_geojson, places_of
from mycity.content.polls import polls_of
from mycity.core.api_contract import geojson
from mycity.core.api_formats import IsoDateTime
from mycity.core.public_reads import public_read

router = Router(tags=["city information"])


class PlaceOut(Schema):
    id: int
    kind: str
    name: str
    description: str
    address: str
    lat: float
    lon: float
    phone: str
    website: str
    opening_hours: list[dict]


class ContactOut(Schema):
    group: str
    name: str
    phone: str
    hours: str


class OccurrenceOut(Schema):
    event_id: int
    name: str
    category: str
    starts_at: datetime
    ends_at: datetime | None
    venue: str | None
    url: str
    ics: str


class PollOut(Schema):
    id: int
    question: str
    is_multiple: bool
    opens_at: datetime
    closes_at: datetime
    options: list[str]
    url: str


class PlaceQuery(Schema):
    kind: PlaceKind | None = None


class EventsQuery(Schema):
    start: IsoDateTime | None = Field(None, description="From (default: now).")
    days: int = Field(31, ge=1, le=366)
    category: EventCategory | None = None


@router.get("/{slug}/places", response=list[PlaceOut], summary="Places on the city's map")
@decorate_view(public_read)
def list_places(request: HttpRequest, slug: str, params: Query[PlaceQuery]) -> list:
    return list(places_of(city_by_slug(slug), kind=params.kind or ""))


@router.get(
    "/{slug}/places.geojson",
    summary="Places as GeoJSON",
    openapi_extra=geojson("Places as Point features"),
)
@decorate_view(public_read)
def places_as_geojson(request: HttpRequest, slug: str, params: Query[PlaceQuery]) -> HttpResponse:
    body = places_geojson(city_by_slug(slug), kind=params.kind or "")
    return HttpResponse(body, content_type="application/geo+json; charset=utf-8")


@router.get("/{slug}/contacts", response=list[ContactOut], summary="Useful phone numbers")
@decorate_view(public_read)
def list_contacts(request: HttpRequest, slug: str) -> list:
    return list(contacts_of(city_by_slug(slug)))


@router.get(
    "/{slug}/events",
    response=list[OccurrenceOut],
    summary="Dates of the city's events in a window (repeating events expanded)",
)
@decorate_view(public_read)
def list_events(request: HttpRequest, slug: str, params: Query[EventsQuery]) -> list[dict]:
    city = city_by_slug(slug)
    start = in_city_time(city, params.start) if params.start else timezone.now()
    found = events_between(
        city, start, start + timedelta(days=params.days), category=params.category or ""
    )
    return [
        {
            "event_id": o.event.pk,
            "name": o.event.name,
            "category": o.event.category,
            "starts_at": o.starts_at,
            "ends_at": o.ends_at,
            "venue": o.event.venue.name if o.event.venue else None,
            "url": f"/{slug}/events/{o.event.pk}/",
            "ics": f"/{slug}/events/{o.event.pk}.ics",
        }
        for o in found
    ]


@router.get("/{slug}/polls", response=list[PollOut], summary="The city's polls")
def list_polls(request: HttpRequest, slug: str) -> list[dict]:
    return [
        {
            "id": poll.pk,
            "question": poll.question,
            "is_multiple": poll.is_multiple,
            "opens_at": poll.opens_at,
            "closes_at": poll.closes_at,
            "options": [option.text for option in poll.options.all()],
            "url": f"/{slug}/polls/{poll.pk}/",
        }
        for poll in polls_of(city_by_slug(slug))
    ]
