"""The form of an organisation and its service area."""

import json
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from mycity.cities.geojson_input import area_from_text
from mycity.cities.models import Activity, Organisation


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

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        text = (data.get("service_area") or "").strip()
        if data.get("city_wide"):
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
        }
        return values


def organisation_initial(organisation: Organisation | None) -> dict[str, Any]:
    if organisation is None:
        return {"kind": Organisation.Kind.EXECUTOR, "display_order": 100, "is_active": True}
    names = [name for name in OrganisationForm.base_fields if hasattr(organisation, name)]
    initial = {name: getattr(organisation, name) for name in names}
    initial["city_wide"] = organisation.service_area is None
    initial["service_area"] = (
        json.dumps(organisation.service_area) if organisation.service_area else ""
    )
    return initial
