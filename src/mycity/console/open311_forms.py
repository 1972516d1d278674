"""The form that connects an organisation's own Open311 system: where to send, the key
their system issued (never shown back), and their service code for each of our
problem categories."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from mycity.appeals.models import Category

CODE_PREFIX = "code:"


class Open311LinkForm(forms.Form):
    endpoint = forms.CharField(
        label=_("Their Open311 endpoint"),
        max_length=500,
        help_text=_(
            "The https address their requests.json is under, e.g. https://example.by/open311/v2/"
        ),
        widget=forms.URLInput(attrs={"inputmode": "url", "autocomplete": "off"}),
    )
    jurisdiction_id = forms.CharField(label=_("jurisdiction_id"), max_length=100, required=False)
    api_key = forms.CharField(
        label=_("API key"),
        max_length=200,
        required=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
    )
    is_active = forms.BooleanField(label=_("Send appeals there"), required=False)

    def __init__(self, *args: Any, categories: list[Category], key_hint: str, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.categories = categories
        self.fields["api_key"].help_text = (
            _("Stored: %(hint)s. Leave empty to keep it.") % {"hint": key_hint}
            if key_hint
            else _("The key their system issued to us.")
        )
        for category in categories:
            self.fields[CODE_PREFIX + category.slug] = forms.CharField(
                label=category.name, max_length=100, required=False
            )

    def code_fields(self) -> list[forms.BoundField]:
        return [self[CODE_PREFIX + category.slug] for category in self.categories]

    def service_codes(self) -> dict[str, str]:
        return {
            name.removeprefix(CODE_PREFIX): value.strip()
            for name, value in self.cleaned_data.items()
            if name.startswith(CODE_PREFIX) and value and value.strip()
        }


def link_initial(link: Any) -> dict[str, Any]:
    if link is None:
        return {"is_active": True}
    return {
        "endpoint": link.endpoint,
        "jurisdiction_id": link.jurisdiction_id,
        "is_active": link.is_active,
        **{CODE_PREFIX + ours: theirs for ours, theirs in link.service_codes.items()},
    }
