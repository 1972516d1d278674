"""The city administrator's forms on people: invite, grant a role."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from mycity.accounts.models import ROLES_NEEDING_ORGANISATION, RoleKind
from mycity.cities.models import City, Organisation
from mycity.setup.invitations import INVITED_ROLES


def _role_choices() -> list[tuple[str, Any]]:
    return [(kind.value, kind.label) for kind in RoleKind if kind in INVITED_ROLES]


class RoleForm(forms.Form):
    """A role and, for the roles of an organisation, which one."""

    kind = forms.ChoiceField(label=_("Role"), choices=_role_choices)
    organisation = forms.ModelChoiceField(
        label=_("Organisation"),
        queryset=Organisation.objects.none(),
        required=False,
        to_field_name="slug",
        help_text=_("For an executor, the head and an authorised official."),
    )

    def __init__(self, *args: Any, city: City, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.filter(  # type: ignore[attr-defined]
            city=city, is_active=True
        ).only("pk", "slug", "name_ru", "name_be", "name_en")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind, organisation = data.get("kind"), data.get("organisation")
        if kind in ROLES_NEEDING_ORGANISATION and organisation is None:
            self.add_error("organisation", _("Choose the organisation this role works for."))
        if kind and kind not in ROLES_NEEDING_ORGANISATION and organisation is not None:
            self.add_error("organisation", _("This role is for the whole city: leave it empty."))
        return data


class InviteForm(RoleForm):
    email = forms.EmailField(label=_("E-mail"), max_length=254)
    full_name = forms.CharField(label=_("Full name"), max_length=200, required=False)

    field_order = ["email", "full_name", "kind", "organisation"]
