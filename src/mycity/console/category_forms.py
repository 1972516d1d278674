"""The catalogue editor's forms: a category, and its extra fields one row each."""

from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from mycity.appeals.actions.catalogue import merge_extra_fields
from mycity.appeals.extra_fields import FIELD_TYPES
from mycity.appeals.models import AppealKind, Category, TimeUnit
from mycity.cities.models import Activity, City, Organisation

LANGUAGES = ("ru", "be", "en")


class CategoryForm(forms.Form):
    name_ru = forms.CharField(label=_("Name (Russian)"), max_length=200)
    name_be = forms.CharField(label=_("Name (Belarusian)"), max_length=200, required=False)
    name_en = forms.CharField(label=_("Name (English)"), max_length=200, required=False)
    slug = forms.CharField(label=_("Slug"), max_length=80)
    parent = forms.ModelChoiceField(
        label=_("Inside"), queryset=Category.objects.none(), required=False, to_field_name="slug"
    )
    kind = forms.ChoiceField(label=_("Legal kind"), choices=AppealKind.choices)
    activity = forms.ChoiceField(label=_("Activity"), choices=Activity.choices)
    default_organisation = forms.ModelChoiceField(
        label=_("Default executor"),
        queryset=Organisation.objects.none(),
        required=False,
        to_field_name="slug",
        help_text=_(
            "Empty: the executor whose service area holds the point and who does the activity."
        ),
    )
    is_public = forms.BooleanField(label=_("Reports are public on the map"), required=False)
    needs_moderation = forms.BooleanField(
        label=_("Reports are moderated before they are accepted"), required=False
    )
    notice_ru = forms.CharField(
        label=_("Notice to residents (Russian)"),
        max_length=300,
        required=False,
        help_text=_("E.g. “For an emergency call 112”."),
    )
    notice_be = forms.CharField(
        label=_("Notice to residents (Belarusian)"), max_length=300, required=False
    )
    notice_en = forms.CharField(
        label=_("Notice to residents (English)"), max_length=300, required=False
    )
    service_time_value = forms.IntegerField(label=_("Service time"), min_value=1, max_value=365)
    service_time_unit = forms.ChoiceField(label=_("Unit"), choices=TimeUnit.choices)
    icon = forms.CharField(label=_("Icon"), max_length=40, required=False)
    display_order = forms.IntegerField(label=_("Display order"), min_value=0, max_value=32767)
    is_active = forms.BooleanField(label=_("In use"), required=False)

    def __init__(self, *args: Any, city: City, category: Category | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        parents = Category.objects.filter(city=city, parent__isnull=True)
        if category is not None:
            parents = parents.exclude(pk=category.pk)
        self.fields["parent"].queryset = parents  # type: ignore[attr-defined]
        self.fields["default_organisation"].queryset = Organisation.objects.filter(  # type: ignore[attr-defined]
            city=city, is_active=True
        ).defer("service_area")


def category_initial(category: Category | None) -> dict[str, Any]:
    if category is None:
        return {
            "kind": AppealKind.PROBLEM,
            "activity": Activity.GENERAL,
            "is_public": True,
            "service_time_value": 10,
            "service_time_unit": TimeUnit.WORKING_DAYS,
            "display_order": 100,
            "is_active": True,
        }
    initial = {name: getattr(category, name) for name in CategoryForm.base_fields}
    initial["parent"] = category.parent.slug if category.parent else None
    initial["default_organisation"] = (
        category.default_organisation.slug if category.default_organisation else None
    )
    return initial


class ExtraFieldForm(forms.Form):
    name = forms.RegexField(
        label=_("Field name"),
        regex=r"^[a-z][a-z0-9_]{0,39}$",
        required=False,
        help_text=_("Latin letters, digits, _"),
    )
    type = forms.ChoiceField(label=_("Type"), choices=[(t, t) for t in FIELD_TYPES])
    required = forms.BooleanField(label=_("Required"), required=False)
    label_ru = forms.CharField(label=_("Label (Russian)"), max_length=100, required=False)
    label_be = forms.CharField(label=_("Label (Belarusian)"), max_length=100, required=False)
    label_en = forms.CharField(label=_("Label (English)"), max_length=100, required=False)
    minimum = forms.IntegerField(label=_("From"), required=False)
    maximum = forms.IntegerField(label=_("To"), required=False)
    choices = forms.CharField(
        label=_("Options"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One a line: value | Russian | Belarusian | English"),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("name"):
            return data
        if data.get("type") == "choice":
            try:
                data["parsed_choices"] = parse_choices(data.get("choices") or "")
            except ValueError as exc:
                self.add_error("choices", str(exc))
        return data


def parse_choices(text: str) -> list[dict[str, Any]]:
    choices = []
    for line in text.splitlines():
        if not line.strip():
            continue
        parts = [part.strip() for part in line.split("|")]
        value = parts[0]
        if not value:
            raise ValueError(gettext("Each option needs a value before the first |."))
        labels = dict(zip(LANGUAGES, (parts[1:] + [""] * 3)[:3], strict=True))
        ru = labels["ru"] or value
        choices.append({"value": value, "label": {lang: labels[lang] or ru for lang in LANGUAGES}})
    if not choices:
        raise ValueError(gettext("A field of options needs at least one option."))
    return choices


ExtraFieldFormSet = forms.formset_factory(ExtraFieldForm, extra=2, max_num=20)


def extra_field_initial(definitions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    rows = []
    for definition in definitions:
        label = definition.get("label") or {}
        rows.append(
            {
                "name": definition.get("name", ""),
                "type": definition.get("type", "text"),
                "required": bool(definition.get("required")),
                **{f"label_{lang}": label.get(lang, "") for lang in LANGUAGES},
                "minimum": definition.get("min"),
                "maximum": definition.get("max"),
                "choices": "\n".join(
                    " | ".join(
                        [c["value"], *((c.get("label") or {}).get(lang, "") for lang in LANGUAGES)]
                    )
                    for c in definition.get("choices", [])
                ),
            }
        )
    return rows


def extra_field_definitions(formset: Any, previous: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The definitions the rows describe, merged with the previous ones as the API's are
    (`merge_extra_fields`)."""
    fields = [
        {
            "name": row["name"],
            "type": row["type"],
            "required": row["required"],
            "label": {lang: row.get(f"label_{lang}") or "" for lang in LANGUAGES},
            "min": row.get("minimum"),
            "max": row.get("maximum"),
            "choices": row.get("parsed_choices", []),
        }
        for row in formset.cleaned_data
        if row.get("name")
    ]
    return merge_extra_fields(fields, previous)
