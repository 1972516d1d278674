"""Rows of a street and its houses, as an editor types them on a notice or an
organisation's service area: the street by its Russian or Belarusian name, the houses as
"1-15", "7-" or empty for the whole street."""

import re
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from mycity.cities.models import City, Parity, Street

RANGE = re.compile(r"^\s*(\d+)?\s*[-–]\s*(\d+)?\s*$")
ONE_NUMBER = re.compile(r"^\s*(\d+)\s*$")


class StreetNames:
    """The city's streets by name, loaded once per form."""

    def __init__(self, city: City) -> None:
        self.city = city
        self._by_name: dict[str, Street] | None = None

    def find(self, name: str) -> Street | None:
        # SQLite compares only ASCII letters without case: names are matched here.
        if self._by_name is None:
            self._by_name = {}
            for street in Street.objects.filter(city=self.city).only("name_ru", "name_be"):
                for each in (street.name_be, street.name_ru):
                    self._by_name[_key(each)] = street
        return self._by_name.get(_key(name))


def _key(name: str) -> str:
    return name.strip().casefold().replace("ё", "е")


def number_range(houses: str) -> tuple[int | None, int | None] | None:
    """(from, to) of "1-15", "7-", "-9"; None when the text is no range."""
    span = RANGE.match(houses)
    if span is None:
        return None
    low, high = span.groups()
    return (int(low) if low else None, int(high) if high else None)


def add_row_fields(form: forms.Form, rows: int) -> None:
    """The form's `rows` empty rows of street, houses and odd/even numbers."""
    for row in range(rows):
        form.fields[f"street_{row}"] = forms.CharField(
            label=_("Street"), max_length=200, required=False
        )
        form.fields[f"houses_{row}"] = forms.CharField(
            label=_("Houses"), max_length=20, required=False
        )
        form.fields[f"parity_{row}"] = forms.ChoiceField(
            label=_("Numbers"), choices=Parity.choices, required=False
        )


def bound_rows(form: Any, rows: int) -> list[tuple[forms.BoundField, ...]]:
    """Each row's three bound fields, for the template to lay out as one line."""
    return [
        (form[f"street_{row}"], form[f"houses_{row}"], form[f"parity_{row}"]) for row in range(rows)
    ]
