"""The forms of the city's settings and of a district."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from mycity.cities.geojson_input import area_from_text

MAX_UPLOAD = 2_000_000


class AreaField(forms.CharField):
    """GeoJSON typed, pasted or drawn: one Polygon or MultiPolygon."""

    widget = forms.Textarea(attrs={"rows": 4, "data-area-field": ""})

    def clean(self, value: Any) -> Any:
        text = super().clean(value)
        return area_from_text(text) if text else None


class CitySettingsForm(forms.Form):
    name_ru = forms.CharField(label=_("Name (Russian)"), max_length=200)
    name_be = forms.CharField(label=_("Name (Belarusian)"), max_length=200, required=False)
    name_en = forms.CharField(label=_("Name (English)"), max_length=200, required=False)
    centre_lat = forms.FloatField(label=_("Centre latitude"), min_value=-90, max_value=90)
    centre_lon = forms.FloatField(label=_("Centre longitude"), min_value=-180, max_value=180)
    timezone = forms.CharField(label=_("Time zone"), max_length=64)
    registration_format = forms.CharField(
        label=_("Registration number format"),
        max_length=60,
        help_text=_("{seq} the sequence (required, {seq:05} pads it), {org}, {year}, {yy}."),
        widget=forms.TextInput(attrs={"data-preview": ""}),
    )
    map_tiles_url = forms.CharField(label=_("Map tiles"), max_length=300, required=False)
    map_attribution = forms.CharField(label=_("Map attribution"), max_length=300, required=False)
    boundary = AreaField(
        label=_("Boundary (GeoJSON)"),
        help_text=_("Draw it on the map, or paste GeoJSON from OpenStreetMap or QGIS."),
    )


class DistrictForm(forms.Form):
    name_ru = forms.CharField(label=_("Name (Russian)"), max_length=200)
    name_be = forms.CharField(label=_("Name (Belarusian)"), max_length=200, required=False)
    name_en = forms.CharField(label=_("Name (English)"), max_length=200, required=False)
    slug = forms.CharField(label=_("Slug"), max_length=50)
    boundary = AreaField(
        label=_("Boundary (GeoJSON)"),
        required=False,
        help_text=_("Draw it on the map, paste GeoJSON, or upload a file."),
    )
    boundary_file = forms.FileField(label=_("GeoJSON file"), required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        upload = data.get("boundary_file")
        if upload is not None:
            if upload.size > MAX_UPLOAD:
                self.add_error("boundary_file", _("The file is too large."))
                return data
            try:
                data["boundary"] = area_from_text(upload.read().decode("utf-8"))
            except UnicodeDecodeError:
                self.add_error("boundary_file", _("This is not GeoJSON."))
            except forms.ValidationError as error:
                self.add_error("boundary_file", error)
        elif data.get("boundary") is None and "boundary" not in self.errors:
            self.add_error("boundary", _("Draw the boundary, paste it or upload a file."))
        return data
