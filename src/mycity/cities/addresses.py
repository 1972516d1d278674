"""How addresses are written out in the active language."""

from django.utils.translation import pgettext_lazy

from mycity.cities.models import Building, Street, StreetKind

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
