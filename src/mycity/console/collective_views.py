"""One answer to many appeals (the organisation's publication), and the thanks the
organisation received: pages for those who answer for an organisation."""

from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from mycity.accounts.models import User
from mycity.accounts.permissions import Action, may
from mycity.appeals import policy
from mycity.appeals.collective import publish_collective_answer
from mycity.appeals.models import Appeal, Category, Result, Status
from mycity.appeals.selectors import handled_in
from mycity.appeals.transitions import ANSWER_RESULTS
from mycity.cities.models import Organisation
from mycity.cities.selectors import organisations_of
from mycity.console.access import console_city_for
from mycity.console.editing import console_page
from mycity.web.form_errors import refusals

_ANSWERABLE = (Status.ASSIGNED, Status.IN_PROGRESS)
LISTED = 500


@login_required
@require_http_methods(["GET", "POST"])
def collective(request: HttpRequest, slug: str) -> HttpResponse:
    city = console_city_for(request.user, slug)
    mine = [
        o
        for o in organisations_of(city).defer("service_area")
        if may(request.user, Action.DECIDE_ON_APPEALS, o)
    ]
    if not mine:
        raise Http404
    source = request.POST if request.method == "POST" else request.GET
    organisation: Organisation | None = next(
        (o for o in mine if o.slug == source.get("organisation")),
        mine[0] if len(mine) == 1 else None,
    )
    open_appeals = Appeal.objects.filter(status__in=_ANSWERABLE)
    subjects = []
    if organisation is not None:
        open_appeals = open_appeals.filter(organisation=organisation)
        counts = (
            open_appeals.order_by()
            .values("category")
            .annotate(n=Count("pk"))
            .filter(n__gte=policy.COLLECTIVE_ANSWER_MINIMUM)
        )
        by_id = {row["category"]: row["n"] for row in counts}
        subjects = [
            (c, by_id[c.pk]) for c in Category.objects.filter(pk__in=by_id).order_by("name_ru")
        ]
    category = next((c for c, _n in subjects if c.slug == source.get("category")), None)
    appeals = (
        list(open_appeals.filter(category=category).order_by("registered_on", "pk")[:LISTED])
        if category
        else []
    )
    problems: list[str] = []
    status = 200
    if request.method == "POST" and organisation is not None and category is not None:
        chosen = {int(v) for v in request.POST.getlist("appeal") if v.isdigit()}
        with refusals() as refused:
            publication = publish_collective_answer(
                actor=cast(User, request.user),
                organisation=organisation,
                appeals=[a for a in appeals if a.pk in chosen],
                title=request.POST.get("title", ""),
                text=request.POST.get("text", ""),
                result=request.POST.get("result", ""),
            )
        if refused:
            problems, status = refused.messages, refused.status
        else:
            messages.success(
                request,
                _("Published; %(n)s appeals are answered.") % {"n": publication.answers.count()},
            )
            return redirect("web:collective_answer", slug=city.slug, answer_id=publication.pk)
    elif request.method == "POST":
        problems, status = [_("Choose the organisation and the subject.")], 400
    return console_page(
        request,
        city,
        "console/collective.html",
        organisations=mine,
        organisation=organisation,
        subjects=subjects,
        category=category,
        appeals=appeals,
        results=[(r.value, r.label) for r in ANSWER_RESULTS],
        minimum=policy.COLLECTIVE_ANSWER_MINIMUM,
        problems=problems,
        posted=request.POST if request.method == "POST" else {},
        status=status,
    )


@require_safe
@login_required
def thanks(request: HttpRequest, slug: str) -> HttpResponse:
    """The thanks residents sent to the organisations this person works for."""
    city = console_city_for(request.user, slug)
    appeals = handled_in(request.user, city)
    if appeals is None:
        raise Http404
    rows = (
        appeals.filter(result=Result.THANKS)
        .select_related("organisation", "category")
        .order_by("-registered_on", "-pk")[:LISTED]
    )
    return console_page(request, city, "console/thanks.html", appeals=list(rows))
