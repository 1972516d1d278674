"""An e-appeal to the executive committee under the Law «Об обращениях граждан и
юридических лиц»: the fields the law asks for, the consent, and the legal term stated
before sending. The service checks every rule; this page shows its answer in place."""

import uuid
from typing import Any, cast

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from mycity.accounts.models import User
from mycity.appeals import selectors
from mycity.appeals.actions.submission import AppealDraft, submit_appeal
from mycity.appeals.applicant import APPLICANT_FIELDS
from mycity.appeals.errors import InvalidAppeal
from mycity.appeals.limits import MAX_E_APPEAL_TEXT
from mycity.appeals.models import AppealKind, Channel
from mycity.cities.models import City, Organisation
from mycity.web.applicant_form import ApplicantFields
from mycity.web.choice import city_or_404
from mycity.web.form_errors import refusals
from mycity.web.report_views import to_registered_appeal
from mycity.web.text_limit import count_characters

MAX_ATTACHMENTS = 5


class EAppealForm(ApplicantFields):
    field_order = ["category", "addressee", *APPLICANT_FIELDS, "description", "consent", "key"]

    category = forms.ChoiceField(label=gettext_lazy("Subject"))
    addressee = forms.ChoiceField(label=gettext_lazy("To"), required=False)
    description = forms.CharField(
        label=gettext_lazy("Text of the appeal"),
        max_length=MAX_E_APPEAL_TEXT,
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    consent = forms.BooleanField(
        label=gettext_lazy("I agree to the processing of my personal data to consider this appeal.")
    )
    key = forms.CharField(widget=forms.HiddenInput, max_length=100)

    def __init__(self, city: City, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        count_characters(self, "description")
        # The resident is signed in and is answered in the app; e-mail is optional.
        email = self.fields["applicant_email"]
        email.required = False
        email.label = _("E-mail (optional: the answer also comes to your account)")
        categories = selectors.categories_of(city, kind=AppealKind.E_APPEAL)
        leaves = [c for c in categories if not any(o.parent_id == c.pk for o in categories)]
        cast(forms.ChoiceField, self.fields["category"]).choices = [
            ("", _("Choose…")),
            *((c.slug, c.name) for c in leaves),
        ]
        departments = Organisation.objects.filter(
            city=city, kind=Organisation.Kind.DEPARTMENT, is_active=True
        ).defer("service_area")
        cast(forms.ChoiceField, self.fields["addressee"]).choices = [
            ("", _("The executive committee (as the subject says)")),
            *((o.slug, o.name) for o in departments),
        ]


@login_required
@require_http_methods(["GET", "POST"])
def e_appeal(request: HttpRequest, slug: str) -> HttpResponse:
    city = city_or_404(slug)
    user = cast(User, request.user)
    problems: list[str] = []
    status = 200
    if request.method == "POST":
        form = EAppealForm(city, request.POST)
        if form.is_valid():
            with refusals(form, hidden=("key",)) as refused:
                return _send(request, city, user, form.cleaned_data)
            status, problems = refused.status, refused.problems
        else:
            status = 400
    else:
        form = EAppealForm(
            city,
            initial={
                "key": uuid.uuid4().hex,
                "applicant_name": user.full_name,
                "applicant_email": user.email,
            },
        )
    context = {"city": city, "form": form, "problems": problems, "max": MAX_ATTACHMENTS}
    return render(request, "web/e_appeal.html", context, status=status)


def _send(request: HttpRequest, city: City, user: User, data: dict[str, Any]) -> HttpResponse:
    files = request.FILES.getlist("attachments")
    if len(files) > MAX_ATTACHMENTS:
        raise InvalidAppeal(
            _("No more than %(max)s files.") % {"max": MAX_ATTACHMENTS}, field="attachments"
        )
    submission = submit_appeal(
        applicant=user,
        city=city,
        draft=AppealDraft(
            category_slug=data["category"],
            description=data["description"],
            addressee_slug=data["addressee"] or None,
            consent=data["consent"],
            **{name: data[name] for name in APPLICANT_FIELDS},
        ),
        files=files,
        channel=Channel.APP,
        idempotency_key=data["key"],
    )
    return to_registered_appeal(
        request,
        submission.appeal,
        _("Your appeal %(number)s is registered. The answer is due by %(deadline)s."),
    )
