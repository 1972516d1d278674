"""Console pages of control: the list of controlled appeals, and the card section's
forms. Each form posts here, goes through the same service as any other caller, and
returns to the appeal's card; a refusal shows the form again with its errors."""

from collections.abc import Callable
from typing import Any, cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from mycity.accounts.models import User
from mycity.accounts.permissions import Action, may
from mycity.appeals.deadlines import deadline_state
from mycity.appeals.errors import AppealNotFound
from mycity.appeals.models import Appeal
from mycity.cities.models import City
from mycity.console.access import console_city_for
from mycity.console.editing import console_page
from mycity.control import services
from mycity.control.access import may_control, may_work_subtasks, staff_appeal, staff_subtask
from mycity.control.errors import SubtaskNotFound
from mycity.control.forms import ControlForm, DoneForm, LiftForm, ReportedForm, SubtaskForm
from mycity.control.models import Subtask
from mycity.control.selectors import controls_in, open_subtasks_by_appeal
from mycity.web.form_errors import refusals


def _card_url(city: City, appeal_id: int) -> str:
    return reverse("console:card", kwargs={"slug": city.slug, "appeal_id": appeal_id})


def _appeal(
    request: HttpRequest, city: City, appeal_id: int, allowed: Callable[[Any, Appeal], bool]
) -> Appeal:
    """The appeal, 404 when the person does not handle it, 403 when they handle it but
    may not do this (the services check again)."""
    try:
        appeal = staff_appeal(request.user, city.pk, appeal_id)
    except AppealNotFound:
        raise Http404 from None
    if not allowed(request.user, appeal):
        raise PermissionDenied
    return appeal


def _subtask(request: HttpRequest, city: City, subtask_id: int) -> Subtask:
    try:
        subtask = staff_subtask(request.user, city.pk, subtask_id)
    except SubtaskNotFound:
        raise Http404 from None
    if not may_work_subtasks(request.user, subtask.appeal):
        raise PermissionDenied
    return subtask


def _submit(
    request: HttpRequest,
    city: City,
    appeal: Appeal,
    form: forms.Form,
    *,
    heading: str,
    act: Callable[[dict[str, Any]], Any],
    done: str,
) -> HttpResponse:
    """Validate the form, run the command, and go back to the card; or show the form
    again with each problem next to its field."""
    problems: list[str] = []
    if form.is_valid():
        with refusals(form) as refused:
            act(form.cleaned_data)
            messages.success(request, done)
            return redirect(_card_url(city, appeal.pk))
        problems, status = refused.problems, refused.status
    else:
        status = 400
    return console_page(
        request,
        city,
        "control/form_page.html",
        appeal=appeal,
        form=form,
        problems=problems,
        heading=heading,
        action_url=request.path,
        card_url=_card_url(city, appeal.pk),
        no_queue=False,
        status=status,
    )


@login_required
@require_GET
def controlled(request: HttpRequest, slug: str) -> HttpResponse:
    """The appeals on the person's control and, for a dispatcher, all the city's."""
    city = console_city_for(request.user, slug)
    mine = list(controls_in(city, controller=request.user))
    everyone = list(controls_in(city)) if may(request.user, Action.DISPATCH, city) else []
    ids = [c.appeal_id for c in mine + everyone]
    subtasks = open_subtasks_by_appeal(ids)
    now = timezone.now()

    def rows(controls: list[Any]) -> list[dict[str, Any]]:
        return [
            {
                "control": c,
                "appeal": c.appeal,
                "state": deadline_state(c.appeal, now),
                "subtasks": subtasks.get(c.appeal_id, []),
            }
            for c in controls
        ]

    return console_page(
        request,
        city,
        "control/controlled.html",
        mine=rows(mine),
        everyone=rows(everyone),
        no_queue=False,
    )


@login_required
@require_POST
def set_control(request: HttpRequest, slug: str, appeal_id: int) -> HttpResponse:
    city = console_city_for(request.user, slug)
    appeal = _appeal(request, city, appeal_id, may_control)
    actor = cast(User, request.user)
    return _submit(
        request,
        city,
        appeal,
        ControlForm(appeal, request.POST),
        heading=_("Put the appeal on control"),
        act=lambda data: services.put_on_control(
            actor=actor, appeal=appeal, controller=data["controller"], note=data["note"]
        ),
        done=_("The appeal is put on control."),
    )


@login_required
@require_POST
def lift_control(request: HttpRequest, slug: str, appeal_id: int) -> HttpResponse:
    city = console_city_for(request.user, slug)
    appeal = _appeal(request, city, appeal_id, may_control)
    actor = cast(User, request.user)
    return _submit(
        request,
        city,
        appeal,
        LiftForm(request.POST),
        heading=_("Take the appeal off control"),
        act=lambda data: services.lift_control(actor=actor, appeal=appeal, note=data["note"]),
        done=_("The appeal is taken off control."),
    )


@login_required
@require_POST
def open_subtask(request: HttpRequest, slug: str, appeal_id: int) -> HttpResponse:
    city = console_city_for(request.user, slug)
    appeal = _appeal(request, city, appeal_id, may_work_subtasks)
    actor = cast(User, request.user)
    return _submit(
        request,
        city,
        appeal,
        SubtaskForm(request.POST),
        heading=_("Open a sub-task"),
        act=lambda data: services.open_subtask(actor=actor, appeal=appeal, **data),
        done=_("The sub-task is opened; its term is counted."),
    )


@login_required
@require_POST
def complete_subtask(request: HttpRequest, slug: str, subtask_id: int) -> HttpResponse:
    city = console_city_for(request.user, slug)
    subtask = _subtask(request, city, subtask_id)
    actor = cast(User, request.user)
    return _submit(
        request,
        city,
        subtask.appeal,
        DoneForm(request.POST),
        heading=_("Mark the sub-task done"),
        act=lambda data: services.complete_subtask(
            actor=actor, subtask=subtask, done_on=data["done_on"]
        ),
        done=_("The sub-task is marked done."),
    )


@login_required
@require_POST
def report_subtask(request: HttpRequest, slug: str, subtask_id: int) -> HttpResponse:
    city = console_city_for(request.user, slug)
    subtask = _subtask(request, city, subtask_id)
    actor = cast(User, request.user)
    return _submit(
        request,
        city,
        subtask.appeal,
        ReportedForm(request.POST),
        heading=_("Record the report to the higher body"),
        act=lambda data: services.report_subtask(
            actor=actor, subtask=subtask, reported_on=data["reported_on"]
        ),
        done=_("The report to the higher body is recorded."),
    )
