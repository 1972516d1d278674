"""The forms of the reception pages: shape and format only; the services check the rules."""

from datetime import datetime
from typing import Any, cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy

from mycity.appeals.models import AppealKind, Category
from mycity.cities.models import City, Organisation
from mycity.reception.models import BookedThrough, Outcome, Repeat

WEEKDAYS = [
    (0, gettext_lazy("Monday")),
    (1, gettext_lazy("Tuesday")),
    (2, gettext_lazy("Wednesday")),
    (3, gettext_lazy("Thursday")),
    (4, gettext_lazy("Friday")),
    (5, gettext_lazy("Saturday (duty reception)")),
]
WEEKS = [
    ("", gettext_lazy("—")),
    (1, gettext_lazy("first")),
    (2, gettext_lazy("second")),
    (3, gettext_lazy("third")),
    (4, gettext_lazy("fourth")),
    (-1, gettext_lazy("last")),
]


def slot_value(moment: datetime) -> str:
    return moment.isoformat()


class SlotField(forms.CharField):
    """A slot's start, sent as its ISO time; the service says whether it is free."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(widget=forms.Select, **kwargs)

    def set_slots(self, slots: list[datetime], zone: Any) -> None:
        cast(forms.Select, self.widget).choices = [
            (slot_value(s), timezone.localtime(s, zone).strftime("%H:%M")) for s in slots
        ]

    def clean(self, value: Any) -> datetime:
        text = super().clean(value)
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            raise forms.ValidationError(gettext_lazy("Choose a time.")) from None
        if moment.tzinfo is None:
            raise forms.ValidationError(gettext_lazy("Choose a time."))
        return moment


class ApplicantForm(forms.Form):
    slot = SlotField(label=gettext_lazy("Time"))
    applicant_name = forms.CharField(label=gettext_lazy("Full name"), max_length=200)
    applicant_address = forms.CharField(label=gettext_lazy("Postal address"), max_length=300)
    applicant_phone = forms.CharField(label=gettext_lazy("Phone"), max_length=30)
    subject = forms.CharField(
        label=gettext_lazy("What it is about, in a few words"), max_length=300
    )

    def __init__(self, slots: list[datetime], zone: Any, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(SlotField, self.fields["slot"]).set_slots(slots, zone)


class StaffBookingForm(ApplicantForm):
    field_order = ["booked_through", "slot"]

    booked_through = forms.ChoiceField(
        label=gettext_lazy("How the person asked"),
        choices=[(c.value, c.label) for c in BookedThrough if c != BookedThrough.ONLINE],
    )
    applicant_phone = forms.CharField(
        label=gettext_lazy("Phone (optional for a walk-in)"), max_length=30, required=False
    )


class OfficialForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=gettext_lazy("Organisation"), queryset=Organisation.objects.none()
    )
    full_name = forms.CharField(label=gettext_lazy("Full name"), max_length=200)
    position = forms.CharField(label=gettext_lazy("Position"), max_length=200)

    def __init__(self, city: City, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "official")
        super().__init__(*args, **kwargs)
        cast(
            forms.ModelChoiceField, self.fields["organisation"]
        ).queryset = Organisation.objects.filter(city=city, is_active=True).defer("service_area")


class RuleForm(forms.Form):
    repeat = forms.ChoiceField(label=gettext_lazy("Repeats"), choices=Repeat.choices)
    week = forms.TypedChoiceField(
        label=gettext_lazy("Week of the month (once a month)"),
        choices=WEEKS,
        coerce=int,
        empty_value=None,
        required=False,
    )
    weekday = forms.TypedChoiceField(label=gettext_lazy("Day"), choices=WEEKDAYS, coerce=int)
    starts_at = forms.TimeField(
        label=gettext_lazy("From"), widget=forms.TimeInput(attrs={"type": "time"})
    )
    ends_at = forms.TimeField(
        label=gettext_lazy("Until"), widget=forms.TimeInput(attrs={"type": "time"})
    )
    slot_minutes = forms.IntegerField(
        label=gettext_lazy("Minutes per person"), initial=15, min_value=5, max_value=120
    )
    place = forms.CharField(label=gettext_lazy("Place"), max_length=300)
    valid_from = forms.DateField(
        label=gettext_lazy("From the date (optional)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    valid_until = forms.DateField(
        label=gettext_lazy("Until the date (optional)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )


class GenerateForm(forms.Form):
    weeks = forms.IntegerField(
        label=gettext_lazy("Weeks ahead"), initial=4, min_value=1, max_value=26
    )


class RecordForm(forms.Form):
    outcome = forms.ChoiceField(
        label=gettext_lazy("How the reception ended"),
        choices=Outcome.choices,
        widget=forms.RadioSelect,
    )
    record = forms.CharField(
        label=gettext_lazy("What was said"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=20000,
        required=False,
    )
    agreed_to_oral_answer = forms.BooleanField(
        label=gettext_lazy("The applicant agrees to an oral answer"), required=False
    )
    category = forms.ChoiceField(
        label=gettext_lazy("Subject of the written appeal"), required=False
    )

    def __init__(self, city: City, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        subjects = Category.objects.filter(city=city, kind=AppealKind.E_APPEAL, is_active=True)
        cast(forms.ChoiceField, self.fields["category"]).choices = [
            ("", "—"),
            *((c.slug, c.name) for c in subjects.order_by("display_order", "name_ru")),
        ]
