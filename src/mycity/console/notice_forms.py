"""The editor's form of a notice: the texts, the time, and the affected addresses as
rows of a street and its houses ("5", "5А", "1-15" or empty for the whole street)."""

import json
from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mycity.cities.models import City, Parity
from mycity.console.address_rows import StreetNames, add_row_fields, bound_rows, number_range
from mycity.content.models import NoticeKind
from mycity.content.services import AddressLine, NoticeDraft

ADDRESS_ROWS = 6
TEXT = forms.Textarea(attrs={"rows": 2})
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class NoticeForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=NoticeKind.choices)
    is_emergency = forms.BooleanField(label=gettext_lazy("Emergency"), required=False)
    title_ru = forms.CharField(label=gettext_lazy("Title (Russian)"), max_length=200)
    title_be = forms.CharField(
        label=gettext_lazy("Title (Belarusian)"), max_length=200, required=False
    )
    title_en = forms.CharField(
        label=gettext_lazy("Title (English)"), max_length=200, required=False
    )
    reason_ru = forms.CharField(label=gettext_lazy("Reason (Russian)"), required=False, widget=TEXT)
    reason_be = forms.CharField(
        label=gettext_lazy("Reason (Belarusian)"), required=False, widget=TEXT
    )
    reason_en = forms.CharField(label=gettext_lazy("Reason (English)"), required=False, widget=TEXT)
    starts_at = forms.DateTimeField(label=gettext_lazy("From"), widget=DATETIME)
    ends_at = forms.DateTimeField(
        label=gettext_lazy("Until"),
        required=False,
        widget=DATETIME,
        help_text=gettext_lazy("Empty: not known yet."),
    )
    area = forms.CharField(
        label=gettext_lazy("Area (GeoJSON Polygon, optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, city: City, *args: Any, rows: int = ADDRESS_ROWS, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.city = city
        self.streets = StreetNames(city)
        self.rows = rows
        add_row_fields(self, rows)

    @property
    def address_rows(self) -> list[tuple[forms.BoundField, ...]]:
        return bound_rows(self, self.rows)

    def clean_area(self) -> dict[str, Any] | None:
        raw = self.cleaned_data.get("area", "").strip()
        if not raw:
            return None
        try:
            value = json.loads(raw)
        except ValueError:
            raise forms.ValidationError(_("The area is not valid GeoJSON.")) from None
        if not isinstance(value, dict):
            raise forms.ValidationError(_("The area is not valid GeoJSON."))
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        lines = []
        for row in range(self.rows):
            name = (data.get(f"street_{row}") or "").strip()
            houses = (data.get(f"houses_{row}") or "").strip()
            if not name:
                if houses:
                    self.add_error(f"street_{row}", _("Name the street."))
                continue
            line = self._line(row, name, houses, data.get(f"parity_{row}") or Parity.ALL)
            if line is not None:
                lines.append(line)
        data["addresses"] = lines
        return data

    def _line(self, row: int, name: str, houses: str, parity: str) -> AddressLine | None:
        street = self.streets.find(name)
        if street is None:
            self.add_error(f"street_{row}", _("There is no such street in the city."))
            return None
        if not houses:
            return AddressLine(street_id=street.pk, parity=parity)
        span = number_range(houses)
        if span is not None:
            low, high = span
            return AddressLine(street_id=street.pk, number_from=low, number_to=high, parity=parity)
        wanted = houses.upper().replace(" ", "")
        building = next((b for b in street.buildings.all() if b.number.upper() == wanted), None)
        if building is None:
            self.add_error(f"houses_{row}", _("There is no such house on the street."))
            return None
        return AddressLine(building_id=building.pk)

    def draft(self) -> NoticeDraft:
        data = self.cleaned_data
        return NoticeDraft(
            kind=data["kind"],
            is_emergency=data["is_emergency"],
            title={lang: data[f"title_{lang}"] for lang in ("ru", "be", "en")},
            reason={lang: data[f"reason_{lang}"] for lang in ("ru", "be", "en")},
            starts_at=data["starts_at"],
            ends_at=data["ends_at"],
            addresses=data["addresses"],
            area=data["area"],
        )


def rows_for(notice: Any) -> int:
    """Every line of the notice's addresses, and room for two more."""
    return max(ADDRESS_ROWS, notice.addresses.count() + 2) if notice is not None else ADDRESS_ROWS


def initial_of(notice: Any) -> dict[str, Any]:
    """The form's values for an existing notice."""
    values: dict[str, Any] = {
        "kind": notice.kind,
        "is_emergency": notice.is_emergency,
        "starts_at": notice.starts_at,
        "ends_at": notice.ends_at,
        "area": json.dumps(notice.area, ensure_ascii=False) if notice.area else "",
    }
    for lang in ("ru", "be", "en"):
        values[f"title_{lang}"] = getattr(notice, f"title_{lang}")
        values[f"reason_{lang}"] = getattr(notice, f"reason_{lang}")
    lines = notice.addresses.select_related("street", "building__street")
    for row, line in enumerate(lines):
        if line.building is not None:
            values[f"street_{row}"] = line.building.street.name_ru
            values[f"houses_{row}"] = line.building.number
        else:
            values[f"street_{row}"] = line.street.name_ru
            if line.number_from is not None or line.number_to is not None:
                values[f"houses_{row}"] = f"{line.number_from or ''}-{line.number_to or ''}"
            values[f"parity_{row}"] = line.parity
    return values
