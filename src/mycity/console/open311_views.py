"""Connecting an organisation's own Open311 system (Open311 out), for the city
administrator or the organisation's head: the page calls the same services as the API
(`appeals.open311_out`), and shows what was sent there lately."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from mycity.appeals import open311_out
from mycity.appeals.access import get_organisation_to_link
from mycity.appeals.models import AppealKind
from mycity.appeals.selectors import leaf_categories
from mycity.console.access import console_city_for
from mycity.console.editing import console_page
from mycity.console.open311_forms import Open311LinkForm, link_initial
from mycity.core.errors import NotFound
from mycity.web.form_errors import refusals


@login_required
@require_http_methods(["GET", "POST"])
def open311_link(request: HttpRequest, slug: str, organisation_slug: str) -> HttpResponse:
    city = console_city_for(request.user, slug)
    try:
        organisation = get_organisation_to_link(request.user, city.slug, organisation_slug)
    except NotFound:
        raise Http404 from None
    link = open311_out.link_of(organisation)
    categories = list(
        leaf_categories(city).filter(kind=AppealKind.PROBLEM).order_by("display_order", "pk")
    )
    hint = open311_out.masked_key(link)
    status, problems = 200, list[str]()
    if request.method == "POST" and request.POST.get("action") == "remove":
        open311_out.remove_open311_link(actor=request.user, organisation=organisation)  # type: ignore[arg-type]
        messages.success(request, _("Their system is disconnected."))
        return redirect("console:open311_link", slug=city.slug, organisation_slug=organisation.slug)
    if request.method == "POST":
        form = Open311LinkForm(request.POST, categories=categories, key_hint=hint)
        status = 400
        if form.is_valid():
            with refusals(form) as refused:
                open311_out.save_open311_link(
                    actor=request.user,  # type: ignore[arg-type]
                    organisation=organisation,
                    values=open311_out.LinkValues(
                        endpoint=form.cleaned_data["endpoint"],
                        jurisdiction_id=form.cleaned_data["jurisdiction_id"],
                        api_key=form.cleaned_data["api_key"],
                        service_codes=form.service_codes(),
                        is_active=form.cleaned_data["is_active"],
                    ),
                )
                messages.success(request, _("The connection is saved."))
                return redirect(
                    "console:open311_link", slug=city.slug, organisation_slug=organisation.slug
                )
            status, problems = refused.status, refused.problems
    else:
        form = Open311LinkForm(initial=link_initial(link), categories=categories, key_hint=hint)
    return console_page(
        request,
        city,
        "console/open311_link.html",
        organisation=organisation,
        link=link,
        form=form,
        problems=problems,
        dispatches=open311_out.dispatches_of(link) if link else [],
        status=status,
    )
