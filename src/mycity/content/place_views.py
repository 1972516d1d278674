"""The citizen app's places (on a map and as a list) and useful contacts."""

from django import forms
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from mycity.cities.maps import allow_tiles, tiles_of
from mycity.content.models import ContactGroup, Place, PlaceKind
from mycity.content.pictures import picture
from mycity.content.places import contacts_of, json_ld, places_of
from mycity.core.public_reads import public_read
from mycity.web.choice import city_or_404


class PlaceKindForm(forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("Kind"),
        required=False,
        choices=[("", gettext_lazy("All places")), *PlaceKind.choices],
    )


@require_GET
@public_read
def places(request: HttpRequest, slug: str) -> HttpResponse:
    city = city_or_404(slug)
    form = PlaceKindForm(request.GET)
    kind = form.cleaned_data["kind"] if form.is_valid() else ""
    listed = list(places_of(city, kind=kind))
    tiles = tiles_of(city)
    place_map = {
        "lat": city.centre_lat,
        "lon": city.centre_lon,
        "zoom": 13,
        "tiles": tiles.url,
        "attribution": tiles.attribution,
        "points": [
            {"lat": p.lat, "lon": p.lon, "label": p.name, "url": f"/{city.slug}/places/{p.pk}/"}
            for p in listed
        ],
    }
    groups: dict[str, list[Place]] = {}
    for place in listed:
        groups.setdefault(str(place.get_kind_display()), []).append(place)
    context = {"city": city, "form": form, "groups": groups, "place_map": place_map}
    return allow_tiles(render(request, "content/places.html", context), tiles)


@require_GET
@public_read
def place(request: HttpRequest, slug: str, place_id: int) -> HttpResponse:
    city = city_or_404(slug)
    found = Place.objects.filter(city=city, pk=place_id, is_active=True).first()
    if found is None:
        raise Http404
    found.city = city
    upcoming = found.events.filter(is_published=True).order_by("starts_at")[:10]
    return render(
        request,
        "content/place.html",
        {"city": city, "place": found, "json_ld": json_ld(found), "events": upcoming},
    )


@require_GET
@public_read
def contacts(request: HttpRequest, slug: str) -> HttpResponse:
    city = city_or_404(slug)
    groups: dict[str, list] = {str(label): [] for _value, label in ContactGroup.choices}
    for contact in contacts_of(city):
        groups[str(contact.get_group_display())].append(contact)
    return render(
        request,
        "content/contacts.html",
        {"city": city, "groups": {k: v for k, v in groups.items() if v}},
    )


@require_GET
@cache_control(public=True, max_age=86400)
def place_photo(request: HttpRequest, slug: str, place_id: int) -> FileResponse:
    city = city_or_404(slug)
    found = Place.objects.filter(city=city, pk=place_id, is_active=True).first()
    if found is None:
        raise Http404
    return picture(found.photo)
