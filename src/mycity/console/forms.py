from django import forms
from django.utils.translation import gettext_lazy as _

from mycity.appeals.models import Status
from mycity.console.law_actions import LAW_ACTIONS

ACTIONS = [
    ("accept", _("Accept")),
    ("approve", _("Approve")),
    ("assign", _("Route to an organisation")),
    ("start", _("Take into work")),
    ("return", _("Hand back to the dispatcher")),
    ("answer", _("Answer")),
    ("close", _("Close")),
    ("reject", _("Reject")),
    ("redirect", _("Redirect to another body")),
    ("merge", _("Mark as a duplicate")),
    ("extend", _("Extend the term")),
    ("redact", _("Edit the public text")),
    ("hide_photo", _("Hide the photo")),
    ("blur_photo", _("Blur the photo")),
    ("request_information", _("Ask the applicant for more information")),
    *LAW_ACTIONS,
]

TABS = {
    "new": (_("New"), (Status.SUBMITTED, Status.MODERATION, Status.ACCEPTED, Status.REOPENED)),
    "work": (_("In work"), (Status.ASSIGNED, Status.IN_PROGRESS)),
    "answered": (_("Answered"), (Status.ANSWERED,)),
    "closed": (
        _("Finished"),
        (
            Status.CLOSED,
            Status.REJECTED,
            Status.REDIRECTED,
            Status.DUPLICATE,
            Status.NOT_CONSIDERED,
            Status.WITHDRAWN,
        ),
    ),
}
BANDS = [("", _("Any deadline")), ("overdue", _("Overdue")), ("due_soon", _("Due within a day"))]


class QueueForm(forms.Form):
    tab = forms.ChoiceField(choices=[(k, v[0]) for k, v in TABS.items()], required=False)
    category = forms.CharField(required=False, max_length=80)
    district = forms.CharField(required=False, max_length=50)
    organisation = forms.CharField(required=False, max_length=80)
    kind = forms.ChoiceField(
        choices=[
            ("", _("Any kind")),
            ("problem", _("Problem reports")),
            ("e_appeal", _("E-appeals")),
        ],
        required=False,
    )
    band = forms.ChoiceField(choices=BANDS, required=False)
    number = forms.CharField(required=False, max_length=20, label=_("Number"))
    q = forms.CharField(required=False, max_length=200, label=_("Search"))
    sort = forms.ChoiceField(
        choices=[("", _("Newest first")), ("deadline", _("Nearest deadline first"))],
        required=False,
        label=_("Order"),
    )


class ActionForm(forms.Form):
    action = forms.ChoiceField(choices=ACTIONS)
    expected_version = forms.IntegerField(min_value=1, required=False)
    note = forms.CharField(
        required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )
    organisation = forms.CharField(required=False, max_length=80)
    duplicate_of = forms.CharField(required=False, max_length=20, label=_("Number of the original"))
    redirected_to = forms.CharField(required=False, max_length=300, label=_("The competent body"))
    working_days = forms.IntegerField(required=False, min_value=1, max_value=30)
    file_id = forms.IntegerField(required=False, min_value=1)
    text = forms.CharField(
        required=False, max_length=20000, widget=forms.Textarea(attrs={"rows": 6})
    )
    result = forms.CharField(required=False, max_length=20)
    ground = forms.CharField(required=False, max_length=30)
    repeat_of = forms.CharField(required=False, max_length=40)
    where_to_apply = forms.CharField(required=False, max_length=2000)
    publication = forms.IntegerField(required=False, min_value=1)
    new_facts = forms.BooleanField(required=False)
    until = forms.DateField(required=False, label=_("New date"))
    notice_id = forms.IntegerField(required=False, min_value=1)


class AuditForm(forms.Form):
    actor = forms.CharField(required=False, max_length=254, label=_("Person's e-mail"))
    number = forms.CharField(required=False, max_length=20, label=_("Appeal number"))
    before = forms.IntegerField(required=False, min_value=1)
