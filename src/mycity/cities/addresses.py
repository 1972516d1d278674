"""How addresses are written out in the active language."""

from django.urls import reverse
from django.utils.translation import gettext, pgettext_lazy

from mycity.cities.models import Building, City, Street, StreetKind

KIND_ABBREVIATIONS = {
    StreetKind.STREET: pgettext_lazy("street kind abbreviation", "st."),
    StreetKind.AVENUE: pgettext_lazy("street kind abbreviation", "ave."),
    StreetKind.LANE: pgettext_lazy("street kind abbreviation", "lane"),
    StreetKind.SQUARE: pgettext_lazy("street kind abbreviation", "sq."),
    StreetKind.BOULEVARD: pgettext_lazy("street kind abbreviation", "blvd"),
    StreetKind.EMBANKMENT: pgettext_lazy("street kind abbreviation", "emb."),
    StreetKind.PASSAGE: pgettext_lazy("street kind abbreviation", "pass."),
    StreetKind.HIGHWAY: pgettext_lazy("street kind abbreviation", "hwy"),
    StreetKind.DRIVEWAY: pgettext_lazy("street kind abbreviation", "dr."),
}


def street_label(street: Street) -> str:
    return f"{KIND_ABBREVIATIONS[StreetKind(street.kind)]} {street.name}"


def building_label(building: Building) -> str:
    return f"{street_label(building.street)}, {building.number}"


def suggestion_attrs(city: City) -> dict[str, str]:
    """What turns an address box into a combobox suggesting the city's registry addresses
    (web/static/web/address-combobox.js): where to ask, and what to tell a screen reader."""
    return {
        "data-address-suggest": reverse("api-v1:search_addresses", kwargs={"slug": city.slug}),
        "data-suggest-label": gettext("Addresses in the city's registry"),
        "data-suggest-found": gettext("Addresses suggested: {count}. Down arrow to choose."),
        "data-suggest-none": gettext("No such address in the registry yet."),
    }
