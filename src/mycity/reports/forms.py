"""What a report is asked for: a period of registration dates and optional filters.

The console page and the API check a request with the same form, so both refuse the
same things with the same field messages."""

import calendar as std_calendar
from datetime import date
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from mycity.appeals.models import AppealKind, Channel
from mycity.core.errors import DomainError
from mycity.reports.access import ReportScope
from mycity.reports.selectors import ReportFilters

MAX_YEARS = 5
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
FIELDS = ("date_from", "date_to", "organisation", "channel", "kind")


class InvalidReportQuery(DomainError):
    code = "invalid_report_query"
    message = _("Some values are not valid.")


def current_month(today: date) -> tuple[date, date]:
    last = std_calendar.monthrange(today.year, today.month)[1]
    return today.replace(day=1), today.replace(day=last)


def years_after(start: date, years: int) -> date:
    try:
        return start.replace(year=start.year + years)
    except ValueError:  # 29 February, in a year without one
        return start.replace(year=start.year + years, day=28)


class ReportForm(forms.Form):
    date_from = forms.DateField(label=pgettext_lazy("start of a period", "From"), widget=DATE)
    date_to = forms.DateField(label=pgettext_lazy("end of a period", "To"), widget=DATE)
    organisation = forms.ChoiceField(label=_("Executor"), required=False)
    channel = forms.ChoiceField(
        label=_("How it arrived"),
        required=False,
        choices=[("", _("Any channel")), *Channel.choices],
    )
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("Any kind")), *AppealKind.choices]
    )

    def __init__(self, scope: ReportScope, today: date, data: Any = None) -> None:
        """`data` may leave out any field: the period defaults to the city's current
        month (`today` is the city's date), the filters to none."""
        start, end = current_month(today)
        given = {name: data.get(name) for name in FIELDS if data and name in data}
        super().__init__({"date_from": start.isoformat(), "date_to": end.isoformat(), **given})
        self.scope = scope
        if scope.organisations is not None:
            organisations = list(scope.organisations)
            everyone = _("All my organisations")
        else:
            organisations = list(
                scope.city.organisations.defer("service_area").order_by(
                    "kind", "display_order", "name_ru", "pk"
                )
            )
            everyone = _("All organisations")
        self._organisations = {o.slug: o for o in organisations}
        field = self.fields["organisation"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", everyone), *((o.slug, o.name) for o in organisations)]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end:
            if end < start:
                self.add_error("date_to", _("The end of the period is before its start."))
            elif end >= years_after(start, MAX_YEARS):
                self.add_error(
                    "date_to",
                    _("A report covers at most %(years)s years.") % {"years": MAX_YEARS},
                )
        return data

    def filters(self) -> ReportFilters:
        """The filters of a valid form."""
        data = self.cleaned_data
        chosen = self._organisations.get(data.get("organisation") or "")
        return ReportFilters(
            start=data["date_from"],
            end=data["date_to"],
            organisations=(chosen.pk,) if chosen else self.scope.organisation_ids,
            channel=data.get("channel") or None,
            kind=data.get("kind") or None,
        )

    def query(self) -> dict[str, str]:
        """The valid form's values, for the download links."""
        data = self.cleaned_data
        return {
            "date_from": data["date_from"].isoformat(),
            "date_to": data["date_to"].isoformat(),
            **{name: data[name] for name in ("organisation", "channel", "kind") if data.get(name)},
        }

    def as_error(self) -> InvalidReportQuery:
        """The invalid form's problems, one detail per field, for the API."""
        return InvalidReportQuery(
            details=[
                {"field": field, "message": " ".join(str(m) for m in messages)}
                for field, messages in self.errors.items()
            ]
        )
