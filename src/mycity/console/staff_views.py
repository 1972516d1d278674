"""The staff member's own tools in the console: notifications, preferences, answer
templates, saved views of the queue and the dispatcher's bulk actions.

As in `views`: parse, look up through a guarded lookup, call a service, render; an
htmx request gets the fragment it swaps. `queue_tools` and `answer_template_context`
are the additions the queue and the card render with."""

from typing import Any, cast
from urllib.parse import urlsplit

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from mycity.accounts.models import User
from mycity.accounts.permissions import Action, may
from mycity.appeals import selectors as appeal_selectors
from mycity.appeals.models import Appeal
from mycity.appeals.workflow import Move
from mycity.cities.models import City, Organisation
from mycity.cities.selectors import organisations_of
from mycity.console import selectors, services
from mycity.console.access import appeal_at_desk, console_city_for, desks_of
from mycity.console.staff_forms import (
    AnswerTemplateForm,
    BulkForm,
    PreferencesForm,
    SavedViewForm,
)
from mycity.core.errors import DomainError
from mycity.notify import services as notify_services
from mycity.web.form_errors import refusals

NOTIFICATIONS_PAGE = 50


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)  # login_required: signed in


def _form_errors(form: Any) -> str:
    return "; ".join(str(e) for errors in form.errors.values() for e in errors)


def _staff_home(request: HttpRequest) -> dict[str, Any]:
    """The nav of a page that belongs to no city: the person's first desk."""
    desks = desks_of(request.user)
    if not desks:
        raise Http404
    return {"city": desks[0].city, "desks": desks}


# --- Additions to the queue and the card ------------------------------------------


def queue_tools(request: HttpRequest, city: City) -> dict[str, Any]:
    """What the queue shows besides its rows: the bulk form (dispatchers) and the
    person's saved views (the whole page only)."""
    context: dict[str, Any] = {"can_bulk": may(request.user, Action.DISPATCH, city)}
    if not _is_htmx(request):
        context["saved_views"] = selectors.saved_views_of(request.user, city)
        context["current_query"] = selectors.queue_query(request.GET)
    return context


def answer_template_context(request: HttpRequest, appeal: Appeal, moves: list) -> dict[str, Any]:
    """The answer form's templates and, for `?template=<id>` (without JavaScript), the
    chosen one's text filled in for this appeal."""
    if Move.ANSWER not in moves:
        return {}
    context: dict[str, Any] = {
        "answer_templates": selectors.card_templates(request.user, appeal),
        "answer_text": "",
    }
    chosen = request.GET.get("template") if request.method == "GET" else None
    if chosen:
        template = selectors.template_of_appeal(request.user, appeal, chosen)
        context["answer_text"] = selectors.fill_answer_template(template.text, appeal)
        context["chosen_template"] = template.pk
    return context


# --- Notifications and preferences ------------------------------------------------


@login_required
@require_GET
def notifications(request: HttpRequest) -> HttpResponse:
    """The person's notifications, newest first; those shown are marked read."""
    context = _staff_home(request)
    user = _user(request)
    before = request.GET.get("before", "")
    page = notify_services.read_page(
        user, before_id=int(before) if before.isdigit() else None, limit=NOTIFICATIONS_PAGE
    )
    context |= {"items": page.items, "fresh": page.fresh, "next_before": page.next_before}
    return render(request, "console/notifications.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request: HttpRequest) -> HttpResponse:
    context = _staff_home(request)
    user = _user(request)
    current = selectors.preferences_of(user)
    # An unticked box posts nothing: the form is bound by the method, not by its data.
    data = request.POST if request.method == "POST" else None
    form = PreferencesForm(data, initial={"daily_digest": current.daily_digest})
    if request.method == "POST" and form.is_valid():
        services.set_staff_preferences(user=user, daily_digest=form.cleaned_data["daily_digest"])
        messages.success(request, _("Your preferences are saved."))
        return redirect("console:preferences")
    return render(request, "console/preferences.html", {**context, "form": form})


# --- Answer templates ---------------------------------------------------------------


def _templates_page(
    request: HttpRequest,
    city: City,
    organisations: list[Organisation],
    *,
    form: AnswerTemplateForm | None = None,
    error: str | None = None,
    editing: int | None = None,
) -> HttpResponse:
    context = {
        "city": city,
        "desks": desks_of(request.user),
        "organisations": organisations,
        "templates": selectors.answer_templates_of(organisations),
        "form": form or AnswerTemplateForm(),
        "error": error,
        "editing": editing,
    }
    return render(request, "console/answer_templates.html", context, status=400 if error else 200)


def _writable_organisations(request: HttpRequest, city: City) -> list[Organisation]:
    organisations = selectors.template_organisations(request.user, city)
    if not organisations:
        raise Http404
    return organisations


@login_required
@require_http_methods(["GET", "POST"])
def answer_templates(request: HttpRequest, slug: str) -> HttpResponse:
    """The answer templates of the organisations the person writes for; a new one."""
    city = console_city_for(request.user, slug)
    organisations = _writable_organisations(request, city)
    if request.method == "GET":
        return _templates_page(request, city, organisations)
    form = AnswerTemplateForm(request.POST)
    if not form.is_valid():
        return _templates_page(request, city, organisations, form=form, error=_form_errors(form))
    chosen = form.cleaned_data.get("organisation") or ""
    organisation = next(
        (o for o in organisations if o.slug == chosen or (not chosen and len(organisations) == 1)),
        None,
    )
    if organisation is None:
        error = _("Choose the organisation.")
        return _templates_page(request, city, organisations, form=form, error=error)
    with refusals() as refused:
        services.create_answer_template(
            actor=_user(request),
            organisation=organisation,
            title=form.cleaned_data["title"],
            text=form.cleaned_data["text"],
        )
    if refused:
        return _templates_page(request, city, organisations, form=form, error=refused.message)
    messages.success(request, _("The template is saved."))
    return redirect("console:answer_templates", slug=city.slug)


@login_required
@require_POST
def answer_template(request: HttpRequest, slug: str, template_id: int) -> HttpResponse:
    """Change or delete one template."""
    city = console_city_for(request.user, slug)
    organisations = _writable_organisations(request, city)
    template = selectors.answer_template_for(request.user, city, template_id)
    user = _user(request)
    if request.POST.get("action") == "delete":
        services.delete_answer_template(actor=user, template=template)
        messages.success(request, _("The template is deleted."))
        return redirect("console:answer_templates", slug=city.slug)
    form = AnswerTemplateForm(request.POST)
    with refusals() as refused:
        if not form.is_valid():
            raise DomainError(_form_errors(form))
        services.update_answer_template(
            actor=user,
            template=template,
            title=form.cleaned_data["title"],
            text=form.cleaned_data["text"],
        )
    if refused:
        return _templates_page(
            request, city, organisations, error=refused.message, editing=template.pk
        )
    messages.success(request, _("The template is saved."))
    return redirect("console:answer_templates", slug=city.slug)


@login_required
@require_GET
def filled_answer(request: HttpRequest, slug: str, appeal_id: int) -> HttpResponse:
    """The answer box filled from a template of the appeal's organisation (htmx swaps
    it for the empty one)."""
    city = console_city_for(request.user, slug)
    appeal = appeal_at_desk(request.user, city, appeal_id)
    chosen = request.GET.get("template", "")
    if not chosen:
        return HttpResponse(status=204)  # "no template": leave what is written
    template = selectors.template_of_appeal(request.user, appeal, chosen)
    text = selectors.fill_answer_template(template.text, appeal)
    return render(request, "console/_answer_text.html", {"appeal": appeal, "answer_text": text})


# --- Saved views ------------------------------------------------------------------


def _current_query(request: HttpRequest, posted: str) -> str:
    """The queue's filters as the person sees them now: htmx tells the page's URL
    (filters change it in place); a plain form posts what the page was rendered with."""
    current = request.headers.get("HX-Current-URL")
    if current:
        return selectors.queue_query(urlsplit(current).query)
    return selectors.queue_query(posted)


def _back_to_queue(request: HttpRequest, city: City, query: str) -> HttpResponse:
    url = reverse("console:queue", kwargs={"slug": city.slug}) + (f"?{query}" if query else "")
    if _is_htmx(request):
        return HttpResponse(status=204, headers={"HX-Redirect": url})
    return redirect(url)


def _queue_city(request: HttpRequest, slug: str) -> City:
    city = console_city_for(request.user, slug)
    if appeal_selectors.handled_in(request.user, city) is None:
        raise Http404
    return city


@login_required
@require_POST
def save_view(request: HttpRequest, slug: str) -> HttpResponse:
    """Keep the queue's current filters under a name."""
    city = _queue_city(request, slug)
    form = SavedViewForm(request.POST)
    query = _current_query(request, request.POST.get("query", ""))
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return _back_to_queue(request, city, query)
    with refusals() as refused:
        view = services.save_view(
            user=_user(request), city=city, name=form.cleaned_data["name"], query=query
        )
    if refused:
        messages.error(request, refused.message)
        return _back_to_queue(request, city, query)
    messages.success(request, _("The view “%(name)s” is saved.") % {"name": view.name})
    return _back_to_queue(request, city, view.query)


@login_required
@require_POST
def delete_view(request: HttpRequest, slug: str, view_id: int) -> HttpResponse:
    city = _queue_city(request, slug)
    view = selectors.saved_view_for(request.user, city, view_id)
    services.delete_view(user=_user(request), view=view)
    messages.success(request, _("The view “%(name)s” is deleted.") % {"name": view.name})
    return _back_to_queue(request, city, _current_query(request, request.POST.get("query", "")))


# --- Bulk actions ---------------------------------------------------------------------


@login_required
@require_POST
def bulk(request: HttpRequest, slug: str) -> HttpResponse:
    """Accept or route the selected appeals; a report of what happened to each."""
    city = console_city_for(request.user, slug)
    if not may(request.user, Action.DISPATCH, city):
        raise Http404
    form = BulkForm(request.POST)
    query = _current_query(request, request.POST.get("query", ""))
    outcomes: list[services.BulkOutcome] = []
    error: str | None = None
    if not form.is_valid():
        error = _form_errors(form)
    else:
        data = form.cleaned_data
        organisation = None
        if data["action"] == services.BULK_ASSIGN and data.get("organisation"):
            organisation = organisations_of(city).filter(slug=data["organisation"]).first()
        try:
            with refusals() as refused:
                outcomes = services.bulk_act(
                    actor=_user(request),
                    city=city,
                    action=data["action"],
                    selected=services.parse_selection(request.POST.getlist("appeals")),
                    organisation=organisation,
                )
        except PermissionDenied:
            error = _("You may not do this.")
        else:
            error = refused.message or None
    queue_url = reverse("console:queue", kwargs={"slug": city.slug})
    context = {
        "city": city,
        "desks": desks_of(request.user),
        "outcomes": outcomes,
        "tally": services.describe(outcomes),
        "error": error,
        "back": queue_url + (f"?{query}" if query else ""),
        "htmx": _is_htmx(request),
    }
    if _is_htmx(request):
        # A 4xx would not be swapped in by htmx; the report says what went wrong.
        return render(request, "console/_bulk_result.html", context)
    return render(request, "console/bulk_result.html", context, status=400 if error else 200)
