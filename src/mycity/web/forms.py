from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from mycity.cities.models import Building, City


class LanguageForm(forms.Form):
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)
    next = forms.CharField(required=False, max_length=2000)


class CityChoiceForm(forms.Form):
    city = forms.ModelChoiceField(
        label=_("City"), queryset=City.objects.filter(is_active=True), to_field_name="slug"
    )


class PersonalSettingsForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=200, required=False)
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)
    home_city = forms.ModelChoiceField(
        label=_("Home city"), queryset=City.objects.filter(is_active=True), required=False
    )
    home_building = forms.ModelChoiceField(
        label=_("Home address"),
        queryset=Building.objects.select_related("street"),
        required=False,
        widget=forms.HiddenInput,
    )
    address_query = forms.CharField(
        label=_("Home address"),
        max_length=100,
        required=False,
        help_text=_("Street and house number, e.g. «Нижне-Покровская 5»."),
    )
