"""The residents' pages: the reception schedule (open to all), booking a slot and
cancelling it (signed in)."""

from typing import cast
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from mycity.accounts.models import User
from mycity.cities.models import City
from mycity.reception import selectors, services
from mycity.reception.access import own_appointment, session_in
from mycity.reception.forms import ApplicantForm
from mycity.web.choice import city_or_404
from mycity.web.form_errors import refusals


@require_http_methods(["GET"])
def reception(request: HttpRequest, slug: str) -> HttpResponse:
    return _reception_page(request, city_or_404(slug))


def _reception_page(
    request: HttpRequest, city: City, *, problems: list[str] | None = None, status: int = 200
) -> HttpResponse:
    user = request.user
    bookings = selectors.bookings_of(cast(User, user), city) if user.is_authenticated else []
    context = {
        "city": city,
        "schedule": selectors.upcoming_schedule(city),
        "bookings": bookings,
        "problems": problems or [],
    }
    return render(request, "reception/reception.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def book(request: HttpRequest, slug: str, session_id: int) -> HttpResponse:
    city = city_or_404(slug)
    session = session_in(city, session_id)
    user = cast(User, request.user)
    zone = ZoneInfo(city.timezone)
    slots = selectors.free_slots(session)
    form = ApplicantForm(
        slots, zone, request.POST or None, initial={"applicant_name": user.full_name}
    )
    problems: list[str] = []
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            with refusals(form) as refused:
                appointment = services.book_appointment(
                    actor=user,
                    session=session,
                    starts_at=data["slot"],
                    details=services.ApplicantDetails(
                        applicant_name=data["applicant_name"],
                        applicant_address=data["applicant_address"],
                        applicant_phone=data["applicant_phone"],
                        subject=data["subject"],
                    ),
                )
                when = timezone.localtime(appointment.starts_at, zone)
                messages.success(
                    request,
                    _("You are booked for %(date)s at %(time)s.")
                    % {
                        "date": formats.date_format(when, "SHORT_DATE_FORMAT"),
                        "time": when.strftime("%H:%M"),
                    },
                )
                return redirect("web:reception:page", slug=city.slug)
            problems, status = refused.problems, refused.status
        else:
            status = 400
    context = {
        "city": city,
        "session": session,
        "form": form,
        "problems": problems,
        "has_slots": bool(slots),
    }
    return render(request, "reception/book.html", context, status=status)


@login_required
@require_POST
def cancel(request: HttpRequest, slug: str, appointment_id: int) -> HttpResponse:
    city = city_or_404(slug)
    appointment = own_appointment(request.user, city, appointment_id)
    with refusals() as refused:
        services.cancel_appointment(actor=cast(User, request.user), appointment=appointment)
    if refused:
        return _reception_page(request, city, problems=[refused.message], status=refused.status)
    messages.success(request, _("Your appointment is cancelled."))
    return redirect("web:reception:page", slug=city.slug)
