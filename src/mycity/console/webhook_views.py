"""The console's webhook pages: the endpoints a person manages in a city, registering
one, and one endpoint with its settings, its actions and its deliveries. Thin: each
form is one service call (the API in console/webhook_api.py calls the same)."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from mycity.cities.models import City
from mycity.console.access import console_city_for
from mycity.console.editing import console_page
from mycity.console.webhook_forms import EndpointForm, NewEndpointForm
from mycity.core.errors import NotFound
from mycity.web.form_errors import refusals
from mycity.webhooks import services
from mycity.webhooks.access import endpoints_for, get_endpoint_for, owner_by_key, owners_for
from mycity.webhooks.events import EventType
from mycity.webhooks.models import Endpoint
from mycity.webhooks.selectors import recent_messages


def _city(request: HttpRequest, slug: str) -> City:
    city = console_city_for(request.user, slug)
    if not owners_for(request.user, city):
        raise Http404
    return city


def _owners(request: HttpRequest, city: City) -> list[tuple[str, str]]:
    return [
        (o.key, o.organisation.name if o.organisation else _("The city (all appeals)"))
        for o in owners_for(request.user, city)
    ]


@login_required
@require_http_methods(["GET", "POST"])
def endpoints(request: HttpRequest, slug: str) -> HttpResponse:
    city = _city(request, slug)
    form = NewEndpointForm(request.POST or None, owners=_owners(request, city))
    status = 200
    problems: list[str] = []
    if request.method == "POST":
        status = 400
        if form.is_valid():
            owner = owner_by_key(request.user, city, form.cleaned_data["owner"])
            with refusals(form) as refused:
                if owner is None:
                    raise Http404
                endpoint = services.register_endpoint(
                    actor=request.user,  # type: ignore[arg-type]
                    city=city,
                    organisation=owner.organisation,
                    url=form.cleaned_data["url"],
                    events=form.cleaned_data["events"],
                    description=form.cleaned_data["description"],
                )
                messages.success(
                    request, _("The endpoint is registered. Its secret is shown below.")
                )
                return redirect("console:webhook", slug=city.slug, endpoint_id=endpoint.pk)
            status, problems = refused.status, refused.problems
    return console_page(
        request,
        city,
        "console/webhooks/list.html",
        endpoints=list(endpoints_for(request.user, city)),
        form=form,
        problems=problems,
        status=status,
    )


def _endpoint(request: HttpRequest, city: City, endpoint_id: int) -> Endpoint:
    try:
        return get_endpoint_for(request.user, city, endpoint_id)
    except NotFound:
        raise Http404 from None


@login_required
@require_http_methods(["GET", "POST"])
def endpoint(request: HttpRequest, slug: str, endpoint_id: int) -> HttpResponse:
    city = _city(request, slug)
    row = _endpoint(request, city, endpoint_id)
    initial = {"url": row.url, "events": row.events, "description": row.description}
    form = EndpointForm(request.POST or None, initial=initial)
    status = 200
    problems: list[str] = []
    if request.method == "POST":
        status = 400
        if form.is_valid():
            with refusals(form) as refused:
                services.update_endpoint(
                    actor=request.user,  # type: ignore[arg-type]
                    endpoint=row,
                    url=form.cleaned_data["url"],
                    events=form.cleaned_data["events"],
                    description=form.cleaned_data["description"],
                )
                messages.success(request, _("The endpoint is saved."))
                return redirect("console:webhook", slug=city.slug, endpoint_id=row.pk)
            status, problems = refused.status, refused.problems
        row.refresh_from_db()
    return console_page(
        request,
        city,
        "console/webhooks/endpoint.html",
        endpoint=row,
        form=form,
        problems=problems,
        event_names=dict(EventType.choices),
        deliveries=recent_messages(row),
        status=status,
    )


_ACTIONS: dict[str, Any] = {
    "pause": (services.pause_endpoint, gettext_lazy("The endpoint is paused.")),
    "resume": (services.resume_endpoint, gettext_lazy("The endpoint is active again.")),
    "rotate": (
        services.rotate_secret,
        gettext_lazy("A new secret is made; the old one signs beside it for 24 hours."),
    ),
    "ping": (services.send_test_ping, gettext_lazy("A test ping is on its way.")),
    "delete": (services.delete_endpoint, gettext_lazy("The endpoint is deleted.")),
}


@login_required
@require_POST
def act(request: HttpRequest, slug: str, endpoint_id: int) -> HttpResponse:
    city = _city(request, slug)
    row = _endpoint(request, city, endpoint_id)
    action = _ACTIONS.get(request.POST.get("action", ""))
    if action is None:
        raise Http404
    command, done = action
    with refusals() as refused:
        command(actor=request.user, endpoint=row)
        messages.success(request, done)
        if request.POST.get("action") == "delete":
            return redirect("console:webhooks", slug=city.slug)
        return redirect("console:webhook", slug=city.slug, endpoint_id=row.pk)
    messages.error(request, refused.message)
    return redirect("console:webhook", slug=city.slug, endpoint_id=row.pk)
