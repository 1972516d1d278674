"""The city's terms and contacts, the operator of its personal-data notice and its own
working-day exceptions, for its administrator. Thin: each form is one service call."""

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from mycity.cities.models import CalendarDay
from mycity.cities.services import clear_calendar_day, set_calendar_day
from mycity.console.category_views import setup_city
from mycity.console.editing import console_page
from mycity.console.settings_forms import CalendarDayForm, CityTermsForm, OperatorForm
from mycity.privacy.models import PrivacyNotice
from mycity.privacy.notice import operator_of
from mycity.setup.city_terms import change_city_terms, city_terms
from mycity.setup.operator_notice import change_operator, operator_values, standard_purposes
from mycity.web.form_errors import refusals


@login_required
@require_http_methods(["GET", "POST"])
def terms(request: HttpRequest, slug: str) -> HttpResponse:
    city = setup_city(request, slug)
    form = CityTermsForm(request.POST or None, initial=city_terms(city))
    status = 200
    problems: list[str] = []
    if request.method == "POST":
        status = 400
        if form.is_valid():
            with refusals(form) as refused:
                change_city_terms(
                    actor=request.user,  # type: ignore[arg-type]
                    city=city,
                    values=form.cleaned_data,
                )
                messages.success(request, _("The city's terms and contacts are saved."))
                return redirect("console:city_terms", slug=city.slug)
            status, problems = refused.status, refused.problems
    return console_page(
        request, city, "console/city_terms.html", form=form, problems=problems, status=status
    )


@login_required
@require_http_methods(["GET", "POST"])
def operator(request: HttpRequest, slug: str) -> HttpResponse:
    city = setup_city(request, slug)
    initial = operator_values(operator_of(city))
    initial["purposes"] = initial["purposes"] or standard_purposes(city)
    form = OperatorForm(request.POST or None, initial=initial)
    status = 200
    problems: list[str] = []
    if request.method == "POST":
        status = 400
        if form.is_valid():
            with refusals(form) as refused:
                notice = change_operator(
                    actor=request.user,  # type: ignore[arg-type]
                    city=city,
                    values=form.cleaned_data,
                )
                if notice is None:
                    messages.info(request, _("Nothing changed; no new version."))
                else:
                    messages.success(
                        request,
                        _("Version %(version)s of the notice is published.")
                        % {"version": notice.version},
                    )
                return redirect("console:operator_notice", slug=city.slug)
            status, problems = refused.status, refused.problems
    versions = PrivacyNotice.objects.filter(city=city).select_related("published_by")[:10]
    return console_page(
        request,
        city,
        "console/operator_notice.html",
        form=form,
        problems=problems,
        versions=versions,
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def calendar(request: HttpRequest, slug: str) -> HttpResponse:
    city = setup_city(request, slug)
    form = CalendarDayForm(request.POST or None)
    status = 200
    problems: list[str] = []
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            with refusals(form) as refused:
                set_calendar_day(
                    actor=request.user,
                    city=city,
                    day=data["day"],
                    is_working=data["is_working"],
                    note=data["note"],
                )
                messages.success(request, _("The day is saved."))
                return redirect("console:city_calendar", slug=city.slug)
            status, problems = refused.status, refused.problems
    this_year = timezone.localdate().year
    days = CalendarDay.objects.filter(city=city, date__year__gte=this_year - 1)
    return console_page(
        request,
        city,
        "console/city_calendar.html",
        form=form,
        problems=problems,
        days=days,
        status=status,
    )


@login_required
@require_POST
def clear_day(request: HttpRequest, slug: str, day: str) -> HttpResponse:
    city = setup_city(request, slug)
    try:
        parsed = date.fromisoformat(day)
    except ValueError:
        raise Http404 from None
    if not clear_calendar_day(actor=request.user, city=city, day=parsed):
        raise Http404
    messages.success(request, _("The exception is removed."))
    return redirect("console:city_calendar", slug=city.slug)
