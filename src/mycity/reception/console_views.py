"""The intake clerk's reception pages: officials and their rules, generating the
sessions, each session's appointments (adding a phone booking or a walk-in), and the
record of each reception."""

from typing import Any, cast
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from mycity.accounts.models import User
from mycity.cities.models import City
from mycity.console.editing import console_page
from mycity.reception import selectors, services
from mycity.reception.access import appointment_in, clerk_city, official_in, rule_in, session_in
from mycity.reception.forms import (
    GenerateForm,
    OfficialForm,
    RecordForm,
    RuleForm,
    StaffBookingForm,
)
from mycity.web.form_errors import refusals


def _schedule_page(
    request: HttpRequest, city: City, *, status: int = 200, **forms_: Any
) -> HttpResponse:
    officials = selectors.officials_of(city)
    context: dict[str, Any] = {
        "officials": officials,
        "sessions": selectors.sessions_for_clerk(city),
        "official_form": OfficialForm(city),
        "generate_form": GenerateForm(),
        "rule_forms": {o.pk: RuleForm(prefix=f"rule-{o.pk}") for o in officials},
        "problems": [],
    }
    bound_rule = forms_.pop("rule_form", None)
    if bound_rule is not None:
        context["rule_forms"][bound_rule[0]] = bound_rule[1]
    context.update(forms_)
    context["rule_rows"] = [(o, context["rule_forms"][o.pk]) for o in officials]
    return console_page(request, city, "reception/console_schedule.html", status=status, **context)


@login_required
@require_http_methods(["GET"])
def schedule(request: HttpRequest, slug: str) -> HttpResponse:
    return _schedule_page(request, clerk_city(request.user, slug))


@login_required
@require_POST
def add_official(request: HttpRequest, slug: str) -> HttpResponse:
    city = clerk_city(request.user, slug)
    form = OfficialForm(city, request.POST)
    if not form.is_valid():
        return _schedule_page(request, city, status=400, official_form=form)
    with refusals(form) as refused:
        services.add_official(actor=cast(User, request.user), city=city, **form.cleaned_data)
    if refused:
        return _schedule_page(
            request, city, status=refused.status, official_form=form, problems=refused.problems
        )
    messages.success(request, _("The official is added; now give their reception times."))
    return redirect("console:reception:schedule", slug=city.slug)


@login_required
@require_POST
def retire_official(request: HttpRequest, slug: str, official_id: int) -> HttpResponse:
    city = clerk_city(request.user, slug)
    official = official_in(city, official_id)
    services.retire_official(actor=cast(User, request.user), official=official)
    messages.success(request, _("The official no longer receives."))
    return redirect("console:reception:schedule", slug=city.slug)


@login_required
@require_POST
def add_rule(request: HttpRequest, slug: str, official_id: int) -> HttpResponse:
    city = clerk_city(request.user, slug)
    official = official_in(city, official_id)
    form = RuleForm(request.POST, prefix=f"rule-{official.pk}")
    if not form.is_valid():
        return _schedule_page(request, city, status=400, rule_form=(official.pk, form))
    with refusals(form) as refused:
        services.add_rule(
            actor=cast(User, request.user),
            official=official,
            draft=services.RuleDraft(**form.cleaned_data),
        )
    if refused:
        return _schedule_page(
            request,
            city,
            status=refused.status,
            rule_form=(official.pk, form),
            problems=refused.problems,
        )
    messages.success(request, _("The reception times are added; generate the sessions."))
    return redirect("console:reception:schedule", slug=city.slug)


@login_required
@require_POST
def retire_rule(request: HttpRequest, slug: str, rule_id: int) -> HttpResponse:
    city = clerk_city(request.user, slug)
    services.retire_rule(actor=cast(User, request.user), rule=rule_in(city, rule_id))
    messages.success(request, _("No more sessions will be generated from these times."))
    return redirect("console:reception:schedule", slug=city.slug)


@login_required
@require_POST
def generate(request: HttpRequest, slug: str) -> HttpResponse:
    city = clerk_city(request.user, slug)
    form = GenerateForm(request.POST)
    if not form.is_valid():
        return _schedule_page(request, city, status=400, generate_form=form)
    with refusals(form) as refused:
        made = services.generate_sessions(
            actor=cast(User, request.user), city=city, weeks=form.cleaned_data["weeks"]
        )
    if refused:
        return _schedule_page(
            request, city, status=refused.status, generate_form=form, problems=refused.problems
        )
    messages.success(
        request,
        ngettext("%(count)s new session.", "%(count)s new sessions.", made) % {"count": made},
    )
    return redirect("console:reception:schedule", slug=city.slug)


@login_required
@require_http_methods(["GET", "POST"])
def session(request: HttpRequest, slug: str, session_id: int) -> HttpResponse:
    city = clerk_city(request.user, slug)
    reception = session_in(city, session_id)
    zone = ZoneInfo(city.timezone)
    # A walk-in may take a time that has passed while the session goes on.
    free = selectors.free_slots(reception, now=reception.starts_at - reception.starts_at.resolution)
    form = StaffBookingForm(free, zone, request.POST or None)
    problems: list[str] = []
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            with refusals(form) as refused:
                services.add_appointment(
                    actor=cast(User, request.user),
                    session=reception,
                    starts_at=data["slot"],
                    booked_through=data["booked_through"],
                    details=services.ApplicantDetails(
                        applicant_name=data["applicant_name"],
                        applicant_address=data["applicant_address"],
                        applicant_phone=data["applicant_phone"],
                        subject=data["subject"],
                    ),
                )
                messages.success(request, _("The appointment is added."))
                return redirect(
                    "console:reception:session", slug=city.slug, session_id=reception.pk
                )
            problems, status = refused.problems, refused.status
        else:
            status = 400
    return console_page(
        request,
        city,
        "reception/console_session.html",
        session=reception,
        appointments=selectors.appointments_at(reception),
        form=form,
        has_slots=bool(free),
        problems=problems,
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def record(request: HttpRequest, slug: str, appointment_id: int) -> HttpResponse:
    city = clerk_city(request.user, slug)
    appointment = appointment_in(city, appointment_id)
    initial = {
        "outcome": appointment.outcome,
        "record": appointment.record,
        "agreed_to_oral_answer": appointment.agreed_to_oral_answer,
    }
    form = RecordForm(city, request.POST or None, initial=initial)
    problems: list[str] = []
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            with refusals(form) as refused:
                done = services.record_reception(
                    actor=cast(User, request.user),
                    appointment=appointment,
                    draft=services.RecordDraft(
                        outcome=data["outcome"],
                        record=data["record"],
                        agreed_to_oral_answer=data["agreed_to_oral_answer"],
                        category_slug=data["category"],
                    ),
                )
                if done.appeal is not None:
                    messages.success(
                        request,
                        _("The record is kept; the appeal is registered as %(number)s.")
                        % {"number": done.appeal.registration_number},
                    )
                else:
                    messages.success(request, _("The record is kept."))
                return redirect(
                    "console:reception:session", slug=city.slug, session_id=done.session_id
                )
            problems, status = refused.problems, refused.status
        else:
            status = 400
    return console_page(
        request,
        city,
        "reception/console_record.html",
        appointment=appointment,
        form=form,
        problems=problems,
        status=status,
    )
