"""The personal-data officer's console: residents' requests with their terms, and the
register of incidents. Thin: each action is one service call."""

from typing import cast
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from mycity.accounts.models import User
from mycity.cities.calendar import calendar_for
from mycity.console.editing import console_page
from mycity.privacy import selectors, services
from mycity.privacy.access import get_incident_to_handle, get_request_to_handle, officer_city
from mycity.privacy.errors import IncidentNotFound, RequestNotFound
from mycity.privacy.forms import ActForm, IncidentForm
from mycity.privacy.models import DataRequest, Incident, RequestKind, RequestStatus
from mycity.web.form_errors import refusals


@login_required
@require_GET
def requests(request: HttpRequest, slug: str) -> HttpResponse:
    city = officer_city(request.user, slug)
    queue = selectors.request_queue(city, open_only=request.GET.get("open") == "1")
    return console_page(request, city, "privacy/console_requests.html", queue=queue)


@login_required
@require_http_methods(["GET", "POST"])
def request_card(request: HttpRequest, slug: str, request_id: int) -> HttpResponse:
    city = officer_city(request.user, slug)
    try:
        found = get_request_to_handle(request.user, city, request_id)
    except RequestNotFound:
        raise Http404 from None
    actor = cast(User, request.user)
    form = ActForm(request.POST or None, initial={"full_name": found.corrected_name})
    problems: list[str] = []
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            with refusals(form) as refused:
                _act(actor, found, data)
                messages.success(request, _("The request is answered."))
                return redirect("console:privacy:request", slug=city.slug, request_id=found.pk)
            problems, status = refused.problems, refused.status
        else:
            status = 400
    today = calendar_for(city).local_date(timezone.now())
    return console_page(
        request,
        city,
        "privacy/console_request.html",
        data_request=found,
        events=found.events.select_related("actor"),
        form=form,
        problems=problems,
        open=found.status == RequestStatus.RECEIVED,
        overdue=found.status == RequestStatus.RECEIVED and found.due_on < today,
        kinds=RequestKind,
        status=status,
    )


def _act(actor: User, found: DataRequest, data: dict) -> None:
    action = data["action"]
    if action == "done":
        services.complete_request(actor=actor, request=found, note=data["note"])
    elif action == "refuse":
        services.refuse_request(actor=actor, request=found, reason=data["reason"])
    elif action == "correct":
        services.apply_correction(
            actor=actor, request=found, full_name=data["full_name"], note=data["note"]
        )
    else:
        services.erase_account(actor=actor, request=found)


@login_required
@require_GET
def incidents(request: HttpRequest, slug: str) -> HttpResponse:
    city = officer_city(request.user, slug)
    return console_page(
        request, city, "privacy/console_incidents.html", incidents=selectors.incidents_of(city)
    )


@login_required
@require_http_methods(["GET", "POST"])
def incident(request: HttpRequest, slug: str, incident_id: int | None = None) -> HttpResponse:
    city = officer_city(request.user, slug)
    found: Incident | None = None
    if incident_id is not None:
        try:
            found = get_incident_to_handle(request.user, city, incident_id)
        except IncidentNotFound:
            raise Http404 from None
    actor = cast(User, request.user)
    problems: list[str] = []
    status = 200
    # The officer types moments in the city's time.
    with timezone.override(ZoneInfo(city.timezone)):
        initial = {}
        if found is not None:
            initial = {name: getattr(found, name) for name in services.INCIDENT_FIELDS}
            for name in ("found_at", "authority_notified_at", "subjects_notified_at"):
                if initial[name] is not None:
                    initial[name] = timezone.localtime(initial[name])
        form = IncidentForm(request.POST or None, initial=initial)
        if request.method == "POST":
            if form.is_valid():
                with refusals(form) as refused:
                    if found is None:
                        found = services.register_incident(actor=actor, city=city, **form.values())
                    else:
                        found = services.update_incident(
                            actor=actor, incident=found, **form.values()
                        )
                    messages.success(request, _("The incident is saved."))
                    return redirect(
                        "console:privacy:incident", slug=city.slug, incident_id=found.pk
                    )
                problems, status = refused.problems, refused.status
            else:
                status = 400
    terms = selectors.with_terms(found) if found is not None and found.pk else None
    changes = found.changes.select_related("actor") if found is not None and found.pk else []
    return console_page(
        request,
        city,
        "privacy/console_incident.html",
        form=form,
        incident=found,
        terms=terms,
        changes=changes,
        problems=problems,
        status=status,
    )
