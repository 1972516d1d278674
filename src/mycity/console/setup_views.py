"""The city administrator's home: the onboarding checklist, each item linked to the page
that completes it, and "go live", refused while an item is missing."""

from collections.abc import Sequence

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from mycity.accounts.permissions import Action, may
from mycity.cities.models import City
from mycity.console.category_views import setup_city
from mycity.console.editing import console_page
from mycity.setup.checklist import checklist, go_live
from mycity.web.form_errors import refusals


def _page(
    request: HttpRequest, city: City, status: int = 200, problems: Sequence[str] = ()
) -> HttpResponse:
    items = checklist(city)
    return console_page(
        request,
        city,
        "console/setup.html",
        items=items,
        ready=all(item.done for item in items),
        problems=list(problems),
        can_read_audit=may(request.user, Action.READ_AUDIT, city),
        status=status,
    )


@require_safe
@login_required
def setup(request: HttpRequest, slug: str) -> HttpResponse:
    return _page(request, setup_city(request, slug))


@login_required
@require_POST
def live(request: HttpRequest, slug: str) -> HttpResponse:
    city = setup_city(request, slug)
    with refusals() as refused:
        go_live(actor=request.user, city=city)  # type: ignore[arg-type]
        messages.success(request, _("%(city)s is live.") % {"city": city.name})
        return redirect("console:setup", slug=city.slug)
    return _page(request, city, status=refused.status, problems=refused.messages)
