"""The shapes of what the card's control section posts; the rules live in the services."""

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from mycity.appeals.models import Appeal
from mycity.control.models import SubtaskKind
from mycity.control.selectors import officials_for

DAY = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
NOTE = forms.Textarea(attrs={"rows": 2})


class OfficialChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return obj.full_name or obj.email


class ControlForm(forms.Form):
    controller = OfficialChoice(label=_("Controlling official"), queryset=None)
    note = forms.CharField(label=_("Note"), max_length=5000, required=False, widget=NOTE)

    def __init__(self, appeal: Appeal, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(OfficialChoice, self.fields["controller"]).queryset = officials_for(appeal)


class LiftForm(forms.Form):
    note = forms.CharField(
        label=_("Why it is taken off control"), max_length=5000, required=False, widget=NOTE
    )


class SubtaskForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=SubtaskKind.choices)
    counterpart = forms.CharField(label=_("Organisation or body"), max_length=300)
    description = forms.CharField(
        label=_("What is asked or ordered"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    started_on = forms.DateField(label=_("Sent (a request) or received (an order) on"), widget=DAY)


class DoneForm(forms.Form):
    done_on = forms.DateField(label=_("Done on"), widget=DAY)


class ReportedForm(forms.Form):
    reported_on = forms.DateField(label=_("Reported on"), widget=DAY)
