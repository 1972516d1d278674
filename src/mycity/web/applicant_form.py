"""Who sends an e-appeal, as the Law on appeals asks (art. 12): the fields shared by the
resident's e-appeal form and the intake clerk's registration form."""

from django import forms
from django.utils.translation import gettext_lazy

from mycity.appeals.models import ApplicantType


class ApplicantFields(forms.Form):
    applicant_type = forms.ChoiceField(
        label=gettext_lazy("The appeal is from"),
        choices=ApplicantType.choices,
        initial=ApplicantType.PERSON,
        widget=forms.RadioSelect,
    )
    applicant_name = forms.CharField(label=gettext_lazy("Full name"), max_length=200)
    applicant_address = forms.CharField(label=gettext_lazy("Postal address"), max_length=300)
    applicant_email = forms.EmailField(label=gettext_lazy("E-mail"), max_length=254)
    applicant_phone = forms.CharField(
        label=gettext_lazy("Phone (optional)"), max_length=30, required=False
    )
    legal_name = forms.CharField(
        label=gettext_lazy("Organisation's name"), max_length=300, required=False
    )
    legal_reg_number = forms.CharField(
        label=gettext_lazy("Registration number (УНП)"),
        max_length=30,
        required=False,
        help_text=gettext_lazy("9 digits, as on the organisation's registration certificate."),
    )
    signatory = forms.CharField(
        label=gettext_lazy("Signed by (full name, position)"), max_length=200, required=False
    )
