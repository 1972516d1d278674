"""Editors write, publish and withdraw notices of outages and works in the console."""

from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from mycity.accounts.models import User
from mycity.console.editing import console_page, editor_city
from mycity.console.notice_forms import NoticeForm, initial_of, rows_for
from mycity.content import services
from mycity.content.models import Notice
from mycity.web.form_errors import refusals


@require_safe
@login_required
def notices(request: HttpRequest, slug: str) -> HttpResponse:
    city = editor_city(request, slug)
    rows = Notice.objects.filter(city=city).order_by("-starts_at", "-pk")[:200]
    return console_page(request, city, "console/notices.html", notices=rows)


@login_required
@require_http_methods(["GET", "POST"])
def notice(request: HttpRequest, slug: str, notice_id: int | None = None) -> HttpResponse:
    """A new notice, or one to change."""
    city = editor_city(request, slug)
    found = None
    if notice_id is not None:
        found = Notice.objects.filter(city=city, pk=notice_id).first()
        if found is None:
            raise Http404
    initial = initial_of(found) if found is not None else {}
    form = NoticeForm(city, request.POST or None, initial=initial, rows=rows_for(found))
    problems: list[str] = []
    status = 200
    if request.method == "POST":
        if form.is_valid():
            with refusals(form) as refused:
                saved = services.save_notice(
                    actor=cast(User, request.user), city=city, draft=form.draft(), notice=found
                )
                if request.POST.get("publish") and saved.state == "draft":
                    services.publish_notice(actor=cast(User, request.user), notice=saved)
                    messages.success(request, _("The notice is published."))
                else:
                    messages.success(request, _("The notice is saved."))
                return redirect("console:notice", slug=city.slug, notice_id=saved.pk)
            problems, status = refused.problems, refused.status
        else:
            status = 400
    return console_page(
        request,
        city,
        "console/notice.html",
        form=form,
        notice=found,
        problems=problems,
        status=status,
    )


@login_required
@require_POST
def withdraw(request: HttpRequest, slug: str, notice_id: int) -> HttpResponse:
    city = editor_city(request, slug)
    found = Notice.objects.filter(city=city, pk=notice_id).first()
    if found is None:
        raise Http404
    with refusals() as refused:
        services.withdraw_notice(actor=cast(User, request.user), notice=found)
        messages.success(request, _("The notice is withdrawn."))
    if refused:
        messages.error(request, refused.message)
    return redirect("console:notice", slug=city.slug, notice_id=found.pk)
