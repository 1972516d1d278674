"""Forms of the staff member's own tools: preferences, answer templates, saved views,
bulk actions. Shape only; the rules live in `console.services`."""

from django import forms
from django.utils.translation import gettext_lazy as _

from mycity.console.services import (
    BULK_ACCEPT,
    BULK_ASSIGN,
    MAX_TEMPLATE_TEXT,
    MAX_TEMPLATE_TITLE,
    MAX_VIEW_NAME,
)


class PreferencesForm(forms.Form):
    daily_digest = forms.BooleanField(
        required=False,
        label=_(
            "Send me a daily e-mail with the appeals I handle that are due today, "
            "due on the next working day or overdue"
        ),
    )


class AnswerTemplateForm(forms.Form):
    organisation = forms.CharField(required=False, max_length=80)
    title = forms.CharField(max_length=MAX_TEMPLATE_TITLE, label=_("Title"))
    text = forms.CharField(
        max_length=MAX_TEMPLATE_TEXT, label=_("Text"), widget=forms.Textarea(attrs={"rows": 6})
    )


class SavedViewForm(forms.Form):
    name = forms.CharField(max_length=MAX_VIEW_NAME, label=_("Name"))
    query = forms.CharField(required=False, max_length=1000)


class BulkForm(forms.Form):
    action = forms.ChoiceField(
        choices=[(BULK_ACCEPT, _("Accept selected")), (BULK_ASSIGN, _("Route selected"))]
    )
    organisation = forms.CharField(required=False, max_length=80)
    query = forms.CharField(required=False, max_length=1000)
