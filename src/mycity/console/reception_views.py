"""The city administrator's reception schedules: officials, their rules with a preview
of the next receptions before saving, exceptions and reminders. A change that would
cancel booked receptions shows those bookings and waits for the administrator's
confirmation (`mycity.setup.receptions`)."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from mycity.cities.models import City
from mycity.console.category_views import setup_city
from mycity.console.editing import console_page
from mycity.console.reception_forms import (
    AdminOfficialForm,
    ConfirmForm,
    ExceptionForm,
    ReminderForm,
    ScheduleRuleForm,
)
from mycity.core.errors import DomainError
from mycity.reception import services
from mycity.reception.access import official_in, rule_in
from mycity.reception.models import ExceptionKind, Official, ReceptionException
from mycity.setup import receptions
from mycity.web.form_errors import refusals


def _officials(city: City) -> list[Official]:
    return list(
        Official.objects.filter(organisation__city=city)
        .select_related("organisation")
        .prefetch_related("rules", "exceptions")
        .order_by("-is_active", "organisation__name_ru", "full_name")
    )


def _affected(error: DomainError) -> list[str]:
    return [str(d["message"]) for d in error.as_dict()["details"]]


def _done(request: HttpRequest, change: receptions.ScheduleChange, text: str) -> None:
    messages.success(request, text)
    if change.cancelled:
        messages.warning(
            request,
            ngettext(
                "%(count)d booking is cancelled; the resident is told. Call those who "
                "booked by phone.",
                "%(count)d bookings are cancelled; the residents are told. Call those who "
                "booked by phone.",
                len(change.cancelled),
            )
            % {"count": len(change.cancelled)},
        )


@login_required
@require_GET
def schedules(request: HttpRequest, slug: str) -> HttpResponse:
    city = setup_city(request, slug)
    return console_page(
        request,
        city,
        "console/receptions.html",
        officials=_officials(city),
        official_form=AdminOfficialForm(city),
    )


@login_required
@require_POST
def add_official(request: HttpRequest, slug: str) -> HttpResponse:
    city = setup_city(request, slug)
    form = AdminOfficialForm(city, request.POST)
    status, problems = 400, list[str]()
    if form.is_valid():
        with refusals(form) as refused:
            receptions.add_official(actor=request.user, city=city, **form.cleaned_data)  # type: ignore[arg-type]
            messages.success(request, _("The official is added; now give their reception times."))
            return redirect("console:receptions", slug=city.slug)
        status, problems = refused.status, refused.problems
    return console_page(
        request,
        city,
        "console/receptions.html",
        officials=_officials(city),
        official_form=form,
        problems=problems,
        status=status,
    )


@login_required
@require_POST
def reminder(request: HttpRequest, slug: str, official_id: int) -> HttpResponse:
    city = setup_city(request, slug)
    official = official_in(city, official_id)
    form = ReminderForm(request.POST)
    if form.is_valid():
        with refusals(form) as refused:
            receptions.set_reminder(
                actor=request.user,  # type: ignore[arg-type]
                official=official,
                remind_hours=form.cleaned_data["remind_hours"],
            )
            messages.success(request, _("The reminder is saved."))
        if refused:
            messages.error(request, refused.message)
    else:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect("console:receptions", slug=city.slug)


def _draft(data: dict[str, Any]) -> services.RuleDraft:
    return services.RuleDraft(
        repeat=data["repeat"],
        weekday=data["weekday"],
        week=data["week"],
        starts_at=data["starts_at"],
        ends_at=data["ends_at"],
        slot_minutes=data["slot_minutes"],
        place=data["place"],
        valid_from=data["valid_from"],
        valid_until=data["valid_until"],
    )


def _rule_initial(rule: Any) -> dict[str, Any]:
    return {
        name: getattr(rule, name)
        for name in (
            "official",
            "repeat",
            "weekday",
            "week",
            "starts_at",
            "ends_at",
            "slot_minutes",
            "place",
            "valid_from",
            "valid_until",
        )
    }


@login_required
@require_http_methods(["GET", "POST"])
def rule(request: HttpRequest, slug: str, rule_id: int | None = None) -> HttpResponse:
    """Add or change a rule. "Preview" shows the next receptions and saves nothing;
    "Save" saves, or lists the bookings the change would cancel for confirmation."""
    city = setup_city(request, slug)
    existing = rule_in(city, rule_id) if rule_id is not None else None
    initial = _rule_initial(existing) if existing else {}
    if existing is None and request.GET.get("official"):
        initial["official"] = request.GET["official"]
    form = ScheduleRuleForm(city, request.POST or None, initial=initial)
    context: dict[str, Any] = {"rule": existing, "preview": None, "affected": [], "problems": []}
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            official = data["official"]
            if existing is not None and official.pk != existing.official_id:
                form.add_error("official", _("A rule stays with its official."))
            elif "preview" in request.POST:
                with refusals(form) as refused:
                    context["preview"] = receptions.preview_rule(
                        actor=request.user,  # type: ignore[arg-type]
                        official=official,
                        draft=_draft(data),
                        rule=existing,
                    )
                    status = 200
                if refused:
                    status, context["problems"] = refused.status, refused.problems
            else:
                with refusals(form) as refused:
                    try:
                        change = receptions.save_rule(
                            actor=request.user,  # type: ignore[arg-type]
                            official=official,
                            draft=_draft(data),
                            rule=existing,
                            confirm=data["confirm"],
                        )
                    except receptions.BookingsAffected as error:
                        status, context["affected"] = error.status, _affected(error)
                    else:
                        _done(request, change, _("The reception times are saved."))
                        return redirect("console:receptions", slug=city.slug)
                if refused:
                    status, context["problems"] = refused.status, refused.problems
    return console_page(
        request, city, "console/reception_rule.html", form=form, status=status, **context
    )


def _confirm_page(
    request: HttpRequest, city: City, title: str, error: receptions.BookingsAffected
) -> HttpResponse:
    """The bookings a change would cancel, and the button that confirms it."""
    return console_page(
        request,
        city,
        "console/reception_confirm.html",
        title=title,
        action=request.path,
        affected=_affected(error),
        form=ConfirmForm(),
        status=error.status,
    )


@login_required
@require_POST
def retire_rule(request: HttpRequest, slug: str, rule_id: int) -> HttpResponse:
    city = setup_city(request, slug)
    found = rule_in(city, rule_id)
    form = ConfirmForm(request.POST)
    form.is_valid()
    try:
        change = receptions.retire_rule(
            actor=request.user,  # type: ignore[arg-type]
            rule=found,
            confirm=form.cleaned_data.get("confirm", False),
        )
    except receptions.BookingsAffected as error:
        return _confirm_page(request, city, _("Stop these reception times"), error)
    _done(request, change, _("No more receptions by these times."))
    return redirect("console:receptions", slug=city.slug)


@login_required
@require_http_methods(["GET", "POST"])
def exception(request: HttpRequest, slug: str) -> HttpResponse:
    """A day without reception for an official, or an extra reception."""
    city = setup_city(request, slug)
    initial = {"official": request.GET.get("official")} if request.GET.get("official") else {}
    form = ExceptionForm(city, request.POST or None, initial=initial)
    status, problems, affected = 200, list[str](), list[str]()
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            with refusals(form) as refused:
                try:
                    if data["kind"] == ExceptionKind.CANCELLED:
                        change = receptions.cancel_day(
                            actor=request.user,  # type: ignore[arg-type]
                            official=data["official"],
                            day=data["day"],
                            note=data["note"],
                            confirm=data["confirm"],
                        )
                        _done(request, change, _("The day is without reception."))
                    else:
                        receptions.add_extra_day(
                            actor=request.user,  # type: ignore[arg-type]
                            official=data["official"],
                            extra=receptions.ExtraReception(
                                day=data["day"],
                                starts_at=data["starts_at"],
                                ends_at=data["ends_at"],
                                place=data["place"],
                                slot_minutes=data["slot_minutes"] or 15,
                                note=data["note"],
                            ),
                        )
                        messages.success(request, _("The extra reception is added."))
                    return redirect("console:receptions", slug=city.slug)
                except receptions.BookingsAffected as error:
                    status, affected = error.status, _affected(error)
            if refused:
                status, problems = refused.status, refused.problems
    return console_page(
        request,
        city,
        "console/reception_exception.html",
        form=form,
        problems=problems,
        affected=affected,
        status=status,
    )


@login_required
@require_POST
def remove_exception(request: HttpRequest, slug: str, exception_id: int) -> HttpResponse:
    city = setup_city(request, slug)
    found = get_object_or_404(
        ReceptionException.objects.select_related("official__organisation__city"),
        pk=exception_id,
        official__organisation__city=city,
    )
    form = ConfirmForm(request.POST)
    form.is_valid()
    try:
        change = receptions.remove_exception(
            actor=request.user,  # type: ignore[arg-type]
            exception=found,
            confirm=form.cleaned_data.get("confirm", False),
        )
    except receptions.BookingsAffected as error:
        return _confirm_page(request, city, _("Remove the extra reception"), error)
    _done(request, change, _("The exception is removed."))
    return redirect("console:receptions", slug=city.slug)
