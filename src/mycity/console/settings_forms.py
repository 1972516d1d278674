"""The forms of the city's settings and of a district."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from mycity.cities.geojson_input import area_from_text
from mycity.setup.operator_notice import PURPOSE_KEYS
from mycity.setup.osm_districts import ADMIN_LEVELS

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


class OsmDistrictsForm(forms.Form):
    """The import of districts; the file's kind and size are checked by the service
    (`import_districts`), for the page and the API alike."""

    file = forms.FileField(
        label=_("OpenStreetMap extract (.osm.pbf) or GeoJSON"),
        help_text=_(
            "Up to 50 MB; cut it to the city's area, e.g. with osmium extract. A GeoJSON"
            " file's features need a name."
        ),
    )
    admin_level = forms.ChoiceField(
        label=_("Administrative level of the districts"),
        choices=[(level, level) for level in ADMIN_LEVELS],
        initial="9",
        help_text=_("In Belarus a city's districts are usually level 9, a city itself 8."),
    )


class CityTermsForm(forms.Form):
    disagreement_window_days = forms.IntegerField(
        label=_("Days a resident may disagree with an answer"),
        help_text=_("From 1 to 90; the appeal is closed when they pass."),
    )
    retention_years = forms.IntegerField(
        label=_("Years closed appeals keep the applicant's data"),
        help_text=_("From 1 to 75; the personal data notice quotes it."),
    )
    committee_address = forms.CharField(
        label=_("Committee's address"), max_length=300, required=False
    )
    committee_phone = forms.CharField(label=_("Committee's phone"), max_length=40, required=False)
    committee_email = forms.CharField(label=_("Committee's e-mail"), max_length=254, required=False)
    committee_hours = forms.CharField(
        label=_("Committee's opening hours"), max_length=200, required=False
    )


class ProcessorsField(forms.CharField):
    """One processor a line: its name, then (after a vertical bar) what it does."""

    widget = forms.Textarea(attrs={"rows": 3})

    def clean(self, value: Any) -> Any:
        text = super().clean(value) or ""
        rows = []
        for line in text.splitlines():
            if line.strip():
                name, _bar, purpose = line.partition("|")
                rows.append({"name": name.strip(), "purpose": purpose.strip()})
        return rows

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, list):
            return "\n".join(
                f"{row.get('name', '')} | {row.get('purpose', '')}".rstrip(" |")
                for row in value
                if isinstance(row, dict)
            )
        return value


class OperatorForm(forms.Form):
    name_ru = forms.CharField(label=_("Operator's name (Russian)"), max_length=300)
    name_be = forms.CharField(
        label=_("Operator's name (Belarusian)"), max_length=300, required=False
    )
    name_en = forms.CharField(label=_("Operator's name (English)"), max_length=300, required=False)
    postal_address = forms.CharField(label=_("Postal address"), max_length=300)
    email = forms.CharField(label=_("E-mail"), max_length=254, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    responsible_person = forms.CharField(
        label=_("Responsible for internal control over personal data"),
        max_length=300,
        required=False,
    )
    processors = ProcessorsField(
        label=_("Processors"),
        required=False,
        help_text=_("One a line: the name, a vertical bar, what it does for the operator."),
    )
    purposes_ru = forms.CharField(
        label=_("Purposes of processing (Russian)"),
        widget=forms.Textarea(attrs={"rows": 6}),
        required=False,
        help_text=_(
            "One purpose a line: what for | which data | how long they are kept | the "
            "ground in law. Leave empty for the platform's standard purposes."
        ),
    )
    purposes_be = forms.CharField(
        label=_("Purposes of processing (Belarusian)"),
        widget=forms.Textarea(attrs={"rows": 6}),
        required=False,
        help_text=_("The same lines in the same order; empty lines fall back to Russian."),
    )
    purposes_en = forms.CharField(
        label=_("Purposes of processing (English)"),
        widget=forms.Textarea(attrs={"rows": 6}),
        required=False,
        help_text=_("The same lines in the same order; empty lines fall back to Russian."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        purposes = self.initial.get("purposes") or []
        for language in PURPOSE_LANGUAGES:
            self.initial.setdefault(f"purposes_{language}", purpose_lines(purposes, language))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        parsed: dict[str, list[list[str]]] = {}
        for language in PURPOSE_LANGUAGES:
            name = f"purposes_{language}"
            lines = [line for line in (data.get(name) or "").splitlines() if line.strip()]
            rows = [[part.strip() for part in line.split("|")] for line in lines]
            if any(len(row) != len(PURPOSE_KEYS) for row in rows):
                self.add_error(
                    name,
                    _("Each line needs four parts divided by vertical bars: %(line)s")
                    % {"line": " | ".join(str(label) for label in PURPOSE_LABELS)},
                )
            parsed[language] = rows
        russian = parsed["ru"]
        for language in ("be", "en"):
            if parsed[language] and len(parsed[language]) != len(russian):
                self.add_error(
                    f"purposes_{language}",
                    _("Give as many lines as in Russian (%(count)d), in the same order.")
                    % {"count": len(russian)},
                )
        if not self.errors:
            data["purposes"] = [
                {
                    key: {
                        language: parsed[language][n][k] if parsed[language] else ""
                        for language in PURPOSE_LANGUAGES
                    }
                    for k, key in enumerate(PURPOSE_KEYS)
                }
                for n in range(len(russian))
            ]
        return data


PURPOSE_LANGUAGES = ("ru", "be", "en")
PURPOSE_LABELS = (_("what for"), _("which data"), _("how long"), _("ground in law"))


def purpose_lines(purposes: list[Any], language: str) -> str:
    """The purposes as the form's lines in one language."""
    lines = []
    for entry in purposes:
        if not isinstance(entry, dict):
            continue
        parts = []
        for key in PURPOSE_KEYS:
            texts = entry.get(key)
            parts.append(texts.get(language, "") if isinstance(texts, dict) else str(texts or ""))
        if any(parts):
            lines.append(" | ".join(parts))
    return "\n".join(lines)


class CalendarDayForm(forms.Form):
    day = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    is_working = forms.TypedChoiceField(
        label=_("The day is"),
        choices=[("0", _("a day off")), ("1", _("a working day"))],
        coerce=lambda value: value == "1",
    )
    note = forms.CharField(label=_("Reason"), max_length=200, required=False)
