"""Places on the city's map, their opening hours, and their schema.org description."""

import json
import uuid
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import QuerySet

from mycity.accounts.models import User
from mycity.accounts.permissions import Action, require
from mycity.appeals.uploads import Upload, clean_photo
from mycity.cities.freshness import city_pages_changed
from mycity.cities.models import City
from mycity.content import search as content_search
from mycity.content.models import Contact, Place, PlaceKind
from mycity.core.inline_json import inline_json
from mycity.notify.text import absolute_url

SCHEMA_TYPES = {
    PlaceKind.SIGHT: "TouristAttraction",
    PlaceKind.CULTURE: "Museum",
    PlaceKind.SPORT: "SportsActivityLocation",
    PlaceKind.MEDICINE: "MedicalClinic",
    PlaceKind.EDUCATION: "School",
    PlaceKind.SERVICE: "LocalBusiness",
    PlaceKind.OFFICE: "GovernmentOffice",
}
DAYS = ("Mo", "Tu", "We", "Th", "Fr", "Sa", "Su")


def places_of(city: City, *, kind: str = "") -> QuerySet[Place]:
    places = Place.objects.filter(city=city, is_active=True)
    if kind:
        places = places.filter(kind=kind)
    return places.order_by("kind", "name_ru")


def contacts_of(city: City) -> QuerySet[Contact]:
    return Contact.objects.filter(city=city)


def json_ld(place: Place) -> str:
    """The place as schema.org JSON-LD, for search engines and maps."""
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": SCHEMA_TYPES.get(PlaceKind(place.kind), "Place"),
        "name": place.name,
        "url": absolute_url(f"/{place.city.slug}/places/{place.pk}/"),
        "geo": {"@type": "GeoCoordinates", "latitude": place.lat, "longitude": place.lon},
    }
    if place.description:
        data["description"] = place.description
    if place.address:
        data["address"] = {
            "@type": "PostalAddress",
            "streetAddress": place.address,
            "addressLocality": place.city.name,
            "addressCountry": "BY",
        }
    if place.phone:
        data["telephone"] = place.phone
    if place.photo:
        data["image"] = absolute_url(f"/{place.city.slug}/places/{place.pk}/photo.jpg")
    if place.website:
        data["sameAs"] = place.website
    hours = [
        {
            "@type": "OpeningHoursSpecification",
            "dayOfWeek": [f"https://schema.org/{_day_name(d)}" for d in row.get("days", [])],
            "opens": row.get("opens"),
            "closes": row.get("closes"),
        }
        for row in place.opening_hours
    ]
    if hours:
        data["openingHoursSpecification"] = hours
    # Nothing in it can close, or keep open, the script element it is written into.
    return inline_json(data)


def _day_name(day: str) -> str:
    return {
        "Mo": "Monday",
        "Tu": "Tuesday",
        "We": "Wednesday",
        "Th": "Thursday",
        "Fr": "Friday",
        "Sa": "Saturday",
        "Su": "Sunday",
    }.get(day, day)


def places_geojson(city: City, *, kind: str = "") -> str:
    features = [
        {
            "type": "Feature",
            "id": place.pk,
            "geometry": {"type": "Point", "coordinates": [place.lon, place.lat]},
            "properties": {
                "name": place.name,
                "kind": place.kind,
                "kind_label": str(place.get_kind_display()),
                "address": place.address,
                "phone": place.phone,
                "url": f"/{city.slug}/places/{place.pk}/",
            },
        }
        for place in places_of(city, kind=kind)
    ]
    return json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False)


def save_place(*, actor: User, place: Place, picture: Upload | None = None) -> Place:
    """Write a place the editor filled in (validated by its form) and index it; a photo
    is re-encoded without metadata, and refused before anything is written if it is not
    a picture."""
    require(actor, Action.EDIT_CONTENT, place.city)
    cleaned = clean_photo(picture, field="picture") if picture is not None else None
    with transaction.atomic():
        if cleaned is not None:
            place.photo.save(f"{uuid.uuid4().hex}.jpg", ContentFile(cleaned.content), save=False)
        place.save()
        content_search.index("place", place)
    city_pages_changed(place.city_id)
    return place


def save_contact(*, actor: User, contact: Contact) -> Contact:
    require(actor, Action.EDIT_CONTENT, contact.city)
    contact.save()
    city_pages_changed(contact.city_id)
    return contact
