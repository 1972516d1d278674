from django import forms
from django.utils.translation import gettext_lazy as _

from mycity.webhooks.events import EventType


class EndpointForm(forms.Form):
    url = forms.CharField(
        label=_("Address (https)"),
        max_length=1000,
        widget=forms.URLInput(attrs={"inputmode": "url", "placeholder": "https://"}),
    )
    events = forms.MultipleChoiceField(
        label=_("Events"), choices=EventType.choices, widget=forms.CheckboxSelectMultiple
    )
    description = forms.CharField(label=_("Description"), max_length=200, required=False)


class NewEndpointForm(EndpointForm):
    owner = forms.ChoiceField(label=_("Whose endpoint"), choices=())

    field_order = ["owner", "url", "events", "description"]

    def __init__(self, *args: object, owners: list[tuple[str, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        owner = self.fields["owner"]
        assert isinstance(owner, forms.ChoiceField)
        owner.choices = owners
