"""The forms of the personal-data pages: a resident's request, the officer's answer,
an incident's record."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from mycity.cities.selectors import active_cities
from mycity.privacy.models import RequestKind

MOMENT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
TEXT = forms.Textarea(attrs={"rows": 3})


class RequestForm(forms.Form):
    """What a resident may ask the operator (the copy is the download button)."""

    kind = forms.ChoiceField(
        label=_("I ask for"),
        choices=[(k.value, k.label) for k in RequestKind if k != RequestKind.COPY],
        widget=forms.RadioSelect,
    )
    city = forms.ModelChoiceField(
        label=_("To the operator of"), queryset=active_cities().defer("boundary")
    )
    corrected_name = forms.CharField(
        label=_("Correct full name (for a correction)"), max_length=200, required=False
    )
    details = forms.CharField(
        label=_("Details (what is wrong, what to stop)"),
        max_length=2000,
        required=False,
        widget=TEXT,
    )


class ActForm(forms.Form):
    """The officer's answer to a request."""

    action = forms.ChoiceField(
        choices=[
            ("done", _("Done")),
            ("refuse", _("Refuse")),
            ("correct", _("Apply the correction")),
            ("erase", _("Apply the deletion")),
        ]
    )
    note = forms.CharField(label=_("Note"), max_length=2000, required=False, widget=TEXT)
    reason = forms.CharField(
        label=_("Reason of refusal"), max_length=2000, required=False, widget=TEXT
    )
    full_name = forms.CharField(label=_("Correct full name"), max_length=200, required=False)


class IncidentForm(forms.Form):
    description = forms.CharField(label=_("What happened"), max_length=5000, widget=TEXT)
    found_at = forms.DateTimeField(label=_("Found"), widget=MOMENT)
    affected = forms.CharField(label=_("Whom it affects"), max_length=2000, widget=TEXT)
    affected_count = forms.IntegerField(
        label=_("Approximate number of people"), min_value=0, required=False
    )
    data_categories = forms.CharField(label=_("Categories of data"), max_length=2000, widget=TEXT)
    measures = forms.CharField(
        label=_("Measures taken"), max_length=5000, required=False, widget=TEXT
    )
    authority_notified_at = forms.DateTimeField(
        label=_("The National Personal Data Protection Centre notified"),
        required=False,
        widget=MOMENT,
    )
    subjects_notified_at = forms.DateTimeField(
        label=_("The people affected notified"), required=False, widget=MOMENT
    )

    def values(self) -> dict[str, Any]:
        return dict(self.cleaned_data)
