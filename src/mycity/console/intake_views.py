"""Intake: registering a letter, a reception record, a phone call, a page of the book of
remarks or an appeal from the national system."""

from typing import Any, cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from mycity.accounts.models import User
from mycity.accounts.permissions import Action, may
from mycity.appeals.actions.submission import AppealDraft
from mycity.appeals.applicant import APPLICANT_FIELDS
from mycity.appeals.intake import register_received_appeal
from mycity.appeals.models import STAFF_CHANNELS, AppealKind, Category, Channel
from mycity.cities.models import City, Organisation
from mycity.console.access import console_city_for
from mycity.console.editing import console_page
from mycity.web.applicant_form import ApplicantFields
from mycity.web.form_errors import refusals

TEXT = forms.Textarea(attrs={"rows": 6})


class IntakeForm(ApplicantFields):
    field_order = [
        "channel",
        "received_at",
        "registrar",
        "category",
        *APPLICANT_FIELDS,
        "description",
        "source_number",
        "anonymous",
    ]

    channel = forms.ChoiceField(
        label=gettext_lazy("How it arrived"),
        choices=[(c.value, c.label) for c in Channel if c in STAFF_CHANNELS],
    )
    received_at = forms.DateTimeField(
        label=gettext_lazy("Arrived"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    registrar = forms.ModelChoiceField(
        label=gettext_lazy("Registered by"), queryset=Organisation.objects.none()
    )
    category = forms.ChoiceField(label=gettext_lazy("Subject"))
    # A letter has a postal address; an e-mail only sometimes.
    applicant_email = forms.EmailField(
        label=gettext_lazy("E-mail (optional)"), max_length=254, required=False
    )
    description = forms.CharField(label=gettext_lazy("Text of the appeal"), widget=TEXT)
    source_number = forms.CharField(
        label=gettext_lazy("Its own number (outgoing number, national system id)"),
        max_length=60,
        required=False,
    )

    # Registered all the same, then left or forwarded (art. 23 of the Law on appeals).
    anonymous = forms.BooleanField(
        label=gettext_lazy("Anonymous: no name or no address to answer to"), required=False
    )

    def __init__(self, city: City, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The service asks for them, unless the letter is anonymous.
        self.fields["applicant_name"].required = False
        self.fields["applicant_address"].required = False
        registrar = cast(forms.ModelChoiceField, self.fields["registrar"])
        registrar.queryset = Organisation.objects.filter(
            city=city, is_active=True, kind=Organisation.Kind.DEPARTMENT
        ).defer("service_area")
        subjects = Category.objects.filter(city=city, kind=AppealKind.E_APPEAL, is_active=True)
        cast(forms.ChoiceField, self.fields["category"]).choices = [
            (c.slug, c.name) for c in subjects.order_by("display_order", "name_ru")
        ]


@login_required
@require_http_methods(["GET", "POST"])
def intake(request: HttpRequest, slug: str) -> HttpResponse:
    city = console_city_for(request.user, slug)
    if not may(request.user, Action.REGISTER_APPEALS, city):
        raise PermissionDenied
    initial = {"received_at": timezone.localtime(), "channel": Channel.POST}
    form = IntakeForm(city, request.POST or None, request.FILES or None, initial=initial)
    problems: list[str] = []
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            draft_fields = {name: data[name] for name in (*APPLICANT_FIELDS, "description")}
            with refusals(form) as refused:
                submission = register_received_appeal(
                    actor=cast(User, request.user),
                    city=city,
                    registrar=data["registrar"],
                    channel=data["channel"],
                    received_at=data["received_at"],
                    draft=AppealDraft(category_slug=data["category"], **draft_fields),
                    files=request.FILES.getlist("scans"),
                    source_number=data["source_number"],
                    anonymous=data["anonymous"],
                )
                appeal = submission.appeal
                text = (
                    _("Already registered as %(number)s.")
                    if submission.replayed
                    else _("Registered as %(number)s on %(date)s; the answer is due by %(due)s.")
                )
                messages.success(
                    request,
                    text
                    % {
                        "number": appeal.registration_number,
                        "date": formats.date_format(appeal.registered_on, "SHORT_DATE_FORMAT"),
                        "due": formats.date_format(
                            timezone.localtime(appeal.deadline), "SHORT_DATE_FORMAT"
                        ),
                    },
                )
                # The next letter: a clerk registers one after another.
                return redirect("console:intake", slug=city.slug)
            problems, status = refused.problems, refused.status
        else:
            status = 400
    return console_page(
        request, city, "console/intake.html", form=form, problems=problems, status=status
    )
