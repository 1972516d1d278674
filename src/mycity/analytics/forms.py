"""What a dashboard is asked for: a period of days and optional filters (sector,
category or group, district, executor, channel). The page, the exports and the API
check a request with the same form, so they refuse the same things the same way."""

from datetime import date, timedelta
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from mycity.analytics.figures import Selection
from mycity.analytics.models import Sector
from mycity.appeals.models import Category, Channel
from mycity.cities.models import City
from mycity.core.errors import DomainError
from mycity.reports.forms import MAX_YEARS, years_after

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
FIELDS = ("date_from", "date_to", "sector", "category", "district", "organisation", "channel")
STEPS = ("day", "week", "month")
DEFAULT_DAYS = 90


class InvalidAnalyticsQuery(DomainError):
    code = "invalid_analytics_query"
    message = _("Some values are not valid.")


class AnalyticsForm(forms.Form):
    date_from = forms.DateField(label=pgettext_lazy("start of a period", "From"), widget=DATE)
    date_to = forms.DateField(label=pgettext_lazy("end of a period", "To"), widget=DATE)
    sector = forms.ChoiceField(
        label=_("Sector"), required=False, choices=[("", _("Any sector")), *Sector.choices]
    )
    category = forms.ChoiceField(label=_("Category"), required=False)
    district = forms.ChoiceField(label=_("District"), required=False)
    organisation = forms.ChoiceField(label=_("Executor"), required=False)
    channel = forms.ChoiceField(
        label=_("How it arrived"),
        required=False,
        choices=[("", _("Any channel")), *Channel.choices],
    )

    def __init__(
        self,
        cities: list[City],
        today: date,
        data: Any = None,
        *,
        organisation_ids: tuple[int, ...] | None = None,
    ) -> None:
        """`data` may leave out any field: the period defaults to the 90 days up to
        yesterday (`today` is the city's date), the filters to none. With one city the
        category, district and executor are the city's; above a city only the period,
        sector and channel apply."""
        yesterday = today - timedelta(days=1)
        initial = {
            "date_from": (yesterday - timedelta(days=DEFAULT_DAYS - 1)).isoformat(),
            "date_to": yesterday.isoformat(),
        }
        given = {name: data.get(name) for name in FIELDS if data and data.get(name)}
        super().__init__({**initial, **given})
        self.cities = cities
        self.today = today
        self.organisation_ids = organisation_ids
        self._categories: dict[str, tuple[int, ...]] = {}
        self._districts: dict[str, int] = {}
        self._organisations: dict[str, int] = {}
        if len(cities) != 1:
            for name in ("category", "district", "organisation"):
                del self.fields[name]
            return
        city = cities[0]
        category_choices: list[tuple[str, Any]] = [("", _("Any category"))]
        leaves: dict[int | None, list[Category]] = {}
        for category in Category.objects.filter(city=city).order_by(
            "display_order", "name_ru", "pk"
        ):
            leaves.setdefault(category.parent_id, []).append(category)
        for group in leaves.get(None, []):
            children = leaves.get(group.pk, [])
            self._categories[group.slug] = (group.pk, *(c.pk for c in children))
            category_choices.append((group.slug, str(group.name)))
            for child in children:
                self._categories[child.slug] = (child.pk,)
                category_choices.append((child.slug, f"— {child.name}"))
        self._set_choices("category", category_choices)
        districts = list(city.districts.defer("boundary").order_by("name_ru", "pk"))
        self._districts = {d.slug: d.pk for d in districts}
        self._set_choices(
            "district", [("", _("Any district")), *((d.slug, str(d.name)) for d in districts)]
        )
        organisations = city.organisations.defer("service_area").order_by(
            "kind", "display_order", "name_ru", "pk"
        )
        if organisation_ids is not None:
            organisations = organisations.filter(pk__in=organisation_ids)
        self._organisations = {o.slug: o.pk for o in organisations}
        self._set_choices(
            "organisation",
            [("", _("All organisations")), *((o.slug, str(o.name)) for o in organisations)],
        )

    def _set_choices(self, name: str, choices: list[tuple[str, Any]]) -> None:
        field = self.fields[name]
        assert isinstance(field, forms.ChoiceField)
        field.choices = choices

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end:
            if end < start:
                self.add_error("date_to", _("The end of the period is before its start."))
            elif end >= years_after(start, MAX_YEARS):
                self.add_error(
                    "date_to",
                    _("A period covers at most %(years)s years.") % {"years": MAX_YEARS},
                )
            elif end > self.today:
                self.add_error("date_to", _("The period cannot end after today."))
        return data

    def selection(self) -> Selection:
        """The rows of a valid form."""
        data = self.cleaned_data
        organisation = self._organisations.get(data.get("organisation") or "")
        district = self._districts.get(data.get("district") or "")
        return Selection(
            city_ids=tuple(c.pk for c in self.cities),
            start=data["date_from"],
            end=data["date_to"],
            sectors=(data["sector"],) if data.get("sector") else (),
            category_ids=self._categories.get(data.get("category") or "", ()),
            district_ids=(district,) if district else (),
            organisation_ids=(organisation,) if organisation else (),
            channels=(data["channel"],) if data.get("channel") else (),
            confined_to_organisations=self.organisation_ids,
        )

    def query(self) -> dict[str, str]:
        data = self.cleaned_data
        values = {
            "date_from": data["date_from"].isoformat(),
            "date_to": data["date_to"].isoformat(),
        }
        return values | {name: data[name] for name in FIELDS[2:] if data.get(name)}

    def as_error(self) -> InvalidAnalyticsQuery:
        return InvalidAnalyticsQuery(
            details=[
                {"field": field, "message": " ".join(str(m) for m in messages)}
                for field, messages in self.errors.items()
            ]
        )
