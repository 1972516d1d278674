"""The form of an organisation and its service area: drawn, the whole city, or rows of
streets and house ranges from the registry (as a notice's addresses are typed)."""

import json
from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from mycity.cities.coverage import lines_of
from mycity.cities.geojson_input import area_from_text
from mycity.cities.house_ranges import HouseRange
from mycity.cities.models import Activity, City, Organisation, Parity, Street
from mycity.console.address_rows import (
    ONE_NUMBER,
    StreetNames,
    add_row_fields,
    bound_rows,
    number_range,
)

STREET_ROWS = 6


class OrganisationForm(forms.Form):
    name_ru = forms.CharField(label=_("Name (Russian)"), max_length=200)
    name_be = forms.CharField(label=_("Name (Belarusian)"), max_length=200, required=False)
    name_en = forms.CharField(label=_("Name (English)"), max_length=200, required=False)
    short_name_ru = forms.CharField(label=_("Short name"), max_length=100, required=False)
    slug = forms.CharField(label=_("Slug"), max_length=80)
    kind = forms.ChoiceField(label=_("Kind"), choices=Organisation.Kind.choices)
    activities = forms.MultipleChoiceField(
        label=_("Activities"),
        choices=Activity.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    phone = forms.CharField(label=_("Phone"), max_length=50, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    address = forms.CharField(label=_("Postal address"), max_length=300, required=False)
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")
    display_order = forms.IntegerField(label=_("Display order"), min_value=0, max_value=32767)
    is_active = forms.BooleanField(label=_("Works"), required=False)
    city_wide = forms.BooleanField(label=_("Serves the whole city"), required=False)
    service_area = forms.CharField(
        label=_("Service area (GeoJSON)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "data-area-field": ""}),
        help_text=_("Draw it on the map, or paste GeoJSON (a polygon, a feature or a collection)."),
    )
    serves_addresses = forms.BooleanField(
        label=_("Serves the streets and houses listed below, not a drawn area"), required=False
    )

    def __init__(self, *args: Any, city: City, rows: int = STREET_ROWS, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.streets = StreetNames(city)
        self.rows = rows
        add_row_fields(self, rows)

    @property
    def street_rows(self) -> list[tuple[forms.BoundField, ...]]:
        return bound_rows(self, self.rows)

    @property
    def plain_fields(self) -> list[forms.BoundField]:
        """The fields other than the street rows, in order."""
        return [
            field for field in self if not field.name.startswith(("street_", "houses_", "parity_"))
        ]

    def _lines(self, data: dict[str, Any]) -> list[HouseRange]:
        lines = []
        for row in range(self.rows):
            name = (data.get(f"street_{row}") or "").strip()
            houses = (data.get(f"houses_{row}") or "").strip()
            if not name:
                if houses:
                    self.add_error(f"street_{row}", gettext("Name the street."))
                continue
            street = self.streets.find(name)
            if street is None:
                self.add_error(f"street_{row}", gettext("There is no such street in the city."))
                continue
            one = ONE_NUMBER.match(houses)
            span = (
                (int(one.group(1)),) * 2
                if one
                else number_range(houses)
                if houses
                else (None, None)
            )
            if span is None:
                self.add_error(
                    f"houses_{row}", gettext("Give the numbers as 1-15, 7- or one number.")
                )
                continue
            low, high = span
            if low is not None and high is not None and low > high:
                self.add_error(f"houses_{row}", gettext("The range must not end before it starts."))
                continue
            parity = data.get(f"parity_{row}") or Parity.ALL
            lines.append(
                HouseRange(street_id=street.pk, number_from=low, number_to=high, parity=parity)
            )
        return lines

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        text = (data.get("service_area") or "").strip()
        data["lines"] = self._lines(data)
        if data.get("serves_addresses"):
            data["area"] = None
            if not data["lines"] and not any(name.startswith("street_") for name in self.errors):
                self.add_error("street_0", gettext("List at least one street."))
        elif data.get("city_wide"):
            data["area"] = None
        elif not text:
            self.add_error(
                "service_area", _("Draw the service area, or tick “Serves the whole city”.")
            )
        else:
            try:
                data["area"] = area_from_text(text)
            except forms.ValidationError as error:
                self.add_error("service_area", error)
        return data

    def values(self) -> dict[str, Any]:
        data = self.cleaned_data
        names = ("name_ru", "name_be", "name_en", "short_name_ru", "slug", "kind", "phone")
        values = {name: data[name] for name in names}
        values |= {
            "activities": list(data["activities"]),
            "email": data["email"],
            "address": data["address"],
            "website": data["website"],
            "display_order": data["display_order"],
            "is_active": data["is_active"],
            "service_area": data["area"],
            "serves_addresses": bool(data.get("serves_addresses")),
            "service_addresses": data["lines"],
        }
        return values


def organisation_initial(organisation: Organisation | None) -> dict[str, Any]:
    if organisation is None:
        return {"kind": Organisation.Kind.EXECUTOR, "display_order": 100, "is_active": True}
    names = [name for name in OrganisationForm.base_fields if hasattr(organisation, name)]
    initial = {name: getattr(organisation, name) for name in names}
    initial["city_wide"] = organisation.service_area is None and not organisation.serves_addresses
    initial["service_area"] = (
        json.dumps(organisation.service_area) if organisation.service_area else ""
    )
    initial["serves_addresses"] = organisation.serves_addresses
    streets = dict(Street.objects.filter(city_id=organisation.city_id).values_list("pk", "name_ru"))
    for row, line in enumerate(lines_of(organisation)):
        initial[f"street_{row}"] = streets.get(line.street_id, "")
        if line.number_from is not None or line.number_to is not None:
            initial[f"houses_{row}"] = f"{line.number_from or ''}-{line.number_to or ''}"
        initial[f"parity_{row}"] = line.parity
    return initial


def street_rows_for(organisation: Organisation | None) -> int:
    """Every listed line of the organisation, and room for two more."""
    if organisation is None or not organisation.serves_addresses:
        return STREET_ROWS
    return max(STREET_ROWS, len(lines_of(organisation)) + 2)
