"""The resident's side: the notice before consent (public), and "My data": what is held
about them, its download, and their requests to the operator."""

import json
from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from mycity.accounts.models import User
from mycity.cities.models import City
from mycity.cities.selectors import active_cities
from mycity.privacy import notice as notices
from mycity.privacy import selectors, services
from mycity.privacy.access import get_own_request
from mycity.privacy.errors import RequestNotFound
from mycity.privacy.forms import RequestForm
from mycity.privacy.models import RequestKind
from mycity.web.choice import chosen_city, city_or_404
from mycity.web.form_errors import refusals


@require_GET
def notice(request: HttpRequest, slug: str) -> HttpResponse:
    """The city's notice, current or (`?version=`) as published then; no sign-in."""
    city = city_or_404(slug)
    shown = notices.notice_of(city, request.GET.get("version") or None)
    if shown is None:
        raise Http404
    context = {"city": city, "notice": shown, "authority": notices.authority()}
    return render(request, "privacy/notice.html", context)


def _operator_city(request: HttpRequest, user: User) -> City | None:
    """Whose operator a resident's request goes to when they do not choose: the city they
    look at, else their home city, else any."""
    return chosen_city(request) or user.home_city or active_cities().defer("boundary").first()


@login_required
@require_http_methods(["GET", "POST"])
def my_data(request: HttpRequest) -> HttpResponse:
    user = cast(User, request.user)
    city = _operator_city(request, user)
    form = RequestForm(request.POST or None, initial={"city": city})
    problems: list[str] = []
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            with refusals(form) as refused:
                filed = services.file_request(
                    user=user,
                    city=data["city"],
                    kind=data["kind"],
                    details=data["details"],
                    corrected_name=data["corrected_name"],
                )
                if filed.kind == RequestKind.WITHDRAWAL:
                    messages.success(
                        request,
                        _(
                            "Your consent is withdrawn: subscriptions and push notifications "
                            "are stopped. Your appeals are considered as the law requires."
                        ),
                    )
                else:
                    messages.success(
                        request,
                        _("Your request is received; the answer is due by %(date)s.")
                        % {"date": filed.due_on.strftime("%d.%m.%Y")},
                    )
                return redirect("web:privacy:my_request", request_id=filed.pk)
            problems, status = refused.problems, refused.status
        else:
            status = 400
    context = {
        "held": selectors.held_about(user),
        "form": form,
        "problems": problems,
        "city": city,
    }
    return render(request, "privacy/my_data.html", context, status=status)


@login_required
@require_POST
def download(request: HttpRequest) -> HttpResponse:
    """The copy of everything held (art. 11), given at once and recorded as answered."""
    user = cast(User, request.user)
    city = _operator_city(request, user)
    if city is not None:
        services.record_copy_given(user=user, city=city)
    data = selectors.export(selectors.held_about(user))
    body = json.dumps(data, ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="my-data-{stamp}.json"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_GET
def my_request(request: HttpRequest, request_id: int) -> HttpResponse:
    try:
        found = get_own_request(request.user, request_id)
    except RequestNotFound:
        raise Http404 from None
    events = found.events.all()
    return render(request, "privacy/my_request.html", {"data_request": found, "events": events})
