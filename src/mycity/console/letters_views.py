"""Letters to post: the notices the law owes applicants who wrote on paper (left
without consideration, the term beyond a month, an answer by publication), oldest due
first, for the intake clerks who post them."""

from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from mycity.accounts.models import User
from mycity.accounts.permissions import Action, may
from mycity.appeals.applicant_notices import mark_notice_posted
from mycity.appeals.models import ApplicantNotice, NoticeDelivery
from mycity.cities.calendar import calendar_for
from mycity.console.access import console_city_for
from mycity.console.editing import console_page
from mycity.web.form_errors import refusals

PAGE = 200


@login_required
@require_http_methods(["GET", "POST"])
def letters(request: HttpRequest, slug: str) -> HttpResponse:
    city = console_city_for(request.user, slug)
    if not may(request.user, Action.REGISTER_APPEALS, city):
        raise PermissionDenied
    waiting = ApplicantNotice.objects.filter(
        appeal__city=city, delivery=NoticeDelivery.POST, sent_at__isnull=True
    ).select_related("appeal")
    if request.method == "POST":
        wanted = request.POST.get("notice", "")
        notice = waiting.filter(pk=int(wanted)).first() if wanted.isdigit() else None
        if notice is None:
            messages.error(request, _("There is no such letter waiting."))
            return redirect("console:letters", slug=city.slug)
        with refusals() as refused:
            mark_notice_posted(actor=cast(User, request.user), notice=notice)
        if refused:
            messages.error(request, refused.message)
        else:
            messages.success(
                request,
                _("The letter on appeal %(number)s is posted.")
                % {"number": notice.appeal.registration_number or notice.appeal.number},
            )
        return redirect("console:letters", slug=city.slug)
    today = calendar_for(city).local_date(timezone.now())
    return console_page(
        request,
        city,
        "console/letters.html",
        letters=list(waiting.order_by("due_on", "pk")[:PAGE]),
        today=today,
    )
