"""The forms of the city administrator's reception schedules: shape and format only;
`mycity.setup.receptions` checks the rules."""

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from mycity.cities.models import City
from mycity.reception.forms import OfficialForm, RuleForm
from mycity.reception.models import ExceptionKind, Official
from mycity.setup.receptions import MAX_REMIND_HOURS

CONFIRM_LABEL = _("Cancel the bookings listed above and tell the residents")


def _officials(city: City) -> Any:
    return Official.objects.filter(
        organisation__city=city, organisation__is_active=True, is_active=True
    ).select_related("organisation")


class ReminderField(forms.IntegerField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            label=_("Remind the resident, hours before (0: no reminder)"),
            min_value=0,
            max_value=MAX_REMIND_HOURS,
            initial=24,
            **kwargs,
        )


class AdminOfficialForm(OfficialForm):
    remind_hours = ReminderField()


class ReminderForm(forms.Form):
    remind_hours = ReminderField()


class ScheduleRuleForm(RuleForm):
    field_order = ["official"]

    official = forms.ModelChoiceField(label=_("Official"), queryset=Official.objects.none())
    confirm = forms.BooleanField(label=CONFIRM_LABEL, required=False)

    def __init__(self, city: City, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["official"]).queryset = _officials(city)


class ExceptionForm(forms.Form):
    official = forms.ModelChoiceField(label=_("Official"), queryset=Official.objects.none())
    kind = forms.ChoiceField(label=_("Exception"), choices=ExceptionKind.choices)
    day = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    starts_at = forms.TimeField(
        label=_("From (an extra reception)"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}),
    )
    ends_at = forms.TimeField(
        label=_("Until (an extra reception)"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}),
    )
    slot_minutes = forms.IntegerField(
        label=_("Minutes per person"), initial=15, min_value=5, max_value=120, required=False
    )
    place = forms.CharField(label=_("Place (an extra reception)"), max_length=300, required=False)
    note = forms.CharField(label=_("Reason"), max_length=200, required=False)
    confirm = forms.BooleanField(label=CONFIRM_LABEL, required=False)

    def __init__(self, city: City, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["official"]).queryset = _officials(city)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("kind") == ExceptionKind.EXTRA:
            for name in ("starts_at", "ends_at", "place"):
                if not data.get(name) and name not in self.errors:
                    self.add_error(name, _("An extra reception needs this."))
        return data


class ConfirmForm(forms.Form):
    confirm = forms.BooleanField(label=CONFIRM_LABEL, required=False)
